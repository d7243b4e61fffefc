import Foundation
import QuorumCore
import QuorumDecode

/// Samples paths with AdaDec (``AdaDec``) from the embedded engine: greedy decoding that pauses to rerank the
/// top candidates by greedy look-ahead where the full-vocabulary entropy reaches τ. AdaDec is deterministic,
/// so every path of a problem is the same; runs use `--samples 1`. The run's shared prompt prefix is
/// prefilled once (``PrefixCache``). Cost: paused fraction, extra forward passes (roll-out token rows
/// the main loop did not take over) and extra model calls (batched forward passes beyond greedy's).
public struct AdaDecPathSampler: PathSampler {
    /// The model.
    public let model: any LanguageModel
    public let modelIdentity: String
    public let modelName: String
    public let parameterCount: Int?
    public var concurrentProblems: Int { 1 }
    private let prefixes: PrefixCache

    /// A sampler over `model`; see ``LanguageModelPathSampler/init(model:identity:name:parameterCount:)``.
    public init(model: any LanguageModel, identity: String, name: String, parameterCount: Int?) {
        self.model = model
        modelIdentity = identity
        modelName = name
        self.parameterCount = parameterCount
        prefixes = PrefixCache(model: model)
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        guard let options = job.decoder.adadec else { throw RunError.invalidSettings("AdaDec settings missing") }
        guard let text = model.text else { throw DecodeError.noTokenizer("AdaDec") }
        let prompt = try text.encode(job.prompt)
        var rest = prompt
        var prefix: SequenceID?
        if let p = try await prefixes.prefix(for: job.sharedPrefix, text: text), prompt.count > p.tokens.count,
            prompt.starts(with: p.tokens)
        {
            rest = Array(prompt[p.tokens.count...])
            prefix = p.sequence
        }
        let configuration = AdaDec.Configuration(
            threshold: options.threshold, lookahead: options.lookahead, candidates: options.candidates,
            maxTokens: job.decoder.maxTokens, stop: job.stop)
        var paths: [SampledPath] = []
        for i in job.wanted {
            let start = ContinuousClock.now
            let r = try await AdaDec.generate(model: model, prompt: rest, prefix: prefix, configuration: configuration)
            let elapsed = start.duration(to: .now)
            var extra = Cost()
            extra.pausedFraction = r.pausedFraction
            extra.extraForwardPasses = r.extraForwardPasses
            extra.extraModelCalls = r.extraModelCalls
            extra.changedSteps = r.changedSteps
            // Roll-out rows are forward passes of this model: they count as generated tokens of its cost.
            let usage = [modelName: Cost.ModelUsage(generated: r.tokens.count + r.extraForwardPasses, prefilled: prompt.count)]
            paths.append(SampledPath(
                path: i, seed: job.seeds[i], text: r.text, finish: r.finish, tokens: r.tokens, logprobs: r.logprobs,
                promptTokens: prompt.count, generatedTokens: r.tokens.count,
                seconds: elapsed.seconds,
                usage: usage, decoderCost: extra))
        }
        return paths
    }
}
