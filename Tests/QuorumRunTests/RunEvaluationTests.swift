import Foundation
import QuorumCore
import QuorumEval
import QuorumRun
import Testing

@Suite struct RunEvaluationTests {
    @Test func theKGridIsThePowersOfTwoBelowTheSamplesAndTheSamples() {
        #expect(EvaluationProtocol.ks(samples: 16) == [1, 2, 4, 8, 16])
        #expect(EvaluationProtocol.ks(samples: 12) == [1, 2, 4, 8, 12])
        #expect(EvaluationProtocol.ks(samples: 1) == [1])
        #expect(EvaluationProtocol.ks(samples: 2) == [1, 2])
    }

    /// A paths file written out of task order is evaluated and selected in task order, every method on every
    /// problem; a problem with fewer paths is skipped and reported, not dropped silently.
    @Test func aRunsPathsAreSelectedAndEvaluatedInTaskOrder() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func line(_ problem: String, _ path: Int, _ answer: String, _ mean: Double, gold: String) -> String {
            try! PathLine.encode(
                ReasoningPath(problem: problem, path: path, text: "t\(path) \(answer)", answer: answer, meanLogprob: mean),
                gold: gold)
        }
        // p/2: majority 5 (correct); p/1: majority 3 (wrong), the likeliest path says 4 (correct).
        var lines = [
            line("p/2", 0, "5", -0.5, gold: "5"), line("p/2", 1, "5", -0.6, gold: "5"),
            line("p/2", 2, "6", -0.4, gold: "5"), line("p/2", 3, "5", -0.7, gold: "5"),
            line("p/1", 0, "3", -0.9, gold: "4"), line("p/1", 1, "3", -0.8, gold: "4"),
            line("p/1", 2, "4", -0.1, gold: "4"), line("p/1", 3, "3", -0.9, gold: "4"),
        ]
        lines += [line("p/3", 0, "1", -0.2, gold: "1")]
        try lines.map { $0 + "\n" }.joined().write(toFile: dir + "/paths.jsonl", atomically: true, encoding: .utf8)
        let evaluation = try RunEvaluation.evaluate(
            pathsFile: dir + "/paths.jsonl", problems: ["p/1", "p/2", "p/3"], kind: .math)
        #expect(evaluation.ks == [1, 2, 4])
        #expect(evaluation.methods.map(\.rawValue) == ["ppl", "sc", "pc", "rpc"])
        #expect(evaluation.result.problems == 2)
        #expect(evaluation.result.skipped.map(\.problem) == ["p/3"])
        #expect(evaluation.selections.map(\.problem) == ["p/1", "p/2", "p/1", "p/2", "p/1", "p/2", "p/1", "p/2"])
        #expect(evaluation.selections.map(\.method) == ["ppl", "ppl", "sc", "sc", "pc", "pc", "rpc", "rpc"])
        let ppl = evaluation.selections.filter { $0.method == "ppl" }
        let sc = evaluation.selections.filter { $0.method == "sc" }
        #expect(ppl.map(\.answer) == ["4", "6"])
        #expect(sc.map(\.answer) == ["3", "5"])
        #expect(evaluation.accuracy(.sc, k: 4) == 50)
        #expect(evaluation.accuracy(.ppl, k: 4) == 50)
    }
}
