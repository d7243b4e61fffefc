/// SC, self-consistency: the majority vote over answer clusters.
///
/// spec/rpc.md: one candidate per cluster (listed by increasing root position, answer of the root), with
/// confidence `size / K` normalised by its sum over clusters. Duplicated paths count as separate votes.
/// The top set is every cluster of the largest size; they share the credit. Needs no log-probabilities.
public struct SelfConsistency: Aggregator {
    public init() {}

    public var name: String { "sc" }

    public func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection {
        guard !problem.paths.isEmpty else { throw .noPaths(problem: problem.problem) }
        let (table, ids) = answers.ids(of: problem.paths)
        let clusters = AnswerClusters(answerIDs: ids, table: table)
        let count = Double(problem.paths.count)
        let shares = clusters.members.map { Double($0.count) / count }
        let total = PairwiseSum.sum(shares)
        let candidates = clusters.roots.indices.map { cluster in
            Candidate(
                answer: problem.paths[clusters.roots[cluster]].answer, confidence: shares[cluster] / total,
                paths: clusters.members[cluster].map { problem.paths[$0].label },
                correct: table.isCorrect(ids[clusters.roots[cluster]]))
        }
        let top = TieCredit.topSet(clusters.members.map { Double($0.count) })
        return SelectionBuilder(problem: problem, method: name, candidates: candidates, top: top).build()
    }
}
