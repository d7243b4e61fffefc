import Foundation
import QuorumTestSupport
import Testing

/// `quorum run --decoder foreal|adadec` and `--adaptive` end to end on the real models (two problems, a few
/// tokens): the paths carry the decoder, its settings and its cost; bad combinations are refused.
@Suite(.serialized) struct DecoderCommandTests {
    static func lines(_ file: String) throws -> [[String: Any]] {
        let text = String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self)
        return try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static func arguments(_ dir: String, _ extra: [String]) throws -> [String] {
        var args = try RunCommandTests.arguments(out: dir + "/out", in: dir, extra)
        if let i = args.firstIndex(of: "--samples") { args[i + 1] = "1" }
        if let i = args.firstIndex(of: "--limit") { args[i + 1] = "2" }
        return args + ["--temperature", "0", "--quiet"]
    }

    @Test func forealPathsRecordBothModelsAndTheLeaderShare() throws {
        try CLI.requireModel("qwen2.5-coder-0.5b")
        try CLI.requireModel("smollm2-135m")
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(try Self.arguments(dir, [
            "--decoder", "foreal", "--leader", "qwen2.5-coder-0.5b", "--draft", "smollm2-135m", "--lead-tokens", "3",
            "--lead-prob", "1",
        ]))
        #expect(r.status == 0, "\(r.stderr)")
        let paths = try Self.lines(dir + "/out/paths.jsonl")
        #expect(paths.count == 2)
        for p in paths {
            #expect(p["decoder"] as? String == "foreal")
            #expect((p["model"] as? String)?.hasPrefix("foreal(leader=qwen2.5-coder-0.5b@") == true)
            let params = try #require(p["params"] as? [String: Double])
            #expect(params["lead_tokens"] == 3 && params["lead_prob"] == 1)
            let cost = try #require(p["cost"] as? [String: Any])
            let perModel = try #require(cost["per_model"] as? [String: [String: Any]])
            #expect(Set(perModel.keys) == ["qwen2.5-coder-0.5b", "smollm2-135m"])
            let share = try #require(cost["leader_share"] as? Double)
            #expect(share > 0 && share <= 1)
            let flops = perModel.values.compactMap { $0["flops"] as? Double }.reduce(0, +)
            #expect(abs(flops - (cost["flops"] as? Double ?? 0)) <= 1e-6 * flops)
        }
        let summary = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/out/cost.json")), as: UTF8.self)
        #expect(summary.contains("\"leader_share\""))
        // Another decoder in the same folder is another run: refused without --force.
        let again = try CLI.run(try Self.arguments(dir, ["--decoder", "adadec", "--threshold", "1", "--model", "smollm2-135m"]))
        #expect(again.status != 0)
    }

    @Test func adadecPathsRecordThePausedFraction() throws {
        try CLI.requireModel("smollm2-135m")
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(try Self.arguments(dir, ["--decoder", "adadec", "--threshold", "0.5"]))
        #expect(r.status == 0, "\(r.stderr)")
        for p in try Self.lines(dir + "/out/paths.jsonl") {
            #expect(p["decoder"] as? String == "adadec")
            let cost = try #require(p["cost"] as? [String: Any])
            let paused = try #require(cost["paused_fraction"] as? Double)
            #expect((0...1).contains(paused))
            #expect(cost["extra_forward_passes"] is Int)
            #expect(cost["extra_model_calls"] is Int)
        }
    }

    @Test func badCombinationsAreRefused() throws {
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for extra in [
            ["--decoder", "foreal", "--leader", "qwen2.5-coder-0.5b"],
            ["--threshold", "1"],
            ["--decoder", "foreal", "--leader", "a", "--draft", "b", "--lead-prob", "1.5"],
            ["--adaptive", "--stop-threshold", "0"],
            ["--adaptive", "--report"],
        ] {
            let r = try CLI.run(try Self.arguments(dir, extra))
            #expect(r.status != 0, "\(extra)")
            #expect(!r.stderr.isEmpty)
        }
        // --batch is the embedded engine's; with a server it would be ignored, so it is refused.
        let r = try CLI.run(try Self.arguments(dir, ["--model", "http://127.0.0.1:9/v1", "--batch", "4"]))
        #expect(r.status != 0)
        #expect(r.stderr.contains("--batch applies to the embedded engine"), "\(r.stderr)")
    }
}
