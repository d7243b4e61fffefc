import Foundation
import QuorumCore
import QuorumRun
import QuorumTasks
import Testing

/// `cost.json` / the Cost section: totals from the paths' cost records, and the all-paths accuracy only where
/// answers are judged by comparing with the gold.
@Suite struct RunCostSummaryTests {
    /// A paths file of one problem whose two paths both answer `answer`, gold `gold`.
    static func file(answer: String, gold: String) throws -> String {
        let lines = (0..<2).map { i in
            try! PathLine.encode(
                ReasoningPath(
                    problem: "p/1", path: i, text: answer, answer: answer, meanLogprob: -0.5, sumLogprob: -1,
                    tokens: [1, 2], logprobs: [-0.5, -0.5], model: "m", decoder: "sample", params: ["seed": Double(i)],
                    finish: .stop,
                    cost: Cost(promptTokens: 3, generatedTokens: 2, flops: 10, seconds: 0.5,
                               perModel: ["m": Cost.ModelUsage(generated: 2, prefilled: 3, flops: 10)])),
                gold: gold)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cost-\(UUID()).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func mathRunsGetTheirAllPathsAccuracy() throws {
        let path = try Self.file(answer: "7", gold: "7")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try RunCostSummary.summarize(pathsFile: path, kind: .math)
        #expect(summary.paths == 2 && summary.generatedTokens == 4 && summary.promptTokens == 6 && summary.flops == 20)
        let model = try #require(summary.perModel["m"])
        #expect(model.generated == 4 && model.prefilled == 6 && model.flops == 20)
        #expect(summary.accuracyAllPaths[.sc] == 100)
        #expect(summary.markdown.contains("Accuracy selecting over all paths"))
    }

    @Test func codeRunsAreJudgedByExecutionNotByTheirText() throws {
        // The reference solution as gold and a different program as the answer: text comparison would say
        // "wrong" whatever the program does, so code runs report no all-paths accuracy here.
        let path = try Self.file(answer: "    return a + b", gold: "    return b + a")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try RunCostSummary.summarize(pathsFile: path, kind: .code)
        #expect(summary.paths == 2 && summary.flops == 20)
        #expect(summary.accuracyAllPaths.isEmpty)
        #expect(!summary.markdown.contains("Accuracy selecting over all paths"))
    }
}
