import Foundation
import QuorumTestSupport
import Testing

/// `quorum run` on code task sets end to end with the real qwen2.5-coder-0.5b (a couple of problems, short
/// paths): every path's program runs against the tests, the run reports pass@k next to the selection methods,
/// and greedy decoding works.
@Suite(.serialized) struct CodeRunCommandTests {
    static let model = "qwen2.5-coder-0.5b"

    static func shared(_ relative: String) -> String {
        RunCommandTests.repository.appendingPathComponent("../shared").appendingPathComponent(relative)
            .standardizedFileURL.path
    }

    static func object(_ file: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: file))
        let value = try JSONSerialization.jsonObject(with: data)
        return try #require(value as? [String: Any])
    }

    static func lines(_ file: String) throws -> [[String: Any]] {
        let text = String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(value as? [String: Any])
        }
    }

    @Test func greedyHumanEvalRunsEveryProgramAndReportsPassAt1() throws {
        try CLI.requireModel(Self.model)
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/he"
        let arguments = [
            "run", Self.shared("tasks/humaneval/HumanEval.jsonl.gz"), "--model", Self.model, "--samples", "1",
            "--temperature", "0", "--limit", "2", "--max-tokens", "48", "--out", out, "--quiet",
        ]
        let r = try CLI.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let paths = try Self.lines(out + "/paths.jsonl")
        #expect(paths.map { $0["problem"] as? String } == ["humaneval/0", "humaneval/1"])
        for path in paths {
            #expect(path["decoder"] as? String == "greedy")
            let execution = try #require(path["execution"] as? [String: Any], "no execution on \(path["problem"]!)")
            let status = try #require(execution["status"] as? String)
            #expect(["pass", "fail", "timeout", "error"].contains(status))
            #expect((execution["message"] == nil) == (status == "pass"))
            // The completion continues the prompt given in the assistant turn: a body, cut at the stops.
            let answer = try #require(path["answer"] as? String)
            #expect(!answer.contains("\ndef ") && !answer.contains("```"))
            #expect((path["gold"] as? String)?.isEmpty == false)
        }
        let manifest = try Self.object(out + "/run.json")
        #expect(manifest["equivalence"] as? String == "execution")
        #expect((manifest["template"] as? [String: Any])?["name"] as? String == "code-chat-continue")
        #expect((manifest["template"] as? [String: Any])?["code_answer"] as? String == "completion")
        #expect((manifest["execution"] as? [String: Any])?["timeout_seconds"] as? Double == 10)

        let eval = try Self.object(out + "/eval.json")
        let code = try #require(eval["code"] as? [String: Any])
        let passed = paths.filter { ($0["execution"] as? [String: Any])?["status"] as? String == "pass" }.count
        #expect((code["pass_at_k"] as? [String: Double])?["1"] == Double(passed) / 2)
        #expect(eval["equality"] as? String == "execution")
        let markdown = try String(contentsOfFile: out + "/eval.md", encoding: .utf8)
        #expect(markdown.contains("pass@k (unbiased estimator, %)"))
        #expect(markdown.contains("| single sample (pass@1) | PPL | SC | PC | RPC | pass@1 |"))
        #expect(r.stdout.contains("pass@1"))

        // A larger --limit extends the run by the missing problems only; the paths already there stay as they are.
        var extended = arguments
        extended[extended.firstIndex(of: "--limit")! + 1] = "3"
        let more = try CLI.run(extended)
        #expect(more.status == 0, "\(more.stderr)")
        #expect(more.stderr.contains("resuming the run"))
        #expect(more.stdout.contains("3 problems × 1 paths (1 sampled"))
        let after = try Self.lines(out + "/paths.jsonl")
        #expect(after.map { $0["problem"] as? String } == ["humaneval/0", "humaneval/1", "humaneval/2"])
        #expect(after.prefix(2).map { $0["text"] as? String } == paths.map { $0["text"] as? String })
        // The first command again samples nothing and evaluates its two problems.
        let again = try CLI.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("2 problems × 1 paths (all already sampled)"))
        #expect(try Self.object(out + "/eval.json")["problems"] as? Int == 2)
    }

    @Test func sampledMBPPSelectsAmongPrograms() throws {
        try CLI.requireModel(Self.model)
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/mbpp"
        let r = try CLI.run([
            "run", Self.shared("tasks/mbpp/sanitized-mbpp.json"), "--model", Self.model, "--samples", "2",
            "--temperature", "0.8", "--limit", "1", "--max-tokens", "64", "--template", "code-chat", "--out", out,
            "--quiet",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let paths = try Self.lines(out + "/paths.jsonl")
        #expect(paths.count == 2)
        #expect(paths.allSatisfy { ($0["execution"] as? [String: Any])?["status"] != nil })
        let selections = try Self.lines(out + "/selections.jsonl")
        #expect(Set(selections.compactMap { $0["method"] as? String }) == ["ppl", "sc", "pc", "rpc"])
        for selection in selections {
            let correct = try #require(selection["correct"] as? Double)
            #expect((0...1).contains(correct))
        }
        #expect(r.stdout.contains("| single sample (pass@1) | PPL | SC | PC | RPC | pass@2 |"))
    }

    @Test func chatTemplatesAreRefusedWithServers() throws {
        let r = try CLI.run([
            "run", Self.shared("tasks/humaneval/HumanEval.jsonl.gz"), "--model", "http://127.0.0.1:9/v1",
            "--samples", "1", "--out", FileManager.default.temporaryDirectory.path + "/never-\(UUID())",
        ])
        #expect(r.status != 0)
        #expect(r.stderr.contains("code-chat-continue renders the chat format") && r.stderr.contains("code-completion"))
    }

    @Test func reportsOfCodeRunsAreRefusedBeforeSampling() throws {
        let out = FileManager.default.temporaryDirectory.path + "/never-\(UUID())"
        let r = try CLI.run([
            "run", Self.shared("tasks/humaneval/HumanEval.jsonl.gz"), "--model", "smollm2-135m", "--samples", "1",
            "--limit", "1", "--report", "--out", out,
        ])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--report does not take this run: reports of code runs are not supported yet"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/paths.jsonl"), "nothing was sampled")
    }
}
