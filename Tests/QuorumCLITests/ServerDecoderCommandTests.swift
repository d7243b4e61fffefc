import Foundation
import QuorumTestSupport
import Testing

/// `quorum run --decoder foreal|adadec` through a real llama-server (smollm2-135m): the paths carry the decoder's
/// cost fields as the server reports them.
@Suite(.serialized, .enabled(if: LlamaServer.isAvailable, "llama-server not built (scripts/build-llama-server.sh)"))
struct ServerDecoderCommandTests {
    static func withServer(_ body: (String) throws -> Void) async throws {
        try CLI.requireModel("smollm2-135m")
        let server = try await LlamaServer(model: LlamaServer.model("smollm2-135m"), parallel: 4)
        defer { server.stop() }
        try body(server.baseURL)
    }

    @Test func forealWithServersAsLeaderAndDraftRecordsBothModelsCostsAndRequests() async throws {
        try await Self.withServer { url in
            let dir = try RunCommandTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let r = try CLI.run(try DecoderCommandTests.arguments(dir, [
                "--decoder", "foreal", "--leader", url, "--draft", url, "--lead-tokens", "3", "--lead-prob", "0.5",
            ]))
            #expect(r.status == 0, "\(r.stderr)")
            let paths = try DecoderCommandTests.lines(dir + "/out/paths.jsonl")
            #expect(paths.count == 2)
            for p in paths {
                #expect(p["decoder"] as? String == "foreal")
                let model = try #require(p["model"] as? String)
                #expect(model.hasPrefix("foreal(leader=") && model.contains("smollm2-135m.gguf,draft="))
                #expect(p["tokens"] == nil)
                let cost = try #require(p["cost"] as? [String: Any])
                let perModel = try #require(cost["per_model"] as? [String: [String: Any]])
                #expect(perModel.count == 2)
                #expect(perModel.keys.contains { $0.hasPrefix("leader:") } && perModel.keys.contains { $0.hasPrefix("draft:") })
                for usage in perModel.values {
                    #expect(usage["flops"] as? Double == 0)  // a server does not say its parameter count
                    #expect(usage["generated"] is Int && usage["prefilled"] is Int)
                    #expect((usage["seconds"] as? Double ?? -1) >= 0)
                }
                let draft = try #require(perModel.first { $0.key.hasPrefix("draft:") }?.value)
                #expect((draft["generated"] as? Int ?? 0) > 0)
                #expect((draft["prompt"] as? Int ?? 0) > 0)
                #expect((cost["requests"] as? Int ?? 0) >= 1)
                #expect(cost["leader_share"] is Double && cost["switches"] is Int)
                let logprobs = try #require(p["logprobs"] as? [Double])
                #expect(!logprobs.isEmpty && logprobs.count <= 12)
            }
            let summary = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/out/cost.json")), as: UTF8.self)
            #expect(summary.contains("\"leader_share\""))
            #expect(summary.contains("\"requests\""))
        }
    }

    @Test func adadecWithAServerRecordsPausesRolloutsAndRequestsAndNeedsAThreshold() async throws {
        try await Self.withServer { url in
            let dir = try RunCommandTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let refused = try CLI.run(try DecoderCommandTests.arguments(dir, ["--decoder", "adadec", "--model", url]))
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--threshold"))
            let r = try CLI.run(try DecoderCommandTests.arguments(dir, ["--decoder", "adadec", "--model", url, "--threshold", "0.5"]))
            #expect(r.status == 0, "\(r.stderr)")
            let paths = try DecoderCommandTests.lines(dir + "/out/paths.jsonl")
            #expect(paths.count == 2)
            for p in paths {
                #expect(p["decoder"] as? String == "adadec")
                let tokens = try #require(p["tokens"] as? [Int])
                let logprobs = try #require(p["logprobs"] as? [Double])
                #expect(tokens.count == logprobs.count && !tokens.isEmpty && tokens.count <= 12)
                let params = try #require(p["params"] as? [String: Double])
                #expect(params["threshold"] == 0.5 && params["lookahead"] == 5 && params["candidates"] == 3)
                let cost = try #require(p["cost"] as? [String: Any])
                let paused = try #require(cost["paused_fraction"] as? Double)
                #expect((0...1).contains(paused))
                #expect(cost["changed_steps"] is Int)
                let rollouts = try #require(cost["extra_forward_passes"] as? Int)
                let requests = try #require(cost["requests"] as? Int)
                #expect(requests >= 1)
                #expect((paused == 0) == (rollouts == 0))
                let perModel = try #require(cost["per_model"] as? [String: [String: Any]])
                let usage = try #require(perModel.values.first)
                #expect((usage["generated"] as? Int ?? 0) >= tokens.count + rollouts - 1)
                #expect(cost["flops"] as? Double == 0)
            }
            let summary = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/out/cost.json")), as: UTF8.self)
            #expect(summary.contains("\"changed_steps\"") && summary.contains("\"requests\""))
        }
    }
}

/// `quorum adadec calibrate --entropy full|top20` on the embedded smollm2-135m: each estimate is stored under
/// its own key, and an engine run without --threshold finds the full-entropy one.
@Suite(.serialized) struct AdaDecCalibrateEntropyTests {
    @Test func eachEntropyKindHasItsOwnCalibrationFile() throws {
        try CLI.requireModel("smollm2-135m")
        let model = LlamaServer.model("smollm2-135m")
        let home = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let shots = RunCommandTests.repository.appendingPathComponent("tasks/arith-easy.fewshot.jsonl").path
        let environment = ["QUORUM_HOME": home]
        func calibrate(_ extra: [String]) throws -> CLI.Result {
            try CLI.run(["adadec", "calibrate", shots, "--model", model, "--threads", "1"] + extra, environment: environment)
        }
        let top = try calibrate(["--entropy", "top20"])
        #expect(top.status == 0, "\(top.stderr)")
        #expect(top.stdout.contains("(top20 entropy)"))
        let full = try calibrate([])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stdout.contains("(full entropy)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: home + "/adadec").sorted()
        #expect(files.count == 2)
        let topFile = try #require(files.first { $0.hasSuffix("-top20.json") })
        let fullFile = try #require(files.first { !$0.hasSuffix("-top20.json") })
        #expect(topFile == fullFile.replacingOccurrences(of: ".json", with: "-top20.json"))
        for (file, kind) in [(topFile, "top20"), (fullFile, "full")] {
            let data = try #require(FileManager.default.contents(atPath: home + "/adadec/" + file))
            let entry = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(entry["entropy"] as? String == kind)
            let tau = try #require((entry["calibration"] as? [String: Any])?["threshold"] as? Double)
            #expect(tau >= 0 && tau.isFinite)
        }
        #expect(try calibrate(["--entropy", "half"]).status != 0)

        // An engine run without --threshold takes the full-entropy τ.
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(
            try DecoderCommandTests.arguments(dir, ["--decoder", "adadec", "--model", model, "--threads", "1", "--fewshot", shots]),
            environment: environment)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains(fullFile))
    }
}
