import Foundation
import QuorumSelect
import QuorumTestSupport
import Testing

/// Aggregators refuse input they cannot use, naming the problem and path, instead of returning a number.
@Suite struct BadInputTests {
    @Test func noPaths() {
        let empty = ProblemPaths(problem: "q", paths: [])
        for method in SelectionMethod.allCases {
            #expect(throws: SelectError.noPaths(problem: "q"), "\(method)") {
                try method.aggregator.select(empty, equivalence: ExactEquivalence())
            }
        }
    }

    @Test(arguments: [Double.nan, .infinity])
    func unusableLogprobIsRejectedByMethodsThatReadIt(value: Double) throws {
        let problem = makeProblem(["1", "2"], logprobs: [-0.1, value], scores: [0.5, 0.5], gold: "1")
        for method in SelectionMethod.allCases {
            if method.needsLogprobs {
                #expect(throws: SelectError.self, "\(method)") {
                    try method.aggregator.select(problem, equivalence: ExactEquivalence())
                }
            } else {
                // SC, the weighted vote and best-of-N do not read log-probabilities.
                _ = try method.aggregator.select(problem, equivalence: ExactEquivalence())
            }
        }
        do {
            _ = try Perplexity().select(problem, equivalence: ExactEquivalence())
        } catch {
            guard case .invalidLogprob(let name, let path, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(name == "p" && path == 1)
            #expect(error.description.contains("path 1"))
        }
    }

    @Test func negativeProbabilityIsRejected() {
        var problem = makeProblem(["1", "2"], gold: "1")
        problem.paths[0].probability = -1e-9
        #expect(throws: SelectError.invalidProbability(problem: "p", path: 0, value: -1e-9)) {
            try PerplexityConsistency().select(problem, equivalence: ExactEquivalence())
        }
    }

    @Test func scoreMethodsNeedScoresInRange() {
        let missing = makeProblem(["1", "2"], scores: [0.5, nil])
        #expect(throws: SelectError.missingScore(problem: "p", path: 1, method: "weighted")) {
            try WeightedVote().select(missing, equivalence: ExactEquivalence())
        }
        #expect(throws: SelectError.missingScore(problem: "p", path: 1, method: "best-of-n")) {
            try BestOfN().select(missing, equivalence: ExactEquivalence())
        }
        #expect(throws: SelectError.self) {
            try WeightedVote().select(makeProblem(["1"], scores: [-0.5]), equivalence: ExactEquivalence())
        }
        #expect(throws: SelectError.self) {
            try BestOfN().select(makeProblem(["1"], scores: [1.5]), equivalence: ExactEquivalence())
        }
        #expect(throws: SelectError.self) {
            try WeightedVote().select(makeProblem(["1"], scores: [.nan]), equivalence: ExactEquivalence())
        }
    }

    /// Without a gold there is no credit and no correctness, rather than a guess.
    @Test func noGoldMeansNoCredit() throws {
        for method in SelectionMethod.allCases {
            let selection = try method.aggregator.select(
                makeProblem(["1", "2", "1"], scores: [0.1, 0.2, 0.3]), equivalence: ExactEquivalence())
            #expect(selection.correct == nil, "\(method)")
            #expect(selection.candidates.allSatisfy { $0.correct == nil }, "\(method)")
        }
    }

    /// An answer table built for other answers is extended, not misread.
    @Test func answerTableIsExtendedForUnseenAnswers() throws {
        let table = AnswerTable(answers: ["1"], gold: "2", equivalence: ExactEquivalence())
        let selection = try SelfConsistency().select(makeProblem(["2", "2", "1"], gold: "2"), answers: table)
        #expect(selection.answer == "2")
        #expect(selection.correct == 1)
    }
}
