/// Weighted vote (an extra, not in the reference): clusters as for SC, each path voting with its
/// non-negative ``PathSummary/score`` (e.g. a reward-model probability).
///
/// Confidence is the cluster's score share `Σ score / Σ all scores`; the top set is the clusters with the
/// largest summed score exactly. Every path needs a finite score ≥ 0 (map raw reward logits through a
/// sigmoid first). When all scores are 0 every confidence is 0 and diagnostics carry `degenerate = 1`.
public struct WeightedVote: Aggregator {
    public init() {}

    public var name: String { "weighted" }

    public func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection {
        let weights = try problem.scores(method: name, requirement: "a finite score ≥ 0") {
            $0.isFinite && $0 >= 0
        }
        let (table, ids) = answers.ids(of: problem.paths)
        let clusters = AnswerClusters(answerIDs: ids, table: table)
        let scores = clusters.members.map { members in members.reduce(0.0) { $0 + weights[$1] } }
        let total = PairwiseSum.sum(scores)
        let degenerate = !(total > 0)
        let candidates = clusters.roots.indices.map { cluster in
            Candidate(
                answer: problem.paths[clusters.roots[cluster]].answer,
                confidence: degenerate ? 0 : scores[cluster] / total,
                paths: clusters.members[cluster].map { problem.paths[$0].label },
                correct: table.isCorrect(ids[clusters.roots[cluster]]))
        }
        return SelectionBuilder(
            problem: problem, method: name, candidates: candidates, top: TieCredit.topSet(scores),
            diagnostics: degenerate ? ["degenerate": 1] : nil
        ).build()
    }
}
