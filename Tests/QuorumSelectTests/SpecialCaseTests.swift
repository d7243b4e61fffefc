import Foundation
import QuorumSelect
import QuorumTestSupport
import Testing

/// Special inputs run through every aggregator by one generic helper: K = 1, all-empty answers, exact ties,
/// duplicated paths, −∞ log-probabilities, and probabilities that all underflow.
@Suite struct SpecialCaseTests {
    static let all: [any Aggregator] = SelectionMethod.allCases.map(\.aggregator)

    /// Runs `problem` through every aggregator, checks what holds for all of them (no NaN, confidences in
    /// [0, 1], every path in exactly one candidate, credit in [0, 1]) and hands each selection to `check`.
    func forEveryAggregator(
        _ problem: ProblemPaths, equivalence: any AnswerEquivalence = ToleranceEquivalence(),
        sourceLocation: Testing.SourceLocation = #_sourceLocation,
        _ check: (String, Selection) throws -> Void
    ) throws {
        for aggregator in Self.all {
            let selection = try aggregator.select(problem, equivalence: equivalence)
            let context = Comment(rawValue: aggregator.name)
            #expect(!selection.confidence.isNaN, context, sourceLocation: sourceLocation)
            for candidate in selection.candidates {
                #expect(candidate.confidence >= 0 && candidate.confidence <= 1, context, sourceLocation: sourceLocation)
            }
            #expect(
                selection.candidates.flatMap(\.paths).sorted() == problem.paths.map(\.label).sorted(), context,
                sourceLocation: sourceLocation)
            if let credit = selection.correct {
                #expect(credit >= 0 && credit <= 1 + 1e-12, context, sourceLocation: sourceLocation)
            }
            try check(aggregator.name, selection)
        }
    }

    @Test func singlePath() throws {
        let problem = makeProblem(["42"], logprobs: [-0.2], scores: [0.7], gold: "42")
        try forEveryAggregator(problem) { name, selection in
            #expect(selection.answer == "42", "\(name)")
            #expect(selection.correct == 1, "\(name)")
            #expect(selection.pruned.isEmpty, "\(name)")
            switch name {
            case "ppl": #expect(selection.confidence == exp(-0.2))
            case "best-of-n": #expect(selection.confidence == 0.7)
            default: #expect(selection.confidence == 1, "\(name)")
            }
        }
    }

    @Test func allAnswersEmpty() throws {
        let problem = makeProblem(["", "", "", ""], logprobs: [-0.1, -0.9, -0.3, -2], scores: [0.1, 0.2, 0.3, 0.4], gold: "7")
        try forEveryAggregator(problem) { name, selection in
            #expect(selection.answer == "", "\(name): the empty cluster is an ordinary candidate")
            #expect(selection.correct == 0, "\(name)")
            if name != "ppl" && name != "best-of-n" {
                #expect(selection.candidates.count == 1, "\(name)")
                #expect(selection.confidence == 1, "\(name)")
            }
        }
        // The empty answer can also be right, when the equivalence says so.
        let emptyGold = makeProblem(["", "3", ""], gold: "")
        #expect(try SelfConsistency().select(emptyGold, equivalence: ExactEquivalence()).correct == 1)
    }

    /// Two answers with identical votes, probabilities and scores: every method has a two-way exact tie
    /// and gives credit 1/2 when one of them is right.
    @Test func exactTiesShareCredit() throws {
        let problem = makeProblem(
            ["5", "9", "5", "9"], logprobs: [-0.5, -0.5, -1, -1], completions: [0, 1, 2, 3],
            scores: [0.6, 0.6, 0.2, 0.2], gold: "9")
        try forEveryAggregator(problem) { name, selection in
            #expect(selection.correct == 0.5, "\(name)")
            #expect(selection.answer == "5", "\(name): the first of the top set in list order")
        }
    }

    /// Exact duplicates (same completion and p): SC and the weighted vote count every copy, PC and RPC
    /// count a (completion, p) pair once.
    @Test func duplicatesCountOnceForPerplexityConsistency() throws {
        let problem = makeProblem(
            ["1", "1", "1", "2", "2"], logprobs: [-0.7, -0.7, -0.7, -0.6, -0.65], completions: [0, 0, 0, 1, 2],
            scores: [0.5, 0.5, 0.5, 0.5, 0.5], gold: "2")
        try forEveryAggregator(problem) { name, selection in
            switch name {
            case "sc", "weighted":
                #expect(selection.answer == "1", "\(name)")
                #expect(selection.candidates.map { $0.paths } == [[0, 1, 2], [3, 4]], "\(name)")
            case "pc":
                #expect(selection.answer == "2")
                let score1 = exp(-0.7), score2 = exp(-0.6) + exp(-0.65)
                #expect(abs(selection.confidence - score2 / (score1 + score2)) <= 1e-15)
            case "rpc":
                #expect(selection.answer == "2")
            default: break
            }
        }
        // The same text with a different p counts again.
        let jittered = makeProblem(["1", "1", "2"], logprobs: [-0.7, -0.7000001, -0.69], completions: [0, 0, 1], gold: "1")
        #expect(try PerplexityConsistency().select(jittered, equivalence: ExactEquivalence()).answer == "1")
    }

    /// A path with log-probability −∞ has probability 0: PPL never prefers it, PC gives it no mass, RPC
    /// prunes it (it lies below the mean and adds nothing).
    @Test func negativeInfinityLogprob() throws {
        let problem = makeProblem(
            ["3", "3", "4", "5", "5"], logprobs: [-0.2, -0.3, -0.25, -.infinity, -.infinity],
            scores: [0.5, 0.5, 0.5, 0.5, 0.5], gold: "3")
        try forEveryAggregator(problem) { name, selection in
            switch name {
            case "ppl":
                #expect(selection.answer == "3")
                #expect(selection.candidates[3].confidence == 0)
            case "pc", "rpc":
                #expect(selection.answer == "3", "\(name)")
                #expect(selection.candidates.last?.confidence == 0, "\(name): the −∞ cluster has no mass")
            default: break
            }
        }
        let rpc = try ReasoningPruningConsistency().select(problem, equivalence: ExactEquivalence())
        #expect(rpc.pruned.contains(3) && rpc.pruned.contains(4))
    }

    /// Every log-probability −∞: nothing to normalise, so PC and RPC report confidence 0 (never NaN),
    /// flag the problem as degenerate and share the credit over all clusters.
    @Test func allNegativeInfinity() throws {
        let problem = makeProblem(["1", "2", "2"], logprobs: [-.infinity, -.infinity, -.infinity], gold: "2")
        for aggregator: any Aggregator in [PerplexityConsistency(), ReasoningPruningConsistency()] {
            let selection = try aggregator.select(problem, equivalence: ExactEquivalence())
            #expect(selection.diagnostics?["degenerate"] == 1, "\(aggregator.name)")
            #expect(selection.candidates.allSatisfy { $0.confidence == 0 }, "\(aggregator.name)")
            #expect(selection.correct == 0.5, "\(aggregator.name)")
        }
        let ppl = try Perplexity().select(problem, equivalence: ExactEquivalence())
        #expect(abs(ppl.correct! - 2.0 / 3) <= 1e-15, "a three-way tie at −∞")
    }

    /// Log-probabilities so low that every p underflows to 0: PC and RPC rescale by exp(−ℓ_max) and give
    /// the same confidences as for the same log-probabilities shifted up (confidences are scale free).
    @Test func underflowingProbabilitiesAreRescaled() throws {
        let low = makeProblem(["1", "2", "2", "3"], logprobs: [-800.1, -800.4, -800.2, -803], gold: "2")
        let high = makeProblem(["1", "2", "2", "3"], logprobs: [-0.1, -0.4, -0.2, -3], gold: "2")
        #expect(low.paths.allSatisfy { $0.probability == 0 })
        for aggregator: any Aggregator in [PerplexityConsistency(), ReasoningPruningConsistency()] {
            let underflow = try aggregator.select(low, equivalence: ExactEquivalence())
            let normal = try aggregator.select(high, equivalence: ExactEquivalence())
            #expect(underflow.diagnostics?["rescaled_log_shift"] == -800.1, "\(aggregator.name)")
            #expect(underflow.diagnostics?["degenerate"] == nil, "\(aggregator.name)")
            #expect(underflow.answer == normal.answer, "\(aggregator.name)")
            for (a, b) in zip(underflow.candidates, normal.candidates) {
                #expect(abs(a.confidence - b.confidence) <= 1e-12, "\(aggregator.name)")
            }
        }
    }

    /// Non-transitive equality chains merge (8 ~ 8.0009 ~ 8.0018), and the representative, the member
    /// with the largest position, decides correctness.
    @Test func chainsMergeAndTheLastMemberRepresents() throws {
        let problem = makeProblem(["8", "8.0018", "8.0009", "11"], gold: "8")
        let sc = try SelfConsistency().select(problem, equivalence: ToleranceEquivalence())
        #expect(sc.candidates.map(\.answer) == ["8.0009", "11"])
        #expect(sc.candidates[0].paths == [0, 1, 2])
        #expect(sc.candidates[0].correct == true)
        let reordered = makeProblem(["8.0009", "8", "8.0018", "11"], gold: "8")
        let other = try SelfConsistency().select(reordered, equivalence: ToleranceEquivalence())
        #expect(other.candidates[0].answer == "8.0018")
        #expect(other.candidates[0].correct == false, "8.0018 is not within 1e-3 of the gold")
    }

    /// A pruned path still joins clusters and bridges them: with the mixture given, path 1 (low p) is
    /// pruned, yet 8 and 8.0018 stay in one cluster through 8.0009.
    @Test func prunedPathsStillBridgeClusters() throws {
        let problem = makeProblem(
            ["8", "8.0009", "8.0018", "5", "5", "5"], logprobs: [-0.1, -3, -0.1, -0.2, -0.25, -0.3], gold: "8")
        let mixture = WeibullMixture(weight: 0.5, shape1: 20, scale1: 0.85, shape2: 5, scale2: 0.05)
        let selection = try ReasoningPruningConsistency().select(
            problem, answers: AnswerTable(answers: problem.paths.map(\.answer), gold: "8", equivalence: ToleranceEquivalence()),
            mixture: mixture)
        #expect(selection.pruned == [1])
        #expect(selection.candidates.map(\.paths) == [[0, 1, 2], [3, 4, 5]])
        let expected = 2 * exp(-0.1) / (2 * exp(-0.1) + exp(-0.2) + exp(-0.25) + exp(-0.3))
        #expect(abs(selection.candidates[0].confidence - expected) <= 1e-15)
    }
}
