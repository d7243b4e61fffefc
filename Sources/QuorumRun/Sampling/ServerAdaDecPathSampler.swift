import Foundation
import QuorumCore
import QuorumDecode
import QuorumHTTP

/// Samples paths with AdaDec over OpenAI-compatible servers (``ServerAdaDec``): greedy chunks with the top-20
/// log-probabilities, paused where the top-k entropy estimate reaches τ, candidates reranked by greedy
/// roll-out requests. AdaDec is deterministic, so runs use `--samples 1`. Cost: the server's generated and
/// prefilled tokens (roll-outs and discarded chunk tails included), paused fraction, changed steps, roll-out
/// tokens (`extra_forward_passes`) and requests; FLOPs 0 (a server does not say its parameter count).
public struct ServerAdaDecPathSampler: PathSampler {
    /// The backend (owned by the caller, who shuts it down).
    public let backend: any CompletionBackend
    public let modelIdentity: String
    public var modelName: String { modelIdentity }
    public var parameterCount: Int? { nil }
    public let concurrentProblems: Int
    /// Alternatives asked per position.
    public let topLogprobs: Int

    /// A sampler for `servedModel` on `backend`.
    public init(backend: any CompletionBackend, servedModel: String, concurrentProblems: Int = 2, topLogprobs: Int = 20) {
        self.backend = backend
        modelIdentity = servedModel
        self.concurrentProblems = max(1, concurrentProblems)
        self.topLogprobs = topLogprobs
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        guard let options = job.decoder.adadec else { throw RunError.invalidSettings("AdaDec settings missing") }
        let decoder = ServerAdaDec(
            configuration: AdaDec.Configuration(
                threshold: options.threshold, lookahead: options.lookahead, candidates: options.candidates,
                maxTokens: job.decoder.maxTokens, stop: job.stop),
            topLogprobs: topLogprobs)
        var paths: [SampledPath] = []
        for i in job.wanted {
            let start = ContinuousClock.now
            let r = try await decoder.generate(backend: backend, prompt: job.prompt)
            let elapsed = start.duration(to: .now)
            var extra = Cost()
            extra.pausedFraction = r.pausedFraction
            extra.extraForwardPasses = r.rolloutTokens
            extra.changedSteps = r.changedSteps
            extra.requests = r.requests
            let usage = [modelName: Cost.ModelUsage(generated: r.generatedTokens, prefilled: r.prefilledTokens)]
            paths.append(SampledPath(
                path: i, seed: job.seeds[i], text: r.text, finish: r.finish, tokens: r.tokens, logprobs: r.logprobs,
                promptTokens: r.promptTokens ?? 0, generatedTokens: r.logprobs.count,
                seconds: elapsed.seconds,
                usage: usage, decoderCost: extra))
        }
        return paths
    }
}
