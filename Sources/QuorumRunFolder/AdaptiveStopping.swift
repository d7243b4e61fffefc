import Foundation
import QuorumCore
import QuorumSelect
import QuorumTasks

/// Early stopping of sampling (`quorum run --adaptive`): a problem's paths are drawn in rounds of ``round``
/// paths, and after every round the problem stops when its selection is settled; at most the run's
/// `--samples` paths are drawn.
///
/// Rules (docs/decoders.md):
/// - ``Rule/beta`` (Adaptive-Consistency, Aggarwal et al. 2023): with `a` paths for the leading answer and `b`
///   for the runner-up (answers clustered by the task kind's equality; paths without an answer do not vote),
///   the posterior of the leader's share among the two under a uniform prior is Beta(a + 1, b + 1); sampling
///   stops when P(share > ½) ≥ ``threshold`` (default 0.95). For whole a, b this probability is
///   P(Binomial(a + b + 1, ½) ≤ a), computed exactly.
/// - ``Rule/rpc``: sampling stops when RPC's confidence in its selected answer (spec/rpc.md) is ≥ ``threshold``.
///
/// The decision is a function of the paths written, so a resumed run recomputes it from `paths.jsonl` and
/// continues exactly where an uninterrupted run would; the rounds' seeds are the run's per-path seeds.
public struct AdaptiveStopping: Sendable, Hashable, Codable {
    /// The stopping rule.
    public enum Rule: String, Sendable, Hashable, Codable, CaseIterable {
        case beta, rpc
    }

    /// The rule; default ``Rule/beta``.
    public var rule: Rule
    /// The rule's threshold in (0, 1]; default 0.95.
    public var threshold: Double
    /// Paths per round (the first round included); default 4.
    public var round: Int

    /// Settings; see the properties.
    public init(rule: Rule = .beta, threshold: Double = 0.95, round: Int = 4) {
        self.rule = rule
        self.threshold = threshold
        self.round = round
    }

    /// Throws for values outside their ranges.
    public func validate() throws(RunError) {
        guard threshold > 0, threshold <= 1 else {
            throw .invalidSettings("--stop-threshold must be in (0, 1], not \(threshold)")
        }
        guard round >= 1 else { throw .invalidSettings("--round must be at least 1, not \(round)") }
    }

    /// Whether sampling of a problem with these paths (in path order) may stop.
    public func settled(_ paths: [ReasoningPath], problem: String, kind: TaskKind) -> Bool {
        guard !paths.isEmpty else { return false }
        let summary = ProblemPaths(problem: problem, reasoningPaths: paths)
        let equivalence = makeEquivalence(kind: kind, mode: .default)
        switch rule {
        case .beta:
            guard let selection = try? SelfConsistency().select(summary, equivalence: equivalence) else { return false }
            let counts = selection.candidates.filter { !$0.answer.isEmpty }.map(\.paths.count).sorted(by: >)
            guard let a = counts.first else { return false }
            let b = counts.count > 1 ? counts[1] : 0
            return Self.leaderProbability(a: a, b: b) >= threshold
        case .rpc:
            guard let selection = try? SelectionMethod.rpc.aggregator.select(summary, equivalence: equivalence),
                !selection.answer.isEmpty
            else { return false }
            return selection.confidence >= threshold
        }
    }

    /// P(X > ½) for X ~ Beta(a + 1, b + 1), i.e. P(Binomial(a + b + 1, ½) ≤ a).
    public static func leaderProbability(a: Int, b: Int) -> Double {
        let n = a + b + 1
        // Σ_{k ≤ a} C(n, k) / 2ⁿ in log space (n is at most a few hundred).
        var logTerms: [Double] = []
        var logC = 0.0
        for k in 0...a {
            if k > 0 { logC += Foundation.log(Double(n - k + 1)) - Foundation.log(Double(k)) }
            logTerms.append(logC - Double(n) * Foundation.log(2.0))
        }
        let m = logTerms.max() ?? 0
        return min(1, Foundation.exp(m) * logTerms.reduce(0) { $0 + Foundation.exp($1 - m) })
    }
}
