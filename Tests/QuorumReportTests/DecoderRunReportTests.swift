import Foundation
import QuorumReport
import QuorumRunFolder
import Testing

/// Runs of the cheap decoders and of early stopping carry settings groups in run.json (`foreal`, `adadec`,
/// `adaptive`, as `quorum run` writes them); a report reads them and names them in its labels.
@Suite struct DecoderRunReportTests {
    /// Replaces run.json's decoder of `folder` with `decoder`.
    static func setDecoder(_ folder: String, _ decoder: [String: Any]) throws {
        let file = folder + "/run.json"
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        manifest["decoder"] = decoder
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: URL(fileURLWithPath: file))
    }

    @Test func settingsGroupsAreReadAndShown() throws {
        let fixture = try ReportFixture(problems: 4, paths: 4)
        defer { fixture.remove() }
        let adadec = try fixture.copy(named: "adadec")
        let foreal = try fixture.copy(named: "foreal")
        let adaptive = try fixture.copy(named: "adaptive")
        let base: [String: Any] = ["temperature": 0, "top_p": 1, "top_k": 0, "min_p": 0, "max_tokens": 384]
        try Self.setDecoder(adadec, ["name": "adadec", "settings": base.merging(
            ["adadec": ["threshold": 0.4513, "lookahead": 5, "candidates": 3, "source": "given"]]) { a, _ in a }])
        try Self.setDecoder(foreal, ["name": "foreal", "settings": base.merging(
            ["foreal": ["leader": "qwen2.5-coder-0.5b", "draft": "smollm2-135m", "lead_tokens": 15, "lead_prob": 0.5]]) { a, _ in a }])
        try Self.setDecoder(adaptive, ["name": "sample", "settings": base.merging(
            ["temperature": 0.7, "adaptive": ["rule": "beta", "threshold": 0.8, "round": 2]]) { _, b in b }])

        let a = try RunInput.load(folder: adadec)
        #expect(a.manifest.decoder.settings.maxTokens == 384)
        #expect(a.manifest.decoder.settings.adadec?.threshold == 0.4513)
        #expect(a.manifest.decoderLabel.contains("τ=0.4513 L=5 B=3"), "\(a.manifest.decoderLabel)")
        let f = try RunInput.load(folder: foreal)
        #expect(f.manifest.decoderLabel.contains("n=15 p=0.5"), "\(f.manifest.decoderLabel)")
        #expect(f.manifest.decoder.settings.foreal?.leader == "qwen2.5-coder-0.5b")
        let s = try RunInput.load(folder: adaptive)
        #expect(s.manifest.decoderLabel.contains("adaptive beta≥0.8 rounds of 2"), "\(s.manifest.decoderLabel)")
        #expect(s.manifest.decoder.settings.temperature == 0.7)

        // The whole report builds and names the decoders; an adaptive run (problems with different numbers of
        // paths) is refused rather than evaluated on the problems that happen to have the most paths.
        let report = try ReportBuilder().build([a, f])
        let out = fixture.root.appendingPathComponent("report").path
        _ = try ReportWriter.write(report, to: out)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(markdown.contains("τ=0.4513") && markdown.contains("n=15 p=0.5"))
        #expect {
            _ = try ReportBuilder().build([s])
        } throws: { error in
            "\(error)".contains("early-stopping (--adaptive) run")
        }
    }

    @Test func codeRunsAreRefusedClearly() throws {
        let fixture = try ReportFixture(problems: 2, paths: 2)
        defer { fixture.remove() }
        let file = fixture.folder + "/run.json"
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        var taskSet = try #require(manifest["task_set"] as? [String: Any])
        taskSet["kind"] = "code"
        taskSet["name"] = "humaneval"
        manifest["task_set"] = taskSet
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: file))
        let run = try RunInput.load(folder: fixture.folder)
        #expect {
            _ = try ReportBuilder().build([run])
        } throws: { error in
            "\(error)".contains("reports of code runs are not supported yet") && "\(error)".contains("eval.md")
        }
    }
}
