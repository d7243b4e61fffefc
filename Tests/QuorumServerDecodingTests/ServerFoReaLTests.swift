import Foundation
import QuorumCore
import QuorumDecode
import QuorumEngine
import QuorumHTTP
import QuorumTestSupport
import Testing

/// FoReaL over real llama-servers (leader qwen2.5-coder-0.5b, draft smollm2-135m): the corner cases of the gate
/// reproduce each model's own greedy text, so every delimiter the servers cut off was re-appended exactly.
@Suite(.serialized, .enabled(if: LlamaServer.isAvailable, "llama-server not built (scripts/build-llama-server.sh)"))
struct ServerFoReaLTests {
    static let stop = ["\n\n"]

    static func configuration(n: Int, p: Double, maxTokens: Int = 120, seed: UInt64 = 3) -> FoReaL.Configuration {
        FoReaL.Configuration(
            leadTokens: n, leadProbability: p, maxTokens: maxTokens, delimiters: .prose, stop: stop,
            sampling: SamplingParameters(temperature: 0, seed: seed))
    }

    static func writer(_ backend: any CompletionBackend, stream: UInt64) -> ServerFoReaLWriter {
        ServerFoReaLWriter(backend: backend, prompt: ServerSupport.prompt, stream: stream, seed: 3)
    }

    @Test func withPZeroTheTextIsTheDraftsOwnGreedyTextWithEveryDelimiterReappended() async throws {
        try await ServerSupport.withServers([ServerSupport.leaderModel, ServerSupport.draftModel]) { b in
            let (leader, draft) = (Self.writer(b[0], stream: 0), Self.writer(b[1], stream: 1))
            let r = try await FoReaL.generate(leader: leader, draft: draft, configuration: Self.configuration(n: 5, p: 0))
            let own = try await ServerSupport.greedy(b[1], ServerSupport.prompt, maxTokens: 200, stop: Self.stop)
            #expect(own.finish == .stop)
            #expect(r.text == own.text)
            #expect(r.finish == .stop)
            // The text has sentences: the delimiters ". " and "\n" were cut off by the server and put back.
            #expect(r.text.contains(". "))
            #expect(r.sentences >= 2)
            #expect(r.leaderGenerated == 0 && r.leaderKept == 0 && r.leaderRequests == 0)
            #expect(r.switches == 0 && r.leaderShare == 0)
            #expect(r.draftKept == r.logprobs.count)
            #expect(r.draftRequests >= r.sentences)
            #expect(r.draftGenerated >= r.draftKept)
            #expect(r.draftPrefilled > 0)
            #expect(r.logprobs.allSatisfy { $0 <= 0 && $0.isFinite })
        }
    }

    @Test func withPOneAndAHugeNTheTextIsTheLeadersOwnGreedyText() async throws {
        try await ServerSupport.withServers([ServerSupport.leaderModel, ServerSupport.draftModel]) { b in
            let (leader, draft) = (Self.writer(b[0], stream: 0), Self.writer(b[1], stream: 1))
            let r = try await FoReaL.generate(
                leader: leader, draft: draft, configuration: Self.configuration(n: 100_000, p: 1))
            let own = try await ServerSupport.greedy(b[0], ServerSupport.prompt, maxTokens: 200, stop: Self.stop)
            #expect(own.finish == .stop)
            #expect(r.text == own.text)
            #expect(r.finish == .stop)
            #expect(r.text.contains(". "))
            #expect(r.draftGenerated == 0 && r.draftKept == 0 && r.draftRequests == 0)
            #expect(r.leaderShare == 1 && r.switches == 0)
            #expect(r.ledSentences == r.sentences)
        }
    }

