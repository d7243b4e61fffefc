import Foundation

/// PC, perplexity consistency: clusters scored by the summed probability of their distinct paths.
///
/// spec/rpc.md: clusters as for SC; `score_c = Σ p` over the distinct `(completion, p)` pairs among the
/// cluster's un-pruned members (an exact duplicate counts once; the same text with another p counts again);
/// confidence `score_c / Σ score`; the top set is the clusters with the largest score exactly. PC prunes
/// nothing; ``ReasoningPruningConsistency`` is PC after pruning.
///
/// Underflow: when every p is 0 but some log-probability is finite, the scores are computed from
/// `exp(ℓ − ℓ_max)` instead (confidences are scale free) and diagnostics carry `rescaled_log_shift = ℓ_max`.
/// When every log-probability is −∞ there is nothing to normalise: every confidence is 0 (never NaN), every
/// cluster is in the top set, and diagnostics carry `degenerate = 1`.
public struct PerplexityConsistency: Aggregator {
    public init() {}

    public var name: String { "pc" }

    public func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection {
        try problem.validateLikelihoods()
        let (probabilities, diagnostics) = ConsistencyScoring.effectiveProbabilities(problem)
        let none = [Bool](repeating: false, count: problem.paths.count)
        return ConsistencyScoring.select(
            problem, answers: answers, probabilities: probabilities, pruned: none, method: name,
            diagnostics: diagnostics)
    }
}

/// RPC: perplexity consistency after reasoning pruning (spec/rpc.md).
///
/// Pruned paths still join clusters (and can bridge two); a cluster whose members are all pruned stays a
/// candidate with score 0. Diagnostics carry the fitted and ordered mixture, the cut (mean probability), the
/// fit's NLL, iterations and convergence (see ``PruningOutcome/diagnostics``). Should pruning leave no
/// positive score (possible only through rounding of the mean), nothing is pruned and diagnostics carry
/// `prune_reverted = 1`.
public struct ReasoningPruningConsistency: Aggregator {
    /// How paths are pruned.
    public var pruning: ReasoningPruning

    public init(pruning: ReasoningPruning = ReasoningPruning()) {
        self.pruning = pruning
    }

    public var name: String { "rpc" }

    public func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection {
        try problem.validateLikelihoods()
        let (probabilities, underflow) = ConsistencyScoring.effectiveProbabilities(problem)
        return select(
            problem, answers: answers, probabilities: probabilities, underflow: underflow,
            pruning: pruning.prune(probabilities))
    }

    /// Selects with the given mixture instead of fitting one (e.g. to replay the reference's fits).
    public func select(
        _ problem: ProblemPaths, answers: AnswerTable, mixture: WeibullMixture
    ) throws(SelectError) -> Selection {
        try problem.validateLikelihoods()
        let (probabilities, underflow) = ConsistencyScoring.effectiveProbabilities(problem)
        return select(
            problem, answers: answers, probabilities: probabilities, underflow: underflow,
            pruning: ReasoningPruning.prune(probabilities, mixture: mixture))
    }

    private func select(
        _ problem: ProblemPaths, answers: AnswerTable, probabilities: [Double], underflow: [String: Double],
        pruning outcome: PruningOutcome
    ) -> Selection {
        var diagnostics = outcome.diagnostics.merging(underflow) { $1 }
        var pruned = outcome.pruned
        let keptMass = zip(probabilities, pruned).contains { p, isPruned in !isPruned && p > 0 }
        if !keptMass && probabilities.contains(where: { $0 > 0 }) {
            pruned = [Bool](repeating: false, count: pruned.count)
            diagnostics["prune_reverted"] = 1
            diagnostics["n_pruned"] = 0
        }
        return ConsistencyScoring.select(
            problem, answers: answers, probabilities: probabilities, pruned: pruned, method: name,
            diagnostics: diagnostics)
    }
}

/// The scoring shared by PC and RPC.
enum ConsistencyScoring {
    /// The path probabilities, rescaled by `exp(−ℓ_max)` when all of them underflow to 0.
    static func effectiveProbabilities(_ problem: ProblemPaths) -> ([Double], [String: Double]) {
        let probabilities = problem.paths.map(\.probability)
        guard !probabilities.contains(where: { $0 > 0 }) else { return (probabilities, [:]) }
        let shift = problem.paths.map(\.meanLogprob).max() ?? -.infinity
        guard shift.isFinite else { return (probabilities, [:]) }
        return (problem.paths.map { exp($0.meanLogprob - shift) }, ["rescaled_log_shift": shift])
    }

    static func select(
        _ problem: ProblemPaths, answers: AnswerTable, probabilities: [Double], pruned: [Bool], method: String,
        diagnostics: [String: Double]
    ) -> Selection {
        let (table, ids) = answers.ids(of: problem.paths)
        let clusters = AnswerClusters(answerIDs: ids, table: table)
        var scores = [Double](repeating: 0, count: clusters.roots.count)
        // (cluster, completion, bits of p) already counted.
        var counted = Set<DistinctPath>()
        for (position, path) in problem.paths.enumerated() where !pruned[position] {
            let cluster = clusters.clusterOfPosition[position]
            let key = DistinctPath(
                cluster: cluster, completion: path.completion, probabilityBits: probabilities[position].bitPattern)
            if counted.insert(key).inserted { scores[cluster] += probabilities[position] }
        }
        let total = PairwiseSum.sum(scores)
        var diagnostics = diagnostics
        let degenerate = !(total > 0)
        if degenerate { diagnostics["degenerate"] = 1 }
        let candidates = clusters.roots.indices.map { cluster in
            Candidate(
                answer: problem.paths[clusters.roots[cluster]].answer,
                confidence: degenerate ? 0 : scores[cluster] / total,
                paths: clusters.members[cluster].map { problem.paths[$0].label },
                correct: table.isCorrect(ids[clusters.roots[cluster]]))
        }
        let top = TieCredit.topSet(scores)
        return SelectionBuilder(
            problem: problem, method: method, candidates: candidates, top: top,
            pruned: pruned.indices.filter { pruned[$0] }.map { problem.paths[$0].label },
            diagnostics: diagnostics
        ).build()
    }

    struct DistinctPath: Hashable {
        var cluster: Int
        var completion: Int
        var probabilityBits: UInt64
    }
}
