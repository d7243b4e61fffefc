import Foundation
import QuorumEval
import QuorumTestSupport
import Testing

/// Per-problem agreement with the RPC reference (oracle.json `per_problem`): every candidate (answer,
/// confidence, correctness) in list order and every credit, for seed 0 at K = 16 and K = 48.
@Suite struct FixturePerProblemTests {
    static let records = ["seed0_K16", "seed0_K48"]
    static let methods: [(String, any Aggregator)] = [
        ("PPL", Perplexity()), ("SC", SelfConsistency()), ("PC", PerplexityConsistency()),
    ]

    @Test(arguments: records)
    func referenceMethodsMatchCandidateForCandidate(record: String) throws {
        let fixture = try RPCFixture.load()
        let data = fixture.oracle.perProblem[record]!
        #expect(data.subsetIndices == fixture.positions(k: data.k, seed: 0))
        #expect(data.problems.count == 60)
        for (index, expected) in data.problems.enumerated() {
            let paths = fixture.subset(index, positions: data.subsetIndices)
            for (name, aggregator) in Self.methods {
                let selection = try aggregator.select(paths, answers: fixture.table(index))
                check(selection, against: expected.methods[name]!, context: "\(record) problem \(index) \(name)")
            }
        }
    }

    /// RPC given the reference's fitted parameters: the same ordered parameters, P_high, pruned positions,
    /// candidates and credit.
    @Test(arguments: records)
    func rpcMatchesGivenTheReferenceFit(record: String) throws {
        let fixture = try RPCFixture.load()
        let data = fixture.oracle.perProblem[record]!
        let positions = data.subsetIndices
        for (index, expected) in data.problems.enumerated() {
            let fit = expected.rpcFit
            let mixture = WeibullMixture(parameters: fit.rawX)!
            let paths = fixture.subset(index, positions: positions)
            let selection = try ReasoningPruningConsistency().select(
                paths, answers: fixture.table(index), mixture: mixture)
            let context = "\(record) problem \(index) RPC"
            let prunedPositions = selection.pruned.map { label in positions.firstIndex(of: label)! }
            #expect(prunedPositions == fit.prunedPositions, "\(context)")
            let diagnostics = selection.diagnostics ?? [:]
            #expect(diagnostics["swapped"] == (fit.swapped ? 1 : 0), "\(context)")
            for (ours, theirs) in [
                ("w_high", "w_high"), ("k_high", "k_high"), ("lambda_high", "lambda_high"), ("k_low", "k_low"),
                ("lambda_low", "lambda_low"),
            ] {
                #expect(diagnostics[ours] == fit.ordered[theirs], "\(context) \(ours)")
            }
            #expect(abs((diagnostics["cut"] ?? 0) - fit.meanProba) <= 1e-15, "\(context)")
            let (orderedMixture, _) = mixture.ordered()
            for (position, path) in paths.paths.enumerated() {
                let ours = orderedMixture.posteriorOfFirst(path.probability)
                #expect(abs(ours - fit.pHigh[position]) <= 1e-9, "\(context) P_high at \(position)")
            }
            check(selection, against: expected.methods["RPC"]!, context: context)
        }
    }

    private func check(_ selection: Selection, against expected: RPCFixture.MethodRecord, context: String) {
        #expect(selection.correct == expected.credit, "\(context): credit")
        #expect(selection.candidates.count == expected.candidates.count, "\(context): number of candidates")
        for (ours, theirs) in zip(selection.candidates, expected.candidates) {
            #expect(ours.answer == theirs.answer, "\(context): answer")
            #expect(abs(ours.confidence - theirs.confidence) <= 1e-12, "\(context): confidence")
            #expect(ours.correct == theirs.correct, "\(context): correctness")
        }
    }
}
