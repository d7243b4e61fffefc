/// PPL: the answer of the path with the largest mean log-probability (smallest perplexity).
///
/// spec/rpc.md: one candidate per path, in the order given, with confidence `p = exp(mean_logprob)`, NOT
/// normalised. The top set is every path whose `mean_logprob` equals the largest exactly (ties are decided
/// on the log-probability, not on `p`, which `exp` may round together); they share the credit.
/// A path with `mean_logprob = −infinity` has confidence 0 and is selected only if every path has it.
public struct Perplexity: Aggregator {
    public init() {}

    public var name: String { "ppl" }

    public func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection {
        try problem.validateLikelihoods()
        let (table, ids) = answers.ids(of: problem.paths)
        let candidates = zip(problem.paths, ids).map { path, id in
            Candidate(
                answer: path.answer, confidence: path.probability, paths: [path.label],
                correct: table.isCorrect(id))
        }
        let top = TieCredit.topSet(problem.paths.map(\.meanLogprob))
        return SelectionBuilder(problem: problem, method: name, candidates: candidates, top: top).build()
    }
}
