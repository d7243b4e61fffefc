import QuorumCore
import QuorumRun
import Testing

@Suite struct PathSeedsTests {
    @Test func seedsAreAFixedFunctionOfRunSeedProblemAndPath() {
        let seeds = PathSeeds(runSeed: 0)
        // Pinned values: changing the derivation would silently change every run's paths.
        #expect(seeds.seeds(problem: 0, count: 4) == [297_876_190, 655_984_318, 1_475_895_067, 1_618_138_361])
        #expect(seeds.seed(problem: 1, path: 0) == 577_952_960)
        #expect(seeds.seeds(problem: 3, count: 4) == (0..<4).map { seeds.seed(problem: 3, path: $0) })
    }

    @Test func seedsDifferAcrossProblemsPathsAndRunSeedsAndStayBelow2To31() {
        var all = Set<UInt32>()
        for run in [UInt64(0), 1, 12345] {
            let seeds = PathSeeds(runSeed: run)
            for problem in 0..<60 {
                for path in 0..<32 {
                    let s = seeds.seed(problem: problem, path: path)
                    #expect(s < 1 << 31)
                    all.insert(s)
                }
            }
        }
        // 5760 draws from 2^31 values: a collision is possible but very unlikely (p ≈ 0.8%).
        #expect(all.count >= 5759)
        #expect(PathSeeds(runSeed: 0).seed(problem: 1, path: 2) != PathSeeds(runSeed: 0).seed(problem: 2, path: 1))
    }
}
