import Foundation
import QuorumCode
import QuorumCore
import QuorumEval
import QuorumRunFolder
import QuorumSelect

/// How a code run's evaluation is computed: the programs judged by execution (the record it fills,
/// ``CodeEvaluation``, is eval.json's `code` part and lives with the run folder's formats).
extension CodeEvaluation {
    /// The answer tables of a code run's problems: execution-based equality between programs, correctness
    /// from the `execution` records on the lines (passing the tests), and the code figures.
    /// - Parameters:
    ///   - pool: the run's paths, problems in task order.
    ///   - groups: the same paths as read from `paths.jsonl` (with their `execution` records).
    ///   - tasks: the code tasks by problem id.
    ///   - ks: the K grid (pass@k is reported for each).
    static func tables(
        pool: PathPool, groups: [PathGroup], tasks: [String: CodeTask], ks: [Int], sandbox: Sandbox,
        executionPool: ExecutionPool
    ) async throws(RunError) -> (tables: [AnswerTable], code: CodeEvaluation, warnings: [String]) {
        let byProblem = Dictionary(groups.map { ($0.problem, $0) }, uniquingKeysWith: { a, _ in a })
        var tables: [AnswerTable] = []
        var counts: [(samples: Int, correct: Int)] = []
        var statuses: [String: Int] = [:]
        var distinct = 0.0, clusters = 0.0, inputs = 0.0
        var withoutInputs: [String] = []
        var warnings: [String] = []
        for problem in pool.problems {
            guard let task = tasks[problem.problem] else {
                throw .evaluation("problem \(problem.problem) is not a code problem of the run's task set")
            }
            guard let group = byProblem[problem.problem] else {
                throw .evaluation("problem \(problem.problem) has no lines in the paths file")
            }
            var passed: [String: Bool] = [:]
            var correct = 0
            for path in group.paths {
                guard let execution = path.execution else {
                    throw .evaluation(
                        "path \(path.path) of problem \(path.problem) has no \"execution\" result (a code run runs "
                            + "every path against its tests while sampling; was it written by another tool?)")
                }
                statuses[execution.status.rawValue, default: 0] += 1
                if execution.passed { correct += 1 }
                if passed[path.answer] == nil { passed[path.answer] = execution.passed }
            }
            counts.append((group.paths.count, correct))
            let equivalence: ExecutionEquivalence
            do {
                equivalence = try ExecutionEquivalence(task: task, sandbox: sandbox)
                try await equivalence.prepare(problem.paths.map(\.answer), pool: executionPool)
            } catch {
                throw .evaluation("problem \(problem.problem): execution equality: \(error)")
            }
            if equivalence.calls.isEmpty { withoutInputs.append(problem.problem) }
            inputs += Double(equivalence.calls.count)
            let verdicts = passed
            let table = AnswerTable(
                answers: problem.paths.map(\.answer), gold: problem.gold ?? "", equivalence: equivalence,
                isCorrect: { verdicts[$0] ?? false })
            for failure in equivalence.failures {
                warnings.append("problem \(problem.problem): a program could not be compared: \(failure)")
            }
            distinct += Double(table.count)
            clusters += Double(Self.clusterCount(table))
            tables.append(table)
        }
        var passAtK: [String: Double] = [:]
        for k in ks {
            do {
                passAtK[String(k)] = try PassAtK.mean(counts, k: k)
            } catch {
                throw .evaluation("pass@\(k): \(error)")
            }
        }
        let n = Double(max(1, pool.problems.count))
        let code = CodeEvaluation(
            problems: pool.problems.count, samples: pool.size, passAtK: passAtK, statuses: statuses,
            problemsSolved: counts.filter { $0.correct > 0 }.count, meanDistinctPrograms: distinct / n,
            meanBehaviourClusters: clusters / n, meanTestInputs: inputs / n, problemsWithoutInputs: withoutInputs,
            equality: equalityDescription)
        return (tables, code, warnings)
    }

    /// The number of clusters of the table's distinct answers, each joining the first cluster whose
    /// representative it equals (the clustering of spec/rpc.md).
    static func clusterCount(_ table: AnswerTable) -> Int {
        var representatives: [Int] = []
        for i in 0..<table.count where !representatives.contains(where: { table.equal(i, $0) }) {
            representatives.append(i)
        }
        return representatives.count
    }

}
