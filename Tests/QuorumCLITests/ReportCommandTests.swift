import Foundation
import QuorumTestSupport
import Testing

/// `quorum report` end to end on a small run folder in the on-disk format of `quorum run`.
@Suite struct ReportCommandTests {
    /// A run folder with two problems of three paths each, and its task file.
    func makeRun(in root: URL, name: String) throws -> String {
        let folder = root.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tasks = root.appendingPathComponent("t.jsonl").path
        try """
            {"id": "1", "kind": "math", "question": "What is 2 + 2? <b>bold</b>", "answer": "4"}
            {"id": "2", "kind": "math", "question": "What is 3 + 3?", "answer": "6"}

            """.write(toFile: tasks, atomically: true, encoding: .utf8)
        var lines = ""
        let answers = [["4", "4", "5"], ["6", "7", "7"]]
        for (p, row) in answers.enumerated() {
            for (i, answer) in row.enumerated() {
                lines += "{\"problem\":\"t/\(p + 1)\",\"path\":\(i),\"text\":\"The answer is \(answer).\",\"answer\":\"\(answer)\","
                    + "\"gold\":\"\(p == 0 ? 4 : 6)\",\"mean_logprob\":\(-0.2 - 0.1 * Double(i + p)),\"finish\":\"stop\","
                    + "\"cost\":{\"prompt_tokens\":10,\"generated_tokens\":\(5 + i),\"flops\":100,\"seconds\":0.5}}\n"
            }
        }
        try lines.write(toFile: folder + "/paths.jsonl", atomically: true, encoding: .utf8)
        try """
            {"schema_version":1,"tool":"quorum test","created":"2026-12-07T00:00:00Z",
             "task_set":{"path":"\(tasks)","name":"t","kind":"math","layout":"quorum-jsonl","problems":2,"sha256":"00"},
             "model":{"identity":"m@1","backend":"engine"},"decoder":{"name":"sample","settings":{"temperature":0.7,"top_p":1,"top_k":0,"min_p":0,"max_tokens":32}},
             "samples":3,"seed":0,"seed_derivation":"test","equivalence":"default",
             "template":{"name":"fewshot-math","text":"Q: {question}\\nA:","stop":["\\n\\n"]}}
            """.write(toFile: folder + "/run.json", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func writesHTMLMarkdownJSONAndPlotsForSeveralRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-report-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try makeRun(in: root, name: "a")
        let b = try makeRun(in: root, name: "b")
        let out = root.appendingPathComponent("out").path
        let result = try CLI.run(["report", a, b, "--out", out, "--seeds", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("report written to \(out)/"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        for name in ["report.html", "report.md", "report.json", "cost-vs-accuracy.svg", "accuracy-vs-k-1.svg", "accuracy-vs-k-2.svg",
                     "reliability-rpc-2.svg", "confidence-sc-1.svg", "rpc-1.svg"] {
            #expect(files.contains(name), "\(name)")
        }
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("What is 2 + 2? &lt;b&gt;bold&lt;/b&gt;"))
        #expect(html.contains("Run 2: b"))
    }

    @Test func badInputIsAClearError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-report-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = try CLI.run(["report", root.path + "/nope", "--out", root.path + "/out"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope: not a folder"))
        let run = try makeRun(in: root, name: "a")
        let unknown = try CLI.run(["report", run, "--rpc-problem", "t/99", "--out", root.path + "/out"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no evaluated problem \"t/99\""))
        try "{\"task_set\": 3}".write(toFile: run + "/run.json", atomically: true, encoding: .utf8)
        let broken = try CLI.run(["report", run, "--out", root.path + "/out"])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("run.json: not a run manifest"))
    }
}
