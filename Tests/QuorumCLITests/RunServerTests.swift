import Foundation
import QuorumTestSupport
import Testing

/// `quorum run` through OpenAI-compatible servers: a fault-injecting loopback server (the run retries through
/// failures and finishes, or fails clearly and resumes later), and a real llama-server, whose run agrees in
/// format with the embedded engine's.
@Suite(.serialized) struct RunServerTests {
    /// A completion whose text names its seed: "The answer is SEED % 100.", in llama.cpp's content[] form.
    static func answer(seed: Int) -> [UInt8] {
        let n = seed % 100
        let choice = Responses.Choice(
            tokens: [" The", " answer", " is", " \(n)", "."], logprobs: [-0.5, -0.25, -0.125, -1, -0.0625],
            top: [[(" The", -0.5)], [(" answer", -0.25)], [(" is", -0.125)], [(" \(n)", -1)], [(".", -0.0625)]],
            finish: "stop")
        return Responses.content([choice], promptTokens: 50, model: "fault-model")
    }

    static func records(_ file: String) throws -> [[String: Any]] {
        let text = String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func aRunRetriesThroughServerFaultsAndWritesEveryPathWithItsSeed() async throws {
        let server = try FaultServer { request, number in
            if request.path.hasSuffix("/models") { return .respond(status: 200, body: Responses.models(["fault-model"])) }
            switch number % 4 {
            case 1: return .respond(status: 503, body: Array("busy".utf8))
            case 2: return .truncated(status: 200, body: Array(#"{"choices": [{"te"#.utf8), declaredLength: 400)
            default: return .respond(status: 200, body: Self.answer(seed: request.int("seed") ?? -1))
            }
        }
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/faults"
        let r = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: server.baseURL, ["--quiet"]))
        #expect(r.status == 0, "\(r.stderr)")
        let records = try Self.records(out + "/paths.jsonl")
        #expect(records.count == RunCommandTests.samples * RunCommandTests.problems)
        var seeds = Set<Int>()
        for record in records {
            let seed = try #require((record["params"] as? [String: Any])?["seed"] as? Int)
            seeds.insert(seed)
            #expect(record["text"] as? String == " The answer is \(seed % 100).")
            #expect(record["answer"] as? String == "\(seed % 100)")
            #expect(record["model"] as? String == "fault-model")
            #expect(record["tokens"] as? [Int] == [100, 101, 102, 103, 104])
            #expect(record["mean_logprob"] as? Double == -1.9375 / 5)
            #expect((record["cost"] as? [String: Any])?["prompt_tokens"] as? Int == 50)
        }
        #expect(seeds.count == records.count)
        // Every completion request carried the decoder settings explicitly, n = 1 and a seed of a path.
        // `requests` is in arrival order, so the faults the handler gave completions can be counted exactly:
        // every completion was either answered (one path each) or faulted and retried.
        let numbered = Array(server.requests.enumerated())
        let completions = numbered.filter { $0.element.path.hasSuffix("/completions") }.map(\.element)
        let faulted = numbered.filter { $0.element.path.hasSuffix("/completions") && [1, 2].contains($0.offset % 4) }
        #expect(faulted.count > 0)
        #expect(completions.count >= records.count + faulted.count)  // more only if a client deadline fired
        for request in completions {
            #expect(request.int("n") == 1)
            #expect(request.double("temperature") == 0.7)
            #expect(request.double("top_p") == 1)
            #expect(request.int("top_k") == 0)
            #expect(request.double("min_p") == 0)
            #expect(request.int("max_tokens") == 12)
            #expect(seeds.contains(request.int("seed") ?? -1))
            #expect((request.json["stop"] as? [String]) == ["\nQ:"])
        }
        #expect(FileManager.default.fileExists(atPath: out + "/eval.md"))
        let runJSON = try #require(FileManager.default.contents(atPath: out + "/run.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: runJSON) as? [String: Any])
        #expect((manifest["model"] as? [String: Any])?["backend"] as? String == "http")
        #expect((manifest["model"] as? [String: Any])?["endpoints"] as? [String] == [server.baseURL])
    }

    @Test func aProblemTheServerCannotAnswerFailsTheRunClearlyAndTheRunResumesLater() async throws {
        // The third problem's prompt gets malformed JSON (not retried); the others are answered.
        let broken = try FaultServer { request, _ in
            if request.path.hasSuffix("/models") { return .respond(status: 200, body: Responses.models(["fault-model"])) }
            if (request.string("prompt") ?? "").contains("One pen costs 4 dollars") {
                return .respond(status: 200, body: Array(#"{"choices": "not a list"}"#.utf8))
            }
            return .respond(status: 200, body: Self.answer(seed: request.int("seed") ?? -1))
        }
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/broken"
        let failed = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: broken.baseURL, ["--quiet"]))
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("error: sampling problem arith-easy/3 failed: "))
        #expect(failed.stderr.contains("malformed response"))
        let written = try Self.records(out + "/paths.jsonl")
        #expect(written.count == 2 * RunCommandTests.samples)
        #expect(!written.contains { $0["problem"] as? String == "arith-easy/3" })
        #expect(!FileManager.default.fileExists(atPath: out + "/eval.md"))

        // Another server of the same model (the endpoint list is not part of a run's identity) finishes it.
        let healthy = try FaultServer { request, _ in
            if request.path.hasSuffix("/models") { return .respond(status: 200, body: Responses.models(["fault-model"])) }
            return .respond(status: 200, body: Self.answer(seed: request.int("seed") ?? -1))
        }
        let resumed = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: healthy.baseURL, ["--quiet"]))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(healthy.requests.filter { $0.path.hasSuffix("/completions") }.count == RunCommandTests.samples)
        let all = try Self.records(out + "/paths.jsonl")
        #expect(all.count == 3 * RunCommandTests.samples)
        #expect(Array(all.prefix(written.count)).map { $0 as NSDictionary } == written.map { $0 as NSDictionary })

        // A server of another model is refused.
        let other = try FaultServer { request, _ in .respond(status: 200, body: Responses.models(["other-model"])) }
        let refused = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: other.baseURL))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("model.identity: \"fault-model\" → \"other-model\""))
    }

    @Test(.enabled(if: LlamaServer.isAvailable, "llama-server not built (scripts/build-llama-server.sh)"))
    func aRunThroughARealLlamaServerAgreesInFormatWithTheEmbeddedRun() async throws {
        try CLI.requireModel(RunCommandTests.model)
        let (_, embedded) = try await RunCommandTests.reference()
        let server = try await LlamaServer(model: LlamaServer.model(RunCommandTests.model), parallel: 3)
        defer { server.stop() }
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/server"
        let r = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: server.baseURL, ["--quiet"]))
        #expect(r.status == 0, "\(r.stderr)")
        let served = try RunCommandTests.records(out + "/paths.jsonl")
        #expect(Set(served.keys) == Set(embedded.keys))
        for (key, e) in embedded {
            let s = try #require(served[key])
            // The same fields, except those only the engine knows (none) or only a server lacks (none here).
            #expect(Set(s.allKeys.map { "\($0)" }) == Set(e.allKeys.map { "\($0)" }), "\(key)")
            #expect(s["params"] as? NSDictionary == e["params"] as? NSDictionary)
            #expect(s["gold"] as? String == e["gold"] as? String)
            let sCost = try #require(s["cost"] as? [String: Any]), eCost = try #require(e["cost"] as? [String: Any])
            #expect(Set(sCost.keys) == Set(eCost.keys).subtracting(["seconds"]))
            // llama.cpp tokenizes the prompt as the embedded tokenizer does.
            #expect(sCost["prompt_tokens"] as? Int == eCost["prompt_tokens"] as? Int)
            for record in [s, e] {
                let tokens = try #require(record["tokens"] as? [Int]), logprobs = try #require(record["logprobs"] as? [Double])
                #expect(tokens.count == logprobs.count && !tokens.isEmpty && tokens.count <= 12)
                #expect(logprobs.allSatisfy { $0 <= 0 && $0.isFinite })
                let mean = try #require(record["mean_logprob"] as? Double)
                #expect(abs(mean - logprobs.reduce(0, +) / Double(logprobs.count)) < 1e-9)
                #expect(["stop", "length"].contains(record["finish"] as? String))
                #expect(record["answer"] is String)
            }
        }
        #expect(FileManager.default.fileExists(atPath: out + "/eval.json"))
    }
}
