import Foundation
import QuorumEval
import QuorumTestSupport
import Testing

/// The evaluation protocol against the RPC reference's per-seed numbers (oracle.json).
@Suite struct FixtureProtocolTests {
    /// CPython's `random.seed(s); random.shuffle(range(m))` for every m and seed of permutations.json.
    @Test func permutationsEqualCPython() throws {
        let fixture = try RPCFixture.load()
        #expect(fixture.permutations.keys.sorted() == [16, 32, 48, 64, 128])
        for (m, seeds) in fixture.permutations {
            #expect(seeds.count == 10)
            for (seed, expected) in seeds.enumerated() {
                #expect(CPythonRandom.permutation(count: m, seed: seed) == expected, "m \(m) seed \(seed)")
            }
        }
    }

    /// PPL, SC and PC: accuracy, ECE, Brier and NLL at every K and seed within 1e-9 of the reference, and
    /// the summaries (mean ± population std) likewise.
    @Test(arguments: [("PPL", SelectionMethod.ppl), ("SC", .sc), ("PC", .pc)])
    func referenceMethodsMatchPerSeed(name: String, method: SelectionMethod) throws {
        let fixture = try RPCFixture.load()
        let result = try EvaluationProtocol(ks: RPCFixture.ks).run(
            fixture.pool, methods: [method.aggregator], equivalence: fixture.equality)
        let curve = try #require(result.curve(method.rawValue))
        for k in RPCFixture.ks {
            let point = try #require(curve.point(k))
            let expected = fixture.oracle.perSeed(name, k: k)
            try #require(point.perSeed.count == expected.count)
            for (ours, theirs) in zip(point.perSeed, expected) {
                let context = "\(name) K \(k) seed \(theirs.seed)"
                #expect(ours.seed == theirs.seed)
                #expect(abs(ours.metrics.accuracy - theirs.accuracy) <= 1e-9, "\(context) accuracy")
                #expect(abs(ours.metrics.ece - theirs.ece) <= 1e-9, "\(context) ECE")
                #expect(abs(ours.metrics.brier - theirs.brier) <= 1e-9, "\(context) Brier")
                #expect(abs(ours.metrics.nll - theirs.nll) <= 1e-9, "\(context) NLL")
            }
            let summary = point.summary
            let reference = fixture.oracle.summary(name, k: k)
            #expect(abs(summary.accuracyMean - reference.accuracyMean) <= 1e-9, "\(name) K \(k)")
            #expect(abs(summary.accuracyStd - reference.accuracyStd) <= 1e-9, "\(name) K \(k)")
            #expect(abs(summary.eceMean - reference.eceMean) <= 1e-9, "\(name) K \(k)")
            #expect(abs(summary.eceStd - reference.eceStd) <= 1e-9, "\(name) K \(k)")
        }
    }

    /// Cells run concurrently by default; the results equal a sequential run exactly.
    @Test func concurrentRunEqualsSequentialRun() throws {
        let fixture = try RPCFixture.load()
        let methods = SelectionMethod.reference.map(\.aggregator)
        let concurrent = try EvaluationProtocol(ks: [1, 4, 16], seeds: [0, 3, 7]).run(
            fixture.pool, methods: methods, equivalence: fixture.equality)
        let sequential = try EvaluationProtocol(ks: [1, 4, 16], seeds: [0, 3, 7], concurrent: false).run(
            fixture.pool, methods: methods, equivalence: fixture.equality)
        #expect(concurrent == sequential)
        #expect(concurrent.methods.map(\.method) == ["ppl", "sc", "pc", "rpc"])
    }

    /// RPC with the reference's fitted parameters for every (K, seed, problem): per-seed metrics within
    /// 1e-9, i.e. pruning plus PC aggregation reproduce the reference exactly.
    @Test func rpcMatchesPerSeedGivenTheReferenceFits() throws {
        let fixture = try RPCFixture.load()
        let tables = fixture.tables()
        let evaluation = EvaluationProtocol(ks: RPCFixture.ks)
        for k in RPCFixture.ks {
            let expected = fixture.oracle.perSeed("RPC", k: k)
            for seed in 0..<10 {
                let replay = ReplayedFits(mixtures: fixture.fits[k]![seed].map { WeibullMixture(parameters: $0.rawX)! })
                let selections = try evaluation.select(
                    fixture.pool, tables: tables, positions: fixture.positions(k: k, seed: seed), method: replay)
                let ours = CalibrationMetrics.measure(selections)
                let theirs = expected[seed]
                let context = "RPC K \(k) seed \(seed)"
                #expect(abs(ours.accuracy - theirs.accuracy) <= 1e-9, "\(context) accuracy")
                #expect(abs(ours.ece - theirs.ece) <= 1e-9, "\(context) ECE")
                #expect(abs(ours.brier - theirs.brier) <= 1e-9, "\(context) Brier")
                #expect(abs(ours.nll - theirs.nll) <= 1e-9, "\(context) NLL")
            }
        }
    }

    /// End to end with our own fit: RPC accuracy and ECE means within ±2 points of the reference at every K
    /// (the README's suggested bound is 1.5; deltas are printed).
    @Test func rpcEndToEndWithinTwoPoints() throws {
        let fixture = try RPCFixture.load()
        let result = try EvaluationProtocol(ks: RPCFixture.ks).run(
            fixture.pool, methods: [ReasoningPruningConsistency()], equivalence: fixture.equality)
        let curve = try #require(result.curve("rpc"))
        var lines: [String] = []
        for k in RPCFixture.ks {
            let summary = try #require(curve.point(k)).summary
            let reference = fixture.oracle.summary("RPC", k: k)
            let accuracyDelta = summary.accuracyMean - reference.accuracyMean
            let eceDelta = summary.eceMean - reference.eceMean
            lines.append(String(
                format: "K %2d: accuracy %.4f (reference %.4f, Δ %+.4f), ECE×100 %.4f (reference %.4f, Δ %+.4f)", k,
                summary.accuracyMean, reference.accuracyMean, accuracyDelta, summary.eceMean, reference.eceMean,
                eceDelta))
            #expect(abs(accuracyDelta) <= 2, "K \(k) accuracy")
            #expect(abs(eceDelta) <= 2, "K \(k) ECE")
            for (ours, theirs) in zip(try #require(curve.point(k)).perSeed, fixture.oracle.perSeed("RPC", k: k)) {
                #expect(abs(ours.metrics.accuracy - theirs.accuracy) <= 5, "K \(k) seed \(ours.seed)")
            }
        }
        print("RPC end to end, own fit vs reference:\n" + lines.joined(separator: "\n"))
    }
}

/// RPC with given mixtures, one per problem (by pool index): replays the reference's fits.
struct ReplayedFits: Aggregator {
    var mixtures: [WeibullMixture]
    var name: String { "rpc" }

    func select(_ problem: ProblemPaths, answers: AnswerTable) throws(SelectError) -> Selection {
        try ReasoningPruningConsistency().select(problem, answers: answers, mixture: mixtures[Int(problem.problem)!])
    }
}
