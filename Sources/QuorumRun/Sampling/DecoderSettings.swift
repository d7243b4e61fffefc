import QuorumCore
import QuorumDecode

/// How every path of a run is decoded: the sampling parameters shared by all paths (each path adds its own
/// seed, ``PathSeeds``) and the token budget.
public struct DecoderSettings: Sendable, Hashable, Codable {
    /// Softmax temperature; `0` is greedy decoding. Default 0.7.
    public var temperature: Double
    /// Nucleus sampling mass (Holtzman et al. 2020); default 1, which disables it.
    public var topP: Double
    /// Keep the k most likely tokens (Fan et al. 2018); default 0, which disables it.
    public var topK: Int
    /// Min-p sampling (Nguyen et al. 2024); default 0, which disables it.
    public var minP: Double
    /// The most tokens per path; default 256. Must be at least 1.
    public var maxTokens: Int

    /// Settings with the defaults documented on each property.
    public init(temperature: Double = 0.7, topP: Double = 1, topK: Int = 0, minP: Double = 0, maxTokens: Int = 256) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.maxTokens = maxTokens
    }

    /// The decoder's name in `paths.jsonl`: `greedy` at temperature 0, else `sample`.
    public var decoderName: String { temperature == 0 ? "greedy" : "sample" }

    /// The sampling parameters of one path.
    public func sampling(seed: UInt32) -> SamplingParameters {
        SamplingParameters(temperature: temperature, topK: topK, topP: topP, minP: minP, seed: UInt64(seed))
    }

    /// The `params` object of one path's line.
    public func params(seed: UInt32) -> [String: Double] {
        [
            "temperature": temperature, "top_p": topP, "top_k": Double(topK), "min_p": minP,
            "max_tokens": Double(maxTokens), "seed": Double(seed),
        ]
    }

    /// Throws for values outside their documented ranges (never clamped).
    public func validate() throws(RunError) {
        guard maxTokens >= 1 else { throw .invalidSettings("--max-tokens must be at least 1, not \(maxTokens)") }
        do {
            try sampling(seed: 0).validate()
        } catch {
            throw .invalidSettings(error.description)
        }
    }

    enum CodingKeys: String, CodingKey {
        case temperature, topP = "top_p", topK = "top_k", minP = "min_p", maxTokens = "max_tokens"
    }
}