    @Test func aShortLeadIsCutBackToAWordBoundaryAndTheDraftCompletesTheSentence() async throws {
        try await ServerSupport.withServers([ServerSupport.leaderModel, ServerSupport.draftModel]) { b in
            let (leader, draft) = (Self.writer(b[0], stream: 0), Self.writer(b[1], stream: 1))
            let r = try await FoReaL.generate(leader: leader, draft: draft, configuration: Self.configuration(n: 4, p: 1))
            #expect(r.leaderKept > 0 && r.draftKept > 0)
            #expect(r.switches >= 1)
            #expect(r.leaderKept + r.draftKept == r.logprobs.count)
            // Leader pieces of 4 tokens were cut back: it generated more than it kept.
            #expect(r.leaderGenerated > r.leaderKept)
            #expect(r.leaderRequests == r.ledSentences + (leader.probes))
            #expect(!r.text.isEmpty)
            // No word was split at a handoff: the text has no space-less join of two words the leader cut.
            #expect(!r.text.contains("  "))
        }
    }

    @Test func anEngineLeaderAndAServerDraftRunTheSameLoop() async throws {
        try CLIModel.require(ServerSupport.draftModel)
        let file = LlamaServer.model(ServerSupport.draftModel)
        let engine = try EngineModel(file: try GGUFFile(path: file), threads: 1)
        try await ServerSupport.withServers([ServerSupport.leaderModel]) { b in
            let prompt = try #require(engine.text).encode(ServerSupport.prompt)
            // p = 0: the engine leader is never asked; the server draft writes its own greedy text.
            let configuration = Self.configuration(n: 3, p: 0)
            let l = try await FoReaL.engineWriter(
                FoReaL.Participant(model: engine, prompt: prompt), sampling: configuration.sampling, stream: 0)
            let r = try await FoReaL.generate(leader: l, draft: Self.writer(b[0], stream: 1), configuration: configuration)
            await l.close()
            let own = try await ServerSupport.greedy(b[0], ServerSupport.prompt, maxTokens: 200, stop: Self.stop)
            #expect(r.text == own.text)
            // p = 1, n = 3: both write, the engine's pieces cut back on its own sequence.
            let mixed = Self.configuration(n: 3, p: 1)
            let l2 = try await FoReaL.engineWriter(
                FoReaL.Participant(model: engine, prompt: prompt), sampling: mixed.sampling, stream: 0)
            let m = try await FoReaL.generate(leader: l2, draft: Self.writer(b[0], stream: 1), configuration: mixed)
            await l2.close()
            #expect(m.leaderKept > 0 && m.draftKept > 0 && m.switches >= 1)
            #expect(m.leaderPrefilled >= prompt.count)
            #expect(m.leaderKept + m.draftKept == m.logprobs.count)
        }
    }
}

/// FoReaL over the fault-injecting server, for faults a real server does not produce on demand.
@Suite struct ServerFoReaLFaultTests {
    /// A vLLM-style answer: `stop_reason` names the stop string.
    static func answer(_ tokens: [String], stop: String?) -> [UInt8] {
        Responses.json([
            "id": "c", "object": "text_completion", "model": "fault-model",
            "choices": [[
                "index": 0, "text": tokens.joined(), "finish_reason": stop == nil ? "length" : "stop",
                "stop_reason": stop as Any? ?? NSNull(),
                "logprobs": [
                    "tokens": tokens, "token_logprobs": tokens.map { _ in -0.25 },
                    "top_logprobs": tokens.map { [$0: -0.25] },
                ] as [String: Any],
            ] as [String: Any]],
            "usage": ["prompt_tokens": 9, "completion_tokens": tokens.count + (stop == nil ? 0 : 1)],
        ])
    }

    static func configuration(maxTokens: Int = 6) -> FoReaL.Configuration {
        FoReaL.Configuration(
            leadTokens: 2, leadProbability: 0, maxTokens: maxTokens, delimiters: .prose, stop: ["\nQ:"],
            sampling: SamplingParameters(temperature: 0, seed: 1))
    }

    static func writers(_ url: String, attempts: Int) throws -> (ServerFoReaLWriter, ServerFoReaLWriter, OpenAICompatibleBackend) {
        let backend = try ServerSupport.backend(url, attempts: attempts)
        return (
            ServerFoReaLWriter(backend: backend, prompt: "P:", stream: 0, seed: 1),
            ServerFoReaLWriter(backend: backend, prompt: "P:", stream: 1, seed: 1), backend
        )
    }

