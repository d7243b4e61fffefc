import Foundation
import QuorumCore
import QuorumDecode

/// Samples paths from a ``LanguageModel`` (the embedded engine), all paths of a problem in one batch: the
/// prompt is prefilled once and every path forks it (``LanguageModel/generate(_:)``).
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
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        guard let text = model.text else { throw DecodeError.noTokenizer("sampling from a text prompt") }
        let prompt = try text.encode(job.prompt)
        let request = GenerationRequest(
            prompt: prompt, samples: job.seeds.count, sampling: job.decoder.sampling(seed: 0),
            maxTokens: job.decoder.maxTokens, stop: job.stop, seeds: job.seeds.map(UInt64.init))
        let start = ContinuousClock.now
        let generations = try await model.generate(request)
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
