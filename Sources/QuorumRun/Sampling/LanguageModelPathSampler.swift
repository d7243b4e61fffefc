import Foundation
import QuorumCore
import QuorumDecode

/// Samples paths from a ``LanguageModel`` (the embedded engine), all paths of a problem in one batch: the
/// prompt is prefilled once and every path forks it (``LanguageModel/generate(_:after:)``), and the part every
/// prompt of the run shares (``SamplingJob/sharedPrefix``, e.g. the few-shot exemplars) is prefilled once for
/// the whole run.
///
/// Shared prefix: the prefix text is tokenized, its last two tokens are dropped (a token may straddle the
/// boundary between the template's text and the question), and a prompt whose own tokens begin with those
/// tokens continues from a fork of the prefilled prefix; any other prompt is prefilled whole. So the model
/// always sees exactly the tokens of the whole prompt.
///
/// Determinism: the engine's arithmetic for a row of a batched step does not depend on the other rows, except
/// that a step with a single row takes another (equally exact, differently rounded) kernel path. So a path's
/// tokens could depend, in the last bits of its log-probabilities, on how many paths were still running with
/// it. To make every path a function of the problem's seeds alone, the sampler always generates all
/// `seeds.count` paths of a problem together and returns the wanted ones: resuming a problem cut short costs
/// its paths again but gives exactly the paths an uninterrupted run writes.
public struct LanguageModelPathSampler: PathSampler {
    /// The model.
    public let model: any LanguageModel
    public let modelIdentity: String
    public let modelName: String
    public let parameterCount: Int?
    /// Always 1: the model serialises its forward passes.
    public var concurrentProblems: Int { 1 }
    private let prefixes: PrefixCache

    /// A sampler over `model`.
    /// - Parameters:
    ///   - identity: `name@sha256-prefix`, written into every path.
    ///   - name: the model's short name, the key of `cost.per_model`.
    ///   - parameterCount: the model's parameters, for FLOPs.
    public init(model: any LanguageModel, identity: String, name: String, parameterCount: Int?) {
        self.model = model
        modelIdentity = identity
        modelName = name
        self.parameterCount = parameterCount
        prefixes = PrefixCache(model: model)
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        guard let text = model.text else { throw DecodeError.noTokenizer("sampling from a text prompt") }
        let prompt = try text.encode(job.prompt)
        var request = GenerationRequest(
            prompt: prompt, samples: job.seeds.count, sampling: job.decoder.sampling(seed: 0),
            maxTokens: job.decoder.maxTokens, stop: job.stop, seeds: job.seeds.map(UInt64.init))
        let start = ContinuousClock.now
        let generations: [Generation]
        if let prefix = try await prefixes.prefix(for: job.sharedPrefix, text: text),
            prompt.count > prefix.tokens.count, prompt.starts(with: prefix.tokens)
        {
            request.prompt = Array(prompt[prefix.tokens.count...])
            generations = try await model.generate(request, after: prefix.sequence)
        } else {
            generations = try await model.generate(request)
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let share = seconds / Double(max(1, generations.count))
        return job.wanted.map { i in
            let g = generations[i]
            return SampledPath(
                path: i, seed: job.seeds[i], text: g.text ?? "", finish: g.finish, tokens: g.tokens,
                logprobs: g.logprobs, promptTokens: prompt.count, generatedTokens: g.steps.count, seconds: share)
        }
    }
}

/// The prefilled shared prefix of the prompts of a run (one at a time: a new prefix text replaces the old).
actor PrefixCache {
    let model: any LanguageModel
    private var text: String?
    private var cached: (tokens: [Int], sequence: SequenceID)?

    init(model: any LanguageModel) { self.model = model }

    /// The prefilled sequence of `prefix`'s tokens minus the last two, or `nil` when that leaves nothing.
    func prefix(for prefix: String, text codec: any TokenText) async throws -> (tokens: [Int], sequence: SequenceID)? {
        if prefix == text { return cached }
        if let old = cached?.sequence { await model.free(old) }
        cached = nil
        text = prefix
        guard !prefix.isEmpty else { return nil }
        let tokens = Array(try codec.encode(prefix).dropLast(2))
        guard !tokens.isEmpty, tokens.count < model.contextLength else { return nil }
        let sequence = try await model.makeSequence()
        do {
            _ = try await model.prefill(sequence, tokens: tokens, distributions: 0)
        } catch {
            await model.free(sequence)
            throw error
        }
        cached = (tokens, sequence)
        return cached
    }
}
