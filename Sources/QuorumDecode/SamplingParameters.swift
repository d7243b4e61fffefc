/// How the next token is chosen from a ``NextTokenDistribution``.
///
/// The steps run in this order (vLLM's): divide the log-probabilities by `temperature`, keep the `topK`
/// most likely tokens, keep the smallest most-likely set whose probability reaches `topP` (nucleus
/// sampling), drop tokens less likely than `minP` × the most likely one, then draw from what is left in
/// proportion to its (tempered) probability.
public struct SamplingParameters: Sendable, Hashable, Codable {
    /// Softmax temperature; default 1. `0` means greedy: always the most likely token (ties: lowest id).
    public var temperature: Double
    /// Keep only the k most likely tokens (Fan et al. 2018); default 0, which disables it.
    public var topK: Int
    /// Nucleus sampling: keep the smallest set of most likely tokens whose probability is at least p
    /// (Holtzman et al. 2020, arXiv 1904.09751); default 1, which disables it. Must be in (0, 1].
    public var topP: Double
    /// Min-p sampling: drop tokens whose probability is below `minP` × that of the most likely token
    /// (Nguyen et al. 2024, arXiv 2407.01082); default 0, which disables it. Must be in [0, 1].
    public var minP: Double
    /// Seed of the sampler's random generator; sample i of a request uses stream i of this seed, so each
    /// sample is reproducible on its own, whatever else runs in the same batch. Default 0.
    public var seed: UInt64

    /// Parameters with the defaults documented on each property (plain sampling at temperature 1).
    public init(temperature: Double = 1, topK: Int = 0, topP: Double = 1, minP: Double = 0, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.seed = seed
    }

    /// Always the most likely token.
    public static let greedy = SamplingParameters(temperature: 0)

    /// Whether these parameters choose deterministically (temperature 0).
    public var isGreedy: Bool { temperature == 0 }

    /// Throws for values outside their documented ranges (they are never clamped).
    public func validate() throws(DecodeError) {
        guard temperature.isFinite, temperature >= 0 else {
            throw .invalidRequest("temperature must be a finite number ≥ 0, not \(temperature)")
        }
        guard topK >= 0 else { throw .invalidRequest("top-k must be ≥ 0 (0 disables it), not \(topK)") }
        guard topP > 0, topP <= 1 else { throw .invalidRequest("top-p must be in (0, 1] (1 disables it), not \(topP)") }
        guard minP >= 0, minP <= 1 else { throw .invalidRequest("min-p must be in [0, 1] (0 disables it), not \(minP)") }
    }
}
