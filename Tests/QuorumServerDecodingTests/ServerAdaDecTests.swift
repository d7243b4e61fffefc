import Foundation
import QuorumCore
import QuorumDecode
import QuorumEngine
import QuorumHTTP
import QuorumTestSupport
import Testing

/// AdaDec over a real llama-server (smollm2-135m): τ = ∞ is the server's greedy completion, τ = 0 pauses at
/// every step; the top-20 estimate and the reranked choices against the embedded engine on the same model.
@Suite(.serialized, .enabled(if: LlamaServer.isAvailable, "llama-server not built (scripts/build-llama-server.sh)"))
struct ServerAdaDecTests {
    static let stop = ["\n\n"]

    static func decoder(_ tau: Double, maxTokens: Int) -> ServerAdaDec {
        ServerAdaDec(configuration: AdaDec.Configuration(threshold: tau, maxTokens: maxTokens, stop: stop))
    }

    @Test func withAnInfiniteThresholdItIsTheServersGreedyCompletion() async throws {
        try await ServerSupport.withServers([ServerSupport.draftModel]) { b in
            let r = try await Self.decoder(.infinity, maxTokens: 40).generate(backend: b[0], prompt: ServerSupport.prompt)
            let own = try await ServerSupport.greedy(b[0], ServerSupport.prompt, maxTokens: 40, stop: Self.stop)
            #expect(r.text == own.text)
            #expect(r.pausedSteps == 0 && r.changedSteps == 0 && r.rolloutTokens == 0)
            #expect(r.tokenPrompts)
            // The tokens of the text (entries past it belong to the stop string the server cut off).
            let ids = try ServerPiece(own, stops: Self.stop).tokens.map(\.id)
            #expect(r.tokens == ids)
            // Chunks of 16 tokens: one request per chunk.
            #expect(r.requests == (r.steps + 15) / 16 || r.finish == .stop)
            #expect(r.promptTokens == own.usage.promptTokens)
            #expect(r.logprobs.allSatisfy { $0 <= 0 && $0.isFinite })
        }
    }

    @Test func withThresholdZeroEveryStepPausesAndRollsOutItsCandidates() async throws {
        try await ServerSupport.withServers([ServerSupport.draftModel]) { b in
            let r = try await Self.decoder(0, maxTokens: 10).generate(backend: b[0], prompt: ServerSupport.prompt)
            #expect(r.steps == 10 && r.logprobs.count == 10)
            #expect(r.pausedSteps == r.steps && r.pausedFraction == 1)
            #expect(r.changedSteps <= r.pausedSteps)
            // Three roll-outs of up to five tokens per paused step, each its own request.
            #expect(r.rolloutTokens > 0 && r.rolloutTokens <= 3 * 5 * r.pausedSteps)
            #expect(r.requests >= 1 + 3 * r.pausedSteps - 3)
            #expect(r.generatedTokens >= r.rolloutTokens + r.steps)
            #expect(!r.text.isEmpty)
        }
    }

