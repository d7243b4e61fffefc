import Foundation
import QuorumCore

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

    /// A record; see the properties.
    public init(
        problems: Int, samples: Int, passAtK: [String: Double], statuses: [String: Int], problemsSolved: Int,
        meanDistinctPrograms: Double, meanBehaviourClusters: Double, meanTestInputs: Double,
        problemsWithoutInputs: [String], equality: String
    ) {
        self.problems = problems
        self.samples = samples
        self.passAtK = passAtK
        self.statuses = statuses
        self.problemsSolved = problemsSolved
        self.meanDistinctPrograms = meanDistinctPrograms
        self.meanBehaviourClusters = meanBehaviourClusters
        self.meanTestInputs = meanTestInputs
        self.problemsWithoutInputs = problemsWithoutInputs
        self.equality = equality
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
