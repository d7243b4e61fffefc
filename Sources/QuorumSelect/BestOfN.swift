/// Best-of-N (an extra, not in the reference): the answer of the path with the highest
/// ``PathSummary/score``, e.g. from a verifier.
///
/// Like PPL with the score in place of the path probability: one candidate per path, in the order given,
/// with the score as its (unnormalised) confidence, so every score must be a probability in [0, 1]. Paths
/// whose scores equal the largest exactly share the credit.
public struct BestOfN: Aggregator {
    public init() {}

    public var name: String { "best-of-n" }

    public func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection {
        let scores = try problem.scores(method: name, requirement: "a probability in [0, 1]") {
            $0 >= 0 && $0 <= 1
        }
        let (table, ids) = answers.ids(of: problem.paths)
        let candidates = problem.paths.indices.map { position in
            Candidate(
                answer: problem.paths[position].answer, confidence: scores[position],
                paths: [problem.paths[position].label], correct: table.isCorrect(ids[position]))
        }
        return SelectionBuilder(
            problem: problem, method: name, candidates: candidates, top: TieCredit.topSet(scores)
        ).build()
    }
}
