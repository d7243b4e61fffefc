/// Selects one answer, with a confidence, among one problem's sampled paths.
///
/// An aggregator reads the paths in the order given (clustering is order dependent), an ``AnswerTable``
/// that decides answer equality (built from an injected ``AnswerEquivalence``, never hard-wired), and the
/// gold when known; it returns a ``Selection``: the selected answer and its confidence, every candidate
/// with its member paths and correctness, the pruned paths and method-specific diagnostics.
///
/// The four reference methods (``Perplexity``, ``SelfConsistency``, ``PerplexityConsistency``,
/// ``ReasoningPruningConsistency``) follow spec/rpc.md exactly; extras (``WeightedVote``, ``BestOfN``) are
/// separate, named methods.
///
/// Ties: the top set is every candidate whose score equals the maximum exactly; ``Selection/correct`` is
/// the fraction of it that is correct, and ``Selection/answer`` is its first member in list order.
public protocol Aggregator: Sendable {
    /// The method's short name as written in selections, e.g. `"rpc"`.
    var name: String { get }

    /// Selects among `problem`'s paths, deciding answer equality with `answers` (which is extended when it
    /// lacks some answer of the paths).
    func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection
}

extension Aggregator {
    /// Selects among `problem`'s paths, deciding answer equality with `equivalence`.
    public func select(
        _ problem: ProblemPaths, equivalence: any AnswerEquivalence
    ) throws(SelectError) -> Selection {
        let table = AnswerTable(answers: problem.paths.map(\.answer), gold: problem.gold, equivalence: equivalence)
        return try select(problem, answers: table)
    }
}

/// Builds a ``Selection`` from candidates and the top set of the method's (unnormalised) scores.
struct SelectionBuilder {
    var problem: ProblemPaths
    var method: String
    var candidates: [Candidate]
    var top: [Int]
    var pruned: [Int] = []
    var diagnostics: [String: Double]? = nil

    func build() -> Selection {
        let first = candidates[top[0]]
        var credit: Double?
        if problem.gold != nil {
            credit = TieCredit.credit(top.map { candidates[$0].correct ?? false })
        }
        return Selection(
            problem: problem.problem, method: method, answer: first.answer, confidence: first.confidence,
            candidates: candidates, pruned: pruned, gold: problem.gold, correct: credit,
            diagnostics: diagnostics?.isEmpty == false ? diagnostics : nil)
    }
}