    @Test func aConnectionDroppedMidPathFailsClearlyOrIsRetried() async throws {
        // First piece: "It is 5" ended by ". "; the second request's connection is reset; afterwards " Done" +
        // end of text.
        let server = try FaultServer { request, number in
            if number == 0 { return .respond(status: 200, body: Self.answer(["It", " is", " 5"], stop: ". ")) }
            if number == 1 { return .reset }
            return .respond(status: 200, body: Self.answer([" Done"], stop: "\nQ:"))
        }
        let (l, d, backend) = try Self.writers(server.baseURL, attempts: 1)
        do {
            _ = try await FoReaL.generate(leader: l, draft: d, configuration: Self.configuration())
            Issue.record("a dropped connection went unnoticed")
        } catch let error as HTTPBackendError {
            guard case .transport = error else {
                Issue.record("unexpected error \(error)")
                return
            }
        }
        try await backend.shutdown()

        let retrying = try FaultServer { request, number in
            if number == 0 { return .respond(status: 200, body: Self.answer(["It", " is", " 5"], stop: ". ")) }
            if number == 1 { return .reset }
            return .respond(status: 200, body: Self.answer([" Done"], stop: "\nQ:"))
        }
        let (l2, d2, backend2) = try Self.writers(retrying.baseURL, attempts: 3)
        let r = try await FoReaL.generate(leader: l2, draft: d2, configuration: Self.configuration())
        try await backend2.shutdown()
        // The period of ". " was put back; the space came with the next piece.
        #expect(r.text == "It is 5. Done")
        #expect(r.finish == .stop)
        #expect(r.draftRequests == 2)
        #expect(r.draftGenerated == 4 + 2)
        // The second request continued the shared text.
        let prompts = retrying.requests.compactMap { $0.string("prompt") }
        #expect(prompts.first == "P:")
        #expect(prompts.last == "P:It is 5.")
        #expect(retrying.requests.allSatisfy { ($0.json["stop"] as? [String]) == ["\n", ". ", "? ", "! ", "\nQ:"] })
    }

    @Test func aDraftThatOnlyWritesDelimitersStillUsesUpTheBudget() async throws {
        // Every piece is cut off by a stop string at its first token (llama.cpp then sends `logprobs: null`); the
        // probe regenerates a newline. No log-probabilities ever come back, yet the text ends at its budget.
        let server = try FaultServer { request, _ in
            if request.has("stop") {
                return .respond(status: 200, body: Responses.json([
                    "choices": [["index": 0, "text": "", "finish_reason": "stop", "logprobs": NSNull()]],
                    "usage": ["prompt_tokens": 3, "completion_tokens": 1],
                ]))
            }
            return .respond(status: 200, body: Self.answer(["\n"], stop: nil))
        }
        let (l, d, backend) = try Self.writers(server.baseURL, attempts: 1)
        let r = try await FoReaL.generate(leader: l, draft: d, configuration: Self.configuration(maxTokens: 4))
        try await backend.shutdown()
        #expect(r.text == "\n\n\n\n")
        #expect(r.finish == .length)
        #expect(r.logprobs.isEmpty)
        #expect(r.draftRequests == 8)  // four pieces, four probes
        #expect(d.probes == 4)
    }

    @Test func aPieceWithoutLogprobsIsRefusedWithTheEndpoint() async throws {
        let server = try FaultServer { _, _ in
            .respond(status: 200, body: Responses.json([
                "choices": [["index": 0, "text": "x", "finish_reason": "length"]], "usage": ["prompt_tokens": 1],
            ]))
        }
        let (l, d, backend) = try Self.writers(server.baseURL, attempts: 1)
        do {
            _ = try await FoReaL.generate(leader: l, draft: d, configuration: Self.configuration())
            Issue.record("a completion without log-probabilities was accepted")
        } catch {
            #expect("\(error)".contains("without log-probabilities"))
            #expect("\(error)".contains(server.baseURL))
        }
        try await backend.shutdown()
    }
}

/// Requires a model file with a clear message.
enum CLIModel {
    static func require(_ name: String) throws {
        let file = LlamaServer.model(name)
        try #require(FileManager.default.fileExists(atPath: file), "model file missing: \(file)")
    }
}
