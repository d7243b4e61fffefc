import Foundation
import QuorumCore
import QuorumDecode
import QuorumRun
import Testing

/// Early stopping (`--adaptive`): rounds, the stopping rules, resuming.
@Suite struct AdaptiveSamplingTests {
    static func plan(_ adaptive: AdaptiveStopping, samples: Int = 12) throws -> RunPlan {
        var plan = try RunSamplingTests.plan(samples: samples)
        plan.decoder.adaptive = adaptive
        return plan
    }

    static func groups(_ file: String) throws -> [String: [ReasoningPath]] {
        let groups = try PathsReader.read(file: file).groups
        return Dictionary(uniqueKeysWithValues: groups.map { ($0.problem, $0.paths.sorted { $0.path < $1.path }) })
    }

    @Test func leaderProbabilityIsTheBetaPosteriorTail() {
        // Beta(1, 1) is uniform: P(X > ½) = ½.
        #expect(abs(AdaptiveStopping.leaderProbability(a: 0, b: 0) - 0.5) < 1e-12)
        // Beta(5, 1): P(X > ½) = 1 − ½⁵.
        #expect(abs(AdaptiveStopping.leaderProbability(a: 4, b: 0) - (1 - 1.0 / 32)) < 1e-12)
        // Symmetric counts: ½.
        #expect(abs(AdaptiveStopping.leaderProbability(a: 7, b: 7) - 0.5) < 1e-12)
        // Beta(4, 2): P(X > ½) = 1 − I_½(4, 2) = 26/32 (by the binomial identity, P(Bin(5, ½) ≤ 3)).
        #expect(abs(AdaptiveStopping.leaderProbability(a: 3, b: 1) - 26.0 / 32) < 1e-12)
        // Four agreeing paths pass 0.95, three do not.
        #expect(AdaptiveStopping.leaderProbability(a: 4, b: 0) >= 0.95)
        #expect(AdaptiveStopping.leaderProbability(a: 3, b: 0) < 0.95)
    }

    /// Every problem has a whole number of rounds (or all paths); it stopped at the first round after which
    /// the rule calls it settled, and never earlier.
    @Test(arguments: [AdaptiveStopping.Rule.beta, .rpc])
    func stopsAtTheFirstSettledRound(rule: AdaptiveStopping.Rule) async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let adaptive = AdaptiveStopping(rule: rule, threshold: rule == .beta ? 0.5 : 0.4, round: 3)
        let plan = try Self.plan(adaptive)
        let report = try await RunSamplingTests.run(plan, into: dir + "/paths.jsonl")
        let groups = try Self.groups(dir + "/paths.jsonl")
        #expect(groups.count == plan.problems.count)
        var stoppedEarly = 0
        for problem in plan.problems {
            let paths = try #require(groups[problem.id])
            #expect(paths.map(\.path) == Array(0..<paths.count))
            #expect(paths.count % 3 == 0 || paths.count == 12)
            for end in stride(from: 3, to: paths.count, by: 3) {
                #expect(!adaptive.settled(Array(paths.prefix(end)), problem: problem.id, kind: .math))
            }
            if paths.count < 12 {
                stoppedEarly += 1
                #expect(adaptive.settled(paths, problem: problem.id, kind: .math))
            }
        }
        #expect(stoppedEarly > 0, "no problem stopped early: the test does not exercise stopping")
        #expect(report.pathsWritten == groups.values.reduce(0) { $0 + $1.count })
    }

    @Test func resumingAfterACutGivesTheUninterruptedRun() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plan = try Self.plan(AdaptiveStopping(rule: .beta, threshold: 0.5, round: 2), samples: 8)
        _ = try await RunSamplingTests.run(plan, into: dir + "/full.jsonl")
        let expected = try RunSamplingTests.records(dir + "/full.jsonl")
        let full = try #require(FileManager.default.contents(atPath: dir + "/full.jsonl"))
        let newlines = full.indices.filter { full[$0] == UInt8(ascii: "\n") }
        // Keep the first line whole and cut into the second: a round is completed, later rounds follow.
        try full.prefix(newlines[0] + 20).write(to: URL(fileURLWithPath: dir + "/cut.jsonl"))
        let report = try await RunSamplingTests.run(plan, into: dir + "/cut.jsonl")
        #expect(report.pathsFound == 1)
        #expect(try RunSamplingTests.records(dir + "/cut.jsonl") == expected)
        #expect(try await RunSamplingTests.run(plan, into: dir + "/cut.jsonl").pathsWritten == 0)
    }

    /// Replaying the rule on a fixed run keeps exactly the paths the adaptive run draws (the byte model's
    /// paths do not depend on which paths are generated together).
    @Test func replayOnAFixedRunMatchesTheAdaptiveRun() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rule = AdaptiveStopping(rule: .beta, threshold: 0.5, round: 3)
        _ = try await RunSamplingTests.run(try RunSamplingTests.plan(samples: 12), into: dir + "/fixed.jsonl")
        _ = try await RunSamplingTests.run(try Self.plan(rule), into: dir + "/adaptive.jsonl")
        let fixed = try RunSamplingTests.records(dir + "/fixed.jsonl")
        let adaptive = try RunSamplingTests.records(dir + "/adaptive.jsonl")
        #expect(adaptive.count < fixed.count)
        for (key, record) in adaptive { #expect(fixed[key] == record, "\(key)") }
        let replay = try AdaptiveReplay.replay(pathsFile: dir + "/fixed.jsonl", kind: .math, rule: rule)
        #expect(replay.pathsAll == fixed.count)
        #expect(replay.pathsKept == adaptive.count)
        #expect(abs(replay.saved - (1 - Double(adaptive.count) / Double(fixed.count))) < 1e-12)
    }
}