    /// The engine's top-20 estimate (``EntropyEstimate/top(_:)``) of the distribution after the prompt is what
    /// the server reports for the same model, and both decoders at τ = 0 (every step paused, so the pause rule
    /// itself does not matter) commit the same candidates. The two compute the model differently (the engine
    /// with 8-bit activations, llama.cpp with its own kernels), so log-probabilities differ by a few
    /// hundredths and a near tie between candidates could go either way; on this prompt they agree.
    @Test func theEstimateAndTheChoicesAgreeWithTheEngineOnTheSameModel() async throws {
        let file = LlamaServer.model(ServerSupport.draftModel)
        try #require(FileManager.default.fileExists(atPath: file), "model file missing: \(file)")
        let engine = try EngineModel(file: try GGUFFile(path: file), threads: 1)
        let prompt = try #require(engine.text).encode(ServerSupport.prompt)
        let sequence = try await engine.makeSequence()
        let d = try #require(try await engine.prefill(sequence, tokens: prompt, distributions: 1).first)
        await engine.free(sequence)
        let engineEstimate = EntropyEstimate.top(20).value(of: d)
        #expect(engineEstimate <= d.entropy + 1e-9)  // a lower bound
        let steps = 8
        let onEngine = try await AdaDec.generate(
            model: engine, prompt: prompt,
            configuration: AdaDec.Configuration(threshold: 0, maxTokens: steps, stop: Self.stop))
        try await ServerSupport.withServers([ServerSupport.draftModel]) { b in
            let first = try #require(try await b[0].complete(CompletionRequest(
                prompt: ServerSupport.prompt, maxTokens: 1, temperature: 0, n: 1, logprobs: 20)).first)
            let bounds = try #require(first.logprobs?.entropyBounds(at: 0))
            #expect(abs(bounds.lower - engineEstimate) < 0.05, "server \(bounds.lower), engine \(engineEstimate)")
            let r = try await Self.decoder(0, maxTokens: steps).generate(backend: b[0], prompt: ServerSupport.prompt)
            #expect(r.tokens == onEngine.tokens, "server \(r.text.debugDescription), engine \(onEngine.text.debugDescription)")
            #expect(r.changedSteps == onEngine.changedSteps)
            for (s, e) in zip(r.logprobs, onEngine.logprobs) { #expect(abs(s - e) < 0.1) }
            // At τ = 0.5 nats the pause rule matters: the engine pauses on the full entropy, the server on the
            // top-20 lower bound. Where the two agree on which steps reach τ, they commit the same text.
            let engineHalf = try await AdaDec.generate(
                model: engine, prompt: prompt,
                configuration: AdaDec.Configuration(threshold: 0.5, maxTokens: 16, stop: Self.stop))
            let half = try await Self.decoder(0.5, maxTokens: 16).generate(backend: b[0], prompt: ServerSupport.prompt)
            #expect(half.pausedSteps == engineHalf.pausedSteps && half.pausedSteps > 0)
            #expect(half.tokens == engineHalf.tokens, "server \(half.text.debugDescription), engine \(engineHalf.text.debugDescription)")
        }
    }
}

/// AdaDec over the fault server: the requests it sends (token-id prompts, roll-outs) and the choice it makes,
/// on a scripted model.
@Suite struct ServerAdaDecScriptTests {
    static func item(_ token: String, _ id: Int, _ logprob: Double, top: [(String, Int, Double)]) -> [String: Any] {
        [
            "id": id, "token": token, "bytes": Array(token.utf8), "logprob": logprob,
            "top_logprobs": top.map { ["id": $0.1, "token": $0.0, "bytes": Array($0.0.utf8), "logprob": $0.2] },
        ]
    }

    static func answer(_ items: [[String: Any]], text: String, finish: String, generated: Int) -> [UInt8] {
        Responses.json([
            "choices": [["index": 0, "text": text, "finish_reason": finish, "logprobs": ["content": items]]],
            "usage": ["prompt_tokens": 4, "completion_tokens": generated],
        ])
    }

    @Test func aPausedStepRollsOutItsCandidatesWithTokenIDPromptsAndCommitsTheBestScore() async throws {
        // Position 1 is uncertain ("b" −0.7 vs "x" −0.8): its estimate exceeds τ = 0.5. The roll-out after "b"
        // is unlikely (−2), after "x" likely (−0.1), so "x" wins: (−0.8 − 0.1) / 2 > (−0.7 − 2) / 2.
        let server = try FaultServer { request, _ in
            let prompt = request.json["prompt"]
            if let text = prompt as? String {
                #expect(text == "P")
                return .respond(status: 200, body: Self.answer([
                    Self.item("a", 1, -0.01, top: [("a", 1, -0.01)]),
                    Self.item("b", 2, -0.7, top: [("b", 2, -0.7), ("x", 9, -0.8)]),
                    Self.item(" c", 3, -0.01, top: [(" c", 3, -0.01)]),
                ], text: "ab c", finish: "length", generated: 3))
            }
            let array = prompt as? [Any] ?? []
            let ids = array.dropFirst().compactMap { ($0 as? NSNumber)?.intValue }
            switch ids {
            case [1, 2]:
                return .respond(status: 200, body: Self.answer(
                    [Self.item(" c", 3, -2.0, top: [(" c", 3, -2.0)])], text: " c", finish: "length", generated: 1))
            case [1, 9]:
                // Both the roll-out (max_tokens 5) and the next chunk continue after "x".
                let maxTokens = request.int("max_tokens") ?? 0
                if maxTokens == 5 {
                    return .respond(status: 200, body: Self.answer(
                        [Self.item(" y", 4, -0.1, top: [(" y", 4, -0.1)])], text: " y", finish: "length", generated: 1))
                }
                return .respond(status: 200, body: Self.answer([
                    Self.item(" z", 5, -0.2, top: [(" z", 5, -0.2)]), Self.item("", 0, -0.05, top: [("", 0, -0.05)]),
                ], text: " z", finish: "stop", generated: 2))
            default:
                return .respond(status: 400, body: Array("unexpected prompt \(array)".utf8))
            }
        }
        let backend = try ServerSupport.backend(server.baseURL, attempts: 1)
        let decoder = ServerAdaDec(configuration: AdaDec.Configuration(threshold: 0.5, lookahead: 5, candidates: 2, maxTokens: 10))
        let r = try await decoder.generate(backend: backend, prompt: "P")
        try await backend.shutdown()
        #expect(r.text == "ax z")
        #expect(r.tokens == [1, 9, 5, 0])
        #expect(r.logprobs == [-0.01, -0.8, -0.2, -0.05])
        #expect(r.finish == .stop)
        #expect(r.steps == 4 && r.pausedSteps == 1 && r.changedSteps == 1)
        #expect(r.rolloutTokens == 2)
        #expect(r.requests == 4)
        #expect(r.tokenPrompts)
        // Every request was greedy with 20 alternatives (chunks) or the roll-out's own (roll-outs).
        for request in server.requests {
            #expect(request.double("temperature") == 0)
        }
    }

