import Foundation
import QuorumCore
import QuorumDecode
import Testing
@testable import QuorumEngine

/// FoReaL and AdaDec on the real models (few tokens): accounting, determinism, and the limits where each
/// reduces to plain greedy decoding.
@Suite(.serialized) struct DecoderModelTests {
    static let prompt = "Q: Tom has 3 apples and buys 4 more. How many apples does he have?\nA: Let's think step by step."

    static func model(_ name: String) throws -> EngineModel {
        try #require(ModelFiles.exists(name), Comment(rawValue: ModelFiles.missingMessage + " (\(name))"))
        return try EngineModel(path: ModelFiles.path(name))
    }

    static func tokens(_ model: EngineModel, _ text: String) throws -> [Int] { try #require(model.text).encode(text) }

    @Test func truncateDropsTokensAndCachePositions() async throws {
        let m = try Self.model("smollm2-135m")
        let p = try Self.tokens(m, Self.prompt)
        let s = await m.makeSequence()
        let whole = try await m.prefill(s, tokens: p, distributions: 1)[0]
        let t = await m.makeSequence()
        _ = try await m.prefill(t, tokens: p + [42, 43, 44], distributions: 0)
        try await m.truncate(t, to: p.count - 1)
        let again = try await m.prefill(t, tokens: [p.last!], distributions: 1)[0]
        #expect(try await m.tokens(of: t) == p)
        #expect(again.argmax == whole.argmax)
        #expect(abs(again.entropy - whole.entropy) < 1e-3)
        await #expect(throws: DecodeError.self) { try await m.truncate(t, to: p.count + 1) }
        await m.free(s)
        await m.free(t)
    }

    /// With one model as leader and draft, FoReaL's text handoff must give what greedy decoding gives.
    @Test func sameModelAsLeaderAndDraftIsGreedyDecoding() async throws {
        let m = try Self.model("smollm2-135m")
        let p = try Self.tokens(m, Self.prompt)
        let greedy = try await m.generate(GenerationRequest(prompt: p, maxTokens: 40, stop: ["\nQ:"]))[0]
        let r = try await FoReaL.generate(
            leader: .init(model: m, prompt: p), draft: .init(model: m, prompt: p),
            configuration: .init(leadTokens: 4, leadProbability: 0.5, maxTokens: 40, stop: ["\nQ:"]))
        #expect(r.text == greedy.text)
        #expect(await m.sequenceCount == 0)
    }

    @Test func leaderAndDraftAccountingAndSeededGate() async throws {
        let leader = try Self.model("qwen2.5-coder-0.5b"), draft = try Self.model("smollm2-135m")
        let pl = try Self.tokens(leader, Self.prompt), pd = try Self.tokens(draft, Self.prompt)
        func run(_ n: Int, _ p: Double, seed: UInt64 = 3) async throws -> FoReaL.Result {
            var sampling = SamplingParameters(temperature: 0.7)
            sampling.seed = seed
            return try await FoReaL.generate(
                leader: .init(model: leader, prompt: pl), draft: .init(model: draft, prompt: pd),
                configuration: .init(leadTokens: n, leadProbability: p, maxTokens: 30, stop: ["\nQ:"], sampling: sampling))
        }
        let mixed = try await run(3, 1)
        #expect(mixed.leaderKept + mixed.draftKept == mixed.logprobs.count)
        #expect(mixed.leaderGenerated >= mixed.leaderKept)
        #expect(mixed.draftGenerated == mixed.draftKept)
        #expect(mixed.ledSentences == mixed.sentences)
        #expect(mixed.leaderKept > 0 && mixed.draftKept > 0, "n = 3 leaves sentences for the draft to finish")
        #expect(mixed.leaderPrefilled >= pl.count)
        #expect(mixed.draftPrefilled > pd.count, "the draft prefills the leader's text")
        // Deterministic given the seed; another seed differs.
        #expect(try await run(3, 1) == mixed)
        // p = 0: the leader writes nothing and prefills only the prompt.
        let draftOnly = try await run(3, 0)
        #expect(draftOnly.leaderGenerated == 0 && draftOnly.leaderKept == 0 && draftOnly.leaderPrefilled == pl.count)
        #expect(draftOnly.switches == 0)
        // p = 1 and n past the budget: the leader writes every sentence whole.
        let leaderOnly = try await run(64, 1)
        #expect(leaderOnly.draftGenerated == 0 && leaderOnly.leaderShare == 1)
        let (ls, ds) = (await leader.sequenceCount, await draft.sequenceCount)
        #expect(ls == 0 && ds == 0)
    }

    @Test func adadecAtInfiniteThresholdIsGreedyAndAtZeroAlwaysPauses() async throws {
        let m = try Self.model("smollm2-135m")
        let p = try Self.tokens(m, Self.prompt)
        let greedy = try await m.generate(GenerationRequest(prompt: p, maxTokens: 20, stop: ["\nQ:"]))[0]
        let never = try await AdaDec.generate(
            model: m, prompt: p, configuration: .init(threshold: 1e9, maxTokens: 20, stop: ["\nQ:"]))
        #expect(never.tokens == greedy.tokens)
        #expect(never.text == greedy.text)
        #expect(never.pausedSteps == 0 && never.extraForwardPasses == 0)
        let always = try await AdaDec.generate(
            model: m, prompt: p, configuration: .init(threshold: 0, lookahead: 3, candidates: 2, maxTokens: 20, stop: ["\nQ:"]))
        #expect(always.pausedSteps == always.steps && always.pausedFraction == 1)
        #expect(always.extraForwardPasses > 0 && always.extraForwardPasses <= always.steps * 2 * 3)
        #expect(always.reusedRows > 0, "the chosen roll-outs are taken over")
        #expect(always.extraModelCalls == always.rolloutCalls - always.reusedRows)
        #expect(always.mainForwardPasses + always.reusedRows == always.tokens.count - 1, "every token but the last is fed once")
        #expect(always.logprobs.count == always.tokens.count)
        #expect(await m.sequenceCount == 0)
    }

    /// AdaDec written the plain way — every paused step rolls the candidates out on fresh forks and the main
    /// loop computes every step itself — to check that taking the chosen roll-out over changes nothing.
    static func plainAdaDec(_ m: EngineModel, _ p: [Int], tau: Double, lookahead: Int, candidates: Int, maxTokens: Int)
        async throws -> [Int]
    {
        let s = await m.makeSequence()
        var d = try await m.prefill(s, tokens: p, distributions: 1)[0]
        var out: [Int] = []
        let eog = m.endOfGenerationTokens
        while out.count < maxTokens {
            var token = d.argmax
            if d.entropy >= tau {
                var best = (score: -Double.infinity, token: token)
                for c in d.top(candidates) {
                    var sum = c.logprob, length = 0
                    if !eog.contains(c.id) {
                        let f = try await m.fork(s)
                        var e = try await m.step([StepRow(sequence: f, token: c.id)])[0]
                        while length < lookahead {
                            let t = e.argmax
                            if eog.contains(t) { break }
                            sum += e.logprob(of: t)!
                            length += 1
                            if length == lookahead { break }
                            e = try await m.step([StepRow(sequence: f, token: t)])[0]
                        }
                        await m.free(f)
                    }
                    let score = sum / Double(1 + length)
                    if score > best.score { best = (score, c.id) }
                }
                token = best.token
            }
            out.append(token)
            if eog.contains(token) || out.count == maxTokens { break }
            d = try await m.step([StepRow(sequence: s, token: token)])[0]
        }
        await m.free(s)
        return out
    }

    @Test(arguments: [0.0, 0.8, 2.0])
    func takingTheChosenRolloutOverGivesThePlainResult(tau: Double) async throws {
        let m = try Self.model("smollm2-135m")
        let p = try Self.tokens(m, Self.prompt)
        let plain = try await Self.plainAdaDec(m, p, tau: tau, lookahead: 4, candidates: 3, maxTokens: 32)
        let r = try await AdaDec.generate(
            model: m, prompt: p, configuration: .init(threshold: tau, lookahead: 4, candidates: 3, maxTokens: 32))
        #expect(r.tokens == plain)
        #expect(r.pausedSteps > 0)
        #expect(r.reusedRows > 0)
        #expect(r.extraModelCalls < r.rolloutCalls)
        #expect(await m.sequenceCount == 0)
    }

    @Test func truncatingPositionsSharedWithAForkIsRefused() async throws {
        let m = try Self.model("smollm2-135m")
        let p = try Self.tokens(m, Self.prompt)
        let s = await m.makeSequence()
        _ = try await m.prefill(s, tokens: p, distributions: 0)
        let f = try await m.fork(s)
        _ = try await m.step([StepRow(sequence: f, token: 42)])
        await #expect(throws: DecodeError.self) { try await m.truncate(f, to: p.count - 1) }
        try await m.truncate(f, to: p.count)
        #expect(try await m.tokens(of: f) == p)
        await m.free(s)
        await m.free(f)
    }

    @Test func teacherForcingRecordsOnePositionPerSolutionToken() async throws {
        let m = try Self.model("smollm2-135m")
        let p = try Self.tokens(m, Self.prompt)
        let solution = try Self.tokens(m, " Tom has 3 + 4 = 7 apples. The answer is 7.")
        let positions = try await AdaDecCalibration.positions(model: m, prompt: p, solution: solution)
        #expect(positions.count == solution.count)
        // The first position is the distribution after the prompt: its entropy is the generation's first.
        let first = try await m.generate(GenerationRequest(prompt: p, maxTokens: 1))[0]
        #expect(abs(positions[0].entropy - first.steps[0].entropy) < 1e-3)
        #expect(positions[0].wrong == (first.tokens[0] != solution[0]))
        #expect(await m.sequenceCount == 0)
    }
}
