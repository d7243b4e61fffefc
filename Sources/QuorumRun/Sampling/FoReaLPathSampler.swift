import Foundation
import QuorumCore
import QuorumDecode
import QuorumHTTP

/// One model of a FoReaL run: a ``LanguageModel`` on the embedded engine, or an OpenAI-compatible server.
public enum FoReaLSide: Sendable {
    /// The embedded engine; `parameters` for FLOPs.
    case engine(any LanguageModel, parameters: Int?)
    /// Servers of one model (the backend is owned by the caller).
    case server(any CompletionBackend)
}

/// Samples paths with FoReaL (``FoReaL``): a leader and a draft share the text, the leader leading each sentence
/// with probability p for its first n tokens. Each path's seed seeds both models' samplers (or their
/// requests' seeds, for servers) and the per-sentence gate. Paths are generated one after another (each is a
/// dialogue of two writers); an engine model prefills the run's shared prompt prefix once (``PrefixCache``), a
/// server keeps its own prompt cache.
///
/// Either model may be a server (``ServerFoReaLWriter``: text-level handoff through `stop` strings,
/// docs/decoders.md), so engine–engine, server–server and mixed pairs all run the same loop.
///
/// A path records no token ids (the two models' ids are not one vocabulary); its log-probabilities are those
/// of the kept tokens under the model that wrote each (over a server: the tokens it reported, without the
/// delimiter it cut off). Cost: per model generated and prefilled tokens (a server's as it reports them),
/// leader share, switches, and the requests sent to servers.
public struct FoReaLPathSampler: PathSampler {
    /// The leader and the draft.
    public let leader: FoReaLSide, draft: FoReaLSide
    /// Their short names (keys of `cost.per_model`).
    public let leaderName: String, draftName: String
    public let modelIdentity: String
    public var modelName: String { leaderName }
    public var parameterCount: Int? { nil }
    public let parameterCounts: [String: Int]
    public var concurrentProblems: Int { 1 }
    /// Sentence delimiters (by the task kind: code ends sentences at newlines only).
    public let delimiters: FoReaL.SentenceDelimiters
    private let leaderPrefixes: PrefixCache?, draftPrefixes: PrefixCache?

    /// A sampler over two engine models; identities are `name@sha256-prefix`.
    public init(
        leader: any LanguageModel, leaderIdentity: String, leaderName: String, leaderParameters: Int?,
        draft: any LanguageModel, draftIdentity: String, draftName: String, draftParameters: Int?,
        delimiters: FoReaL.SentenceDelimiters
    ) {
        self.init(
            leader: .engine(leader, parameters: leaderParameters), leaderIdentity: leaderIdentity,
            leaderName: leaderName, draft: .engine(draft, parameters: draftParameters), draftIdentity: draftIdentity,
            draftName: draftName, delimiters: delimiters)
    }

    /// A sampler over any two sides; identities are `name@sha256-prefix` for engine models and the served
    /// model's name for servers. The two names must differ (they key `cost.per_model`).
    public init(
        leader: FoReaLSide, leaderIdentity: String, leaderName: String,
        draft: FoReaLSide, draftIdentity: String, draftName: String,
        delimiters: FoReaL.SentenceDelimiters
    ) {
        self.leader = leader
        self.draft = draft
        self.leaderName = leaderName
        self.draftName = draftName
        modelIdentity = "foreal(leader=\(leaderIdentity),draft=\(draftIdentity))"
        var counts: [String: Int] = [:]
        if case .engine(_, let p) = leader { counts[leaderName] = p }
        if case .engine(_, let p) = draft { counts[draftName] = p }
        parameterCounts = counts
        self.delimiters = delimiters
        if case .engine(let m, _) = leader { leaderPrefixes = PrefixCache(model: m) } else { leaderPrefixes = nil }
        if case .engine(let m, _) = draft { draftPrefixes = PrefixCache(model: m) } else { draftPrefixes = nil }
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        guard let options = job.decoder.foreal else { throw RunError.invalidSettings("FoReaL settings missing") }
        let l = try await participant(leader, leaderPrefixes, job)
        let d = try await participant(draft, draftPrefixes, job)
        var paths: [SampledPath] = []
        for i in job.wanted {
            let sampling = job.decoder.sampling(seed: job.seeds[i])
            let configuration = FoReaL.Configuration(
                leadTokens: options.leadTokens, leadProbability: options.leadProbability,
                maxTokens: job.decoder.maxTokens, delimiters: delimiters, stop: job.stop, sampling: sampling)
            let start = ContinuousClock.now
            let lw = try await writer(leader, l, sampling, stream: 0, job)
            let dw: any FoReaLWriter
            do { dw = try await writer(draft, d, sampling, stream: 1, job) } catch {
                await lw.close()
                throw error
            }
            let r: FoReaL.Result
            do {
                r = try await FoReaL.generate(leader: lw, draft: dw, configuration: configuration)
                await lw.close()
                await dw.close()
            } catch {
                await lw.close()
                await dw.close()
                throw error
            }
            let elapsed = start.duration(to: .now)
            // Prompt tokens count as prefilled by each engine model, as for single-model paths; a server reports
            // what it prefilled itself.
            let leaderPrompt = (lw as? ServerFoReaLWriter)?.promptTokens ?? l?.promptLength
            let draftPrompt = (dw as? ServerFoReaLWriter)?.promptTokens ?? d?.promptLength
            let usage = [
                leaderName: Cost.ModelUsage(
                    generated: r.leaderGenerated, prefilled: r.leaderPrefilled + (l?.prefixLength ?? 0),
                    prompt: leaderPrompt, seconds: r.leaderSeconds),
                draftName: Cost.ModelUsage(
                    generated: r.draftGenerated, prefilled: r.draftPrefilled + (d?.prefixLength ?? 0), prompt: draftPrompt,
                    seconds: r.draftSeconds),
            ]
            var extra = Cost()
            extra.leaderShare = r.leaderShare
            extra.switches = r.switches
            if lw is ServerFoReaLWriter || dw is ServerFoReaLWriter { extra.requests = r.leaderRequests + r.draftRequests }
            paths.append(SampledPath(
                path: i, seed: job.seeds[i], text: r.text, finish: r.finish, tokens: nil, logprobs: r.logprobs,
                promptTokens: leaderPrompt ?? 0, generatedTokens: r.logprobs.count,
                seconds: elapsed.seconds,
                usage: usage, decoderCost: extra))
        }
        return paths
    }

    private func writer(
        _ side: FoReaLSide, _ p: (participant: FoReaL.Participant, prefixLength: Int, promptLength: Int)?,
        _ sampling: SamplingParameters, stream: UInt64, _ job: SamplingJob
    ) async throws -> any FoReaLWriter {
        switch side {
        case .engine:
            return try await FoReaL.engineWriter(p!.participant, sampling: sampling, stream: stream)
        case .server(let backend):
            return ServerFoReaLWriter(backend: backend, prompt: job.prompt, stream: stream, seed: sampling.seed)
        }
    }

    private func participant(
        _ side: FoReaLSide, _ cache: PrefixCache?, _ job: SamplingJob
    ) async throws -> (participant: FoReaL.Participant, prefixLength: Int, promptLength: Int)? {
        guard case .engine(let model, _) = side, let cache else { return nil }
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