    /// OpenAI's legacy form (vLLM): no token ids, so prompts are text.
    static func legacy(_ tokens: [(String, Double, [String: Double])], finish: String, generated: Int) -> [UInt8] {
        Responses.json([
            "choices": [[
                "index": 0, "text": tokens.map(\.0).joined(), "finish_reason": finish, "stop_reason": NSNull(),
                "logprobs": [
                    "tokens": tokens.map(\.0), "token_logprobs": tokens.map(\.1), "top_logprobs": tokens.map(\.2),
                ] as [String: Any],
            ] as [String: Any]],
            "usage": ["prompt_tokens": 4, "completion_tokens": generated],
        ])
    }

    @Test func withoutTokenIDsThePromptsAreText() async throws {
        let server = try FaultServer { request, _ in
            switch request.json["prompt"] as? String ?? "" {
            case "P":
                return .respond(status: 200, body: Self.legacy([
                    ("a", -0.01, ["a": -0.01]), (" b", -0.7, [" b": -0.7, " x": -0.8]),
                ], finish: "length", generated: 2))
            case "Pa b": return .respond(status: 200, body: Self.legacy([(".", -3, [".": -3])], finish: "length", generated: 1))
            case "Pa x": return .respond(status: 200, body: Self.legacy([("!", -0.1, ["!": -0.1])], finish: "length", generated: 1))
            default: return .respond(status: 400, body: Array("unexpected prompt".utf8))
            }
        }
        let backend = try ServerSupport.backend(server.baseURL, attempts: 1)
        let decoder = ServerAdaDec(configuration: AdaDec.Configuration(threshold: 0.5, lookahead: 1, candidates: 2, maxTokens: 2))
        let r = try await decoder.generate(backend: backend, prompt: "P")
        try await backend.shutdown()
        #expect(r.text == "a x")
        #expect(r.tokens == nil && !r.tokenPrompts)
        #expect(r.steps == 2 && r.changedSteps == 1 && r.requests == 3 && r.finish == .length)
    }

    @Test func aRolloutThatFailsFailsTheCompletionClearly() async throws {
        let server = try FaultServer { request, _ in
            if request.json["prompt"] is String {
                return .respond(status: 200, body: Self.answer([
                    Self.item("b", 2, -0.7, top: [("b", 2, -0.7), ("x", 9, -0.8)]),
                ], text: "b", finish: "length", generated: 1))
            }
            return .reset
        }
        let backend = try ServerSupport.backend(server.baseURL, attempts: 1)
        let decoder = ServerAdaDec(configuration: AdaDec.Configuration(threshold: 0.5, candidates: 2, maxTokens: 4))
        await #expect(throws: HTTPBackendError.self) { try await decoder.generate(backend: backend, prompt: "P") }
        try await backend.shutdown()
    }
}
