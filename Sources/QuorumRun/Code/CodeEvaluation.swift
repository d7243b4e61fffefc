import Foundation
import QuorumCode
import QuorumCore
import QuorumEval
import QuorumSelect

/// The code part of a run's evaluation: how the paths' programs fared against the tests (pass@k with the
/// unbiased estimator, statuses), next to which the selection methods' accuracies read as "pass@1 of the
/// selected program".
public struct CodeEvaluation: Sendable, Hashable, Codable {
    /// Problems evaluated.
    public var problems: Int
    /// Paths per problem (n of the estimator).
    public var samples: Int
    /// pass@k (fraction, mean over problems) for each k of the run's K grid, keyed by k.
    public var passAtK: [String: Double]
    /// Paths per execution status (`pass`, `fail`, `timeout`, `error`).
    public var statuses: [String: Int]
    /// Problems with at least one passing path.
    public var problemsSolved: Int
    /// Mean number of distinct programs per problem, and of behaviour clusters (programs with the same
    /// outputs on the tests' inputs grouped, the order-dependent clustering the selection methods use).
    public var meanDistinctPrograms: Double
    /// See ``meanDistinctPrograms``.
    public var meanBehaviourClusters: Double
    /// Mean number of literal test inputs per problem on which programs are compared.
    public var meanTestInputs: Double
    /// Problems whose tests give no literal input (their programs are equal only when their texts are).
    public var problemsWithoutInputs: [String]
    /// How execution equality is decided, for the report.
    public var equality: String

    enum CodingKeys: String, CodingKey {
        case problems, samples, passAtK = "pass_at_k", statuses, problemsSolved = "problems_solved"
        case meanDistinctPrograms = "mean_distinct_programs", meanBehaviourClusters = "mean_behaviour_clusters"
        case meanTestInputs = "mean_test_inputs", problemsWithoutInputs = "problems_without_inputs", equality
    }

    /// The description of execution equality written into reports.
    public static let equalityDescription =
        "execution: two programs are equal when they return the same values (or raise the same exceptions) on "
        + "every call with literal arguments found in the task's own tests (HumanEval's check, MBPP's asserts); "
        + "a program is correct when it passes the tests"

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

    /// The Markdown section of a code run: pass@k and how the selected program of each method fares.
    public func markdown(selected: [(method: String, passRate: Double)]) -> String {
        let ks = passAtK.keys.compactMap(Int.init).sorted()
        var text = "Code: \(problems) problems × \(samples) programs, each run against the task's tests.\n\n"
        text += "| pass@k (unbiased estimator, %) | " + ks.map { "k=\($0)" }.joined(separator: " | ") + " |\n"
        text += "|---|" + String(repeating: "---:|", count: ks.count) + "\n"
        text += "| all paths | " + ks.map { String(format: "%.2f", 100 * (passAtK[String($0)] ?? 0)) }
            .joined(separator: " | ") + " |\n\n"
        if let single = passAtK["1"], !selected.isEmpty {
            text += "Selected program passes the tests (%), K=\(samples), vs a single sample:\n\n"
            text += "| single sample (pass@1) | " + selected.map { $0.method.uppercased() }.joined(separator: " | ")
                + " | pass@\(samples) |\n"
            text += "|---:|" + String(repeating: "---:|", count: selected.count + 1) + "\n"
            text += String(format: "| %.2f | ", 100 * single)
                + selected.map { String(format: "%.2f", $0.passRate) }.joined(separator: " | ")
                + String(format: " | %.2f |\n\n", 100 * (passAtK[String(samples)] ?? 0))
        }
        let order = ExecutionStatus.allCases.map(\.rawValue)
        text += "Paths: " + order.map { "\($0) \(statuses[$0] ?? 0)" }.joined(separator: ", ")
            + "; problems with a passing path: \(problemsSolved)/\(problems); "
            + String(
                format: "per problem %.2f distinct programs in %.2f behaviour clusters, %.1f test inputs",
                meanDistinctPrograms, meanBehaviourClusters, meanTestInputs)
        if !problemsWithoutInputs.isEmpty {
            text += "; no literal test input (programs compared by text): " + problemsWithoutInputs.joined(separator: ", ")
        }
        return text + ".\n\nEquality: \(equality).\n"
    }
}
