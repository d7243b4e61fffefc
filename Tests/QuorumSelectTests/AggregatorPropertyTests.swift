import Foundation
import PropertyBased
import QuorumSelect
import QuorumTestSupport
import Testing

/// Properties every aggregator must have, checked on random problems.
@Suite struct AggregatorPropertyTests {
    static let vocabulary = ["8", "8.0009", "8.0018", "11", "", "x", "12"]

    /// A random problem: 1–24 paths, answers from a small vocabulary (with non-transitive numeric chains
    /// and empty answers), log-probabilities in [−6, 0] or −∞, repeated completions, scores in [0, 1].
    static let problems = zip(
        Gen.int(in: 0...(vocabulary.count - 1)).array(of: 1...24),
        Gen.double(in: -6...0).array(of: 24),
        Gen.int(in: 0...5).array(of: 24),
        Gen.double(in: 0...1).array(of: 24),
        Gen.int(in: 0...9).array(of: 24)
    ).map { answers, logprobs, copies, scores, specials -> ProblemPaths in
        var paths: [PathSummary] = []
        func at<T>(_ values: [T], _ i: Int, _ fallback: T) -> T { values.isEmpty ? fallback : values[i % values.count] }
        for (i, answer) in answers.enumerated() {
            let copy = at(copies, i, 5)
            if copy < 3 && copy < i {
                // An exact duplicate of an earlier path: same text, answer and log-probability.
                var duplicate = paths[copy]
                duplicate.label = i
                duplicate.score = at(scores, i, 0.5)
                paths.append(duplicate)
            } else {
                let logprob = at(specials, i, 1) == 0 ? -Double.infinity : at(logprobs, i, -1)
                paths.append(PathSummary(
                    label: i, answer: vocabulary[answer], completion: 100 + i, meanLogprob: logprob,
                    score: at(scores, i, 0.5)))
            }
        }
        return ProblemPaths(problem: "random", gold: vocabulary[answers[0]], paths: paths)
    }

    static let aggregators: [any Aggregator] = [
        SelfConsistency(), Perplexity(), PerplexityConsistency(), ReasoningPruningConsistency(), WeightedVote(),
        BestOfN(),
    ]
    static let normalised: Set<String> = ["sc", "pc", "rpc", "weighted"]

    @Test func confidencesAreProbabilitiesAndNormalisedOnesSumToOne() async {
        await propertyCheck(input: Self.problems) { problem in
            for aggregator in Self.aggregators {
                let selection = try aggregator.select(problem, equivalence: ToleranceEquivalence())
                let confidences = selection.candidates.map(\.confidence)
                #expect(confidences.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(aggregator.name): \(confidences)")
                #expect(selection.confidence >= 0 && selection.confidence <= 1)
                #expect(selection.confidence == confidences.max(), "\(aggregator.name)")
                let credit = try #require(selection.correct)
                // Credit adds 1/size per correct member (the reference's arithmetic): 7 × 1/7 may be 1 + 1 ulp.
                #expect(credit >= 0 && credit <= 1 + 1e-12)
                let members = selection.candidates.flatMap(\.paths).sorted()
                #expect(members == Array(0..<problem.paths.count), "\(aggregator.name): every path in one candidate")
                if Self.normalised.contains(aggregator.name) && selection.diagnostics?["degenerate"] == nil {
                    #expect(abs(confidences.reduce(0, +) - 1) <= 1e-12, "\(aggregator.name): \(confidences)")
                }
            }
        }
    }

    /// With a transitive equality and a unique largest cluster, SC's answer, confidence and credit do not
    /// depend on the order of the paths.
    @Test func selfConsistencyIgnoresOrderWithoutTies() async {
        await propertyCheck(input: Gen.int(in: 0...4).array(of: 1...30), Gen.int(in: 0...1000)) { answers, seed in
            let problem = makeProblem(answers.map(String.init), gold: "0")
            let sizes = Dictionary(grouping: answers, by: { $0 }).mapValues(\.count).values.sorted(by: >)
            guard sizes.count == 1 || sizes[0] > sizes[1] else { return }
            var generator = SplitMix(seed: UInt64(seed))
            var shuffled = problem
            shuffled.paths.shuffle(using: &generator)
            let original = try SelfConsistency().select(problem, equivalence: ExactEquivalence())
            let permuted = try SelfConsistency().select(shuffled, equivalence: ExactEquivalence())
            #expect(original.answer == permuted.answer)
            // size/K is normalised by its sum over clusters, whose order changes: allow a few ulps.
            #expect(abs(original.confidence - permuted.confidence) <= 4 * original.confidence.ulp)
            #expect(original.correct == permuted.correct)
        }
    }

    /// Where reasoning pruning prunes nothing, RPC is PC: same candidates, answer, confidence and credit.
    @Test func rpcEqualsPCWhenNothingIsPruned() async {
        let unpruned = Counter()
        await propertyCheck(count: 300, input: Self.problems) { problem in
            let rpc = try ReasoningPruningConsistency().select(problem, equivalence: ToleranceEquivalence())
            guard rpc.pruned.isEmpty else { return }
            await unpruned.increment()
            let pc = try PerplexityConsistency().select(problem, equivalence: ToleranceEquivalence())
            #expect(rpc.candidates == pc.candidates)
            #expect(rpc.answer == pc.answer)
            #expect(rpc.confidence == pc.confidence)
            #expect(rpc.correct == pc.correct)
        }
        // Not vacuous: K = 1, equal probabilities and unimodal fits leave many problems unpruned.
        #expect(await unpruned.value > 10)
    }
}

actor Counter {
    var value = 0
    func increment() { value += 1 }
}

/// A small deterministic generator for shuffles inside properties.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
