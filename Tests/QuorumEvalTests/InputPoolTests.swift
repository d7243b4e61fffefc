import Foundation
import QuorumRunFolder
import QuorumEval
import QuorumTestSupport
import Testing

/// Pools from our paths JSONL and from the RPC release format; bad input is reported, never miscounted.
@Suite struct InputPoolTests {
    static func line(_ problem: String, _ path: Int, answer: String, logprob: Double, gold: String? = "1") -> String {
        let goldField = gold.map { ", \"gold\": \"\($0)\"" } ?? ""
        return "{\"problem\": \"\(problem)\", \"path\": \(path), \"text\": \"t\(path)\", \"answer\": \"\(answer)\", "
            + "\"mean_logprob\": \(logprob)\(goldField)}"
    }

    /// Three good problems of 4 paths, in a deterministic pattern.
    static func goodLines() -> [String] {
        var lines: [String] = []
        for problem in 0..<3 {
            for path in 0..<4 {
                let answer = (problem + path) % 3 == 0 ? "2" : "1"
                lines.append(line("q\(problem)", path, answer: answer, logprob: -0.1 * Double(path + problem + 1)))
            }
        }
        return lines
    }

    static func pool(_ lines: [String], trailingNewline: Bool = true) throws -> PathPool {
        let text = lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")
        let (groups, warnings) = try PathsReader.read(Data(text.utf8), file: "paths.jsonl")
        return PathPool(source: "paths.jsonl", groups: groups, warnings: warnings)
    }

    static func evaluate(_ pool: PathPool) throws -> EvaluationResult {
        try EvaluationProtocol(ks: [1, 2, 4], seeds: [0, 1, 2]).run(
            pool, methods: SelectionMethod.reference.map(\.aggregator), equivalence: ExactEquivalence())
    }

    /// A problem with a bad line is skipped with its reason; the other problems' numbers are exactly those of
    /// a file without that problem.
    @Test func badProblemIsSkippedNotMiscounted() throws {
        let good = Self.goodLines()
        var bad = good
        bad.insert(Self.line("broken", 0, answer: "1", logprob: -0.2), at: 4)
        bad.insert("{\"problem\": \"broken\", \"path\": 1, \"text\": \"x\", \"answer\": \"1\", \"gold\": \"1\"}", at: 5)
        bad.insert(Self.line("broken", 2, answer: "1", logprob: -0.2), at: 6)
        bad.insert(Self.line("broken", 3, answer: "1", logprob: -0.2), at: 7)
        let reference = try Self.pool(good)
        let pool = try Self.pool(bad)
        #expect(pool.problems.map(\.problem) == ["q0", "q1", "q2"])
        #expect(pool.skipped.map(\.problem) == ["broken"])
        #expect(pool.skipped[0].description.contains("paths.jsonl:6: missing field \"mean_logprob\""))
        #expect(try Self.evaluate(pool).methods == (try Self.evaluate(reference).methods))
    }

    @Test func problemsWithoutGoldOrWithAnotherPoolSizeAreSkipped() throws {
        var lines = Self.goodLines()
        lines += (0..<4).map { Self.line("nogold", $0, answer: "1", logprob: -0.3, gold: nil) }
        lines += (0..<3).map { Self.line("short", $0, answer: "1", logprob: -0.3) }
        let pool = try Self.pool(lines)
        #expect(pool.size == 4)
        #expect(pool.problems.count == 3)
        #expect(pool.skipped.map(\.problem) == ["nogold", "short"])
        #expect(pool.skipped[0].reasons[0].contains("no gold"))
        #expect(pool.skipped[1].reasons[0].contains("3 paths, but the pool has 4"))
    }

    /// A truncated last line is reported; its problem then has fewer paths and is skipped, not evaluated
    /// on a partial pool.
    @Test func truncatedLastLineIsReported() throws {
        var lines = Self.goodLines()
        lines[lines.count - 1] = String(lines[lines.count - 1].prefix(30))
        let pool = try Self.pool(lines, trailingNewline: false)
        #expect(pool.warnings.count == 1)
        #expect(pool.warnings[0].location.line == 12)
        #expect(pool.skipped.map(\.problem) == ["q2"])
        let result = try Self.evaluate(pool)
        #expect(result.problems == 2)
        #expect(result.warnings.count == 1)
    }

    @Test func kOutsideThePoolIsAnError() throws {
        let pool = try Self.pool(Self.goodLines())
        #expect(throws: EvalError.invalidK(k: 5, poolSize: 4)) {
            try EvaluationProtocol(ks: [1, 5]).run(pool, methods: [SelfConsistency()], equivalence: ExactEquivalence())
        }
        #expect(throws: EvalError.noProblems(source: "empty")) {
            try EvaluationProtocol(ks: [1]).run(
                PathPool(source: "empty", problems: []), methods: [SelfConsistency()], equivalence: ExactEquivalence())
        }
    }

    @Test func methodFailureNamesTheMethod() throws {
        let pool = try Self.pool(Self.goodLines())
        #expect(throws: EvalError.self) {
            try EvaluationProtocol(ks: [1]).run(pool, methods: [WeightedVote()], equivalence: ExactEquivalence())
        }
    }

    // MARK: - RPC release format

    static func release(_ body: String) throws -> PathPool {
        try RPCRelease.parse(Data(body.utf8), file: "release.json")
    }

    @Test func releaseImportsParallelArrays() throws {
        let pool = try Self.release("""
            {"predict": [["1", "2", "1"], ["", "5", "5"]], "answer": ["1", 5],
             "completion": [["a", "b", "a"], ["c", "d", "e"]],
             "mean_logprob": [[-0.1, -0.2, -0.1], [-1, -Infinity, -0.5]], "temperature": 1.0}
            """)
        #expect(pool.size == 3)
        #expect(pool.problems.map(\.problem) == ["0", "1"])
        #expect(pool.problems.map(\.gold) == ["1", "5"])
        #expect(pool.problems[0].paths.map(\.completion) == [0, 1, 0], "equal texts share an identity")
        #expect(pool.problems[1].paths[1].probability == 0)
        #expect(pool.problems[1].paths.map(\.label) == [0, 1, 2])
    }

    @Test func releaseErrorsNameTheField() {
        func expectError(_ body: String, field: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            do {
                _ = try Self.release(body)
                Issue.record("no error", sourceLocation: sourceLocation)
            } catch let error as EvalError {
                guard case .invalidRelease(_, let name, _) = error else {
                    Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
                    return
                }
                #expect(name == field, sourceLocation: sourceLocation)
            } catch {
                Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            }
        }
        expectError(#"{"predict": [["1"]], "answer": ["1"], "completion": [["a"]]}"#, field: "mean_logprob")
        expectError(#"{"predict": [["1", "2"]], "answer": ["1"], "completion": [["a"]], "mean_logprob": [[-1, -1]]}"#, field: "completion[0]")
        expectError(#"{"predict": [["1"], ["2"]], "answer": ["1"], "completion": [["a"], ["b"]], "mean_logprob": [[-1], [-1]]}"#, field: "answer")
        expectError(#"{"predict": [["1"]], "answer": ["1"], "completion": [["a"]], "mean_logprob": [[NaN]]}"#, field: "mean_logprob[0][0]")
        expectError(#"{"predict": [["1", 2]], "answer": ["1"], "completion": [["a", "b"]], "mean_logprob": [[-1, -1]]}"#, field: "predict[0][1]")
        expectError("{\"predict\": [[", field: "(file)")
    }
}
