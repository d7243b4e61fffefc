import Foundation
import QuorumCore
import QuorumDecode

/// Samples paths with FoReaL (``FoReaL``): a leader and a draft ``LanguageModel`` share the text, the leader
/// leading each sentence with probability p for its first n tokens. Each path's seed seeds both models'
/// samplers and the per-sentence gate. Paths are generated one after another (each is a dialogue of two
/// sequences); each model prefills the run's shared prompt prefix once (``PrefixCache``).
///
/// A path records no token ids (the two models' ids are not one vocabulary); its log-probabilities are those
/// of the kept tokens under the model that wrote each. Cost: per model generated and prefilled tokens, leader
/// share, switches.
public struct FoReaLPathSampler: PathSampler {
    /// The leader and the draft.
    public let leader: any LanguageModel, draft: any LanguageModel
    /// Their short names (keys of `cost.per_model`).
    public let leaderName: String, draftName: String
    public let modelIdentity: String
    public var modelName: String { leaderName }
    public var parameterCount: Int? { nil }
    public let parameterCounts: [String: Int]
    public var concurrentProblems: Int { 1 }
    /// Sentence delimiters (by the task kind: code ends sentences at newlines only).
    public let delimiters: FoReaL.SentenceDelimiters
    private let leaderPrefixes: PrefixCache, draftPrefixes: PrefixCache

    /// A sampler; identities are `name@sha256-prefix`.
    public init(
        leader: any LanguageModel, leaderIdentity: String, leaderName: String, leaderParameters: Int?,
        draft: any LanguageModel, draftIdentity: String, draftName: String, draftParameters: Int?,
        delimiters: FoReaL.SentenceDelimiters
    ) {
        self.leader = leader
        self.draft = draft
        self.leaderName = leaderName
        self.draftName = draftName
        modelIdentity = "foreal(leader=\(leaderIdentity),draft=\(draftIdentity))"
        var counts: [String: Int] = [:]
        counts[leaderName] = leaderParameters
        counts[draftName] = draftParameters
        parameterCounts = counts
        self.delimiters = delimiters
        leaderPrefixes = PrefixCache(model: leader)
        draftPrefixes = PrefixCache(model: draft)
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        guard let options = job.decoder.foreal else { throw RunError.invalidSettings("FoReaL settings missing") }
        let l = try await participant(leader, leaderPrefixes, job)
        let d = try await participant(draft, draftPrefixes, job)
        var paths: [SampledPath] = []
        for i in job.wanted {
            let configuration = FoReaL.Configuration(
                leadTokens: options.leadTokens, leadProbability: options.leadProbability,
                maxTokens: job.decoder.maxTokens, delimiters: delimiters, stop: job.stop,
                sampling: job.decoder.sampling(seed: job.seeds[i]))
            let start = ContinuousClock.now
            let r = try await FoReaL.generate(leader: l.participant, draft: d.participant, configuration: configuration)
            let elapsed = start.duration(to: .now)
            // Prompt tokens count as prefilled by each model, as for single-model paths.
            let usage = [
                leaderName: Cost.ModelUsage(
                    generated: r.leaderGenerated, prefilled: r.leaderPrefilled + l.prefixLength, prompt: l.promptLength),
                draftName: Cost.ModelUsage(
                    generated: r.draftGenerated, prefilled: r.draftPrefilled + d.prefixLength, prompt: d.promptLength),
            ]
            var extra = Cost()
            extra.leaderShare = r.leaderShare
            extra.switches = r.switches
            paths.append(SampledPath(
                path: i, seed: job.seeds[i], text: r.text, finish: r.finish, tokens: nil, logprobs: r.logprobs,
                promptTokens: l.promptLength, generatedTokens: r.logprobs.count,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                usage: usage, decoderCost: extra))
        }
        return paths
    }

    private func participant(
        _ model: any LanguageModel, _ cache: PrefixCache, _ job: SamplingJob
    ) async throws -> (participant: FoReaL.Participant, prefixLength: Int, promptLength: Int) {
        guard let text = model.text else { throw DecodeError.noTokenizer("FoReaL") }
        let prompt = try text.encode(job.prompt)
        if let prefix = try await cache.prefix(for: job.sharedPrefix, text: text), prompt.count > prefix.tokens.count,
            prompt.starts(with: prefix.tokens)
        {
            return (
                FoReaL.Participant(model: model, prompt: Array(prompt[prefix.tokens.count...]), prefix: prefix.sequence),
                prefix.tokens.count, prompt.count
            )
        }
        return (FoReaL.Participant(model: model, prompt: prompt), 0, prompt.count)
    }
}
