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
    /// FoReaL (leader/draft) settings, when the paths are decoded by FoReaL; `nil` otherwise.
    public var foreal: FoReaLOptions?
    /// AdaDec settings, when the paths are decoded by AdaDec; `nil` otherwise.
    public var adadec: AdaDecOptions?
    /// Early stopping (`--adaptive`): paths drawn in rounds until the selection is settled; `nil`: every
    /// problem gets all its paths.
    public var adaptive: AdaptiveStopping?

    /// Settings with the defaults documented on each property.
    public init(
        temperature: Double = 0.7, topP: Double = 1, topK: Int = 0, minP: Double = 0, maxTokens: Int = 256,
        foreal: FoReaLOptions? = nil, adadec: AdaDecOptions? = nil, adaptive: AdaptiveStopping? = nil
    ) {
        self.foreal = foreal
        self.adadec = adadec
        self.adaptive = adaptive
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.maxTokens = maxTokens
    }

    /// The decoder's name in `paths.jsonl`: `foreal`, `adadec`, else `greedy` at temperature 0 and `sample`
    /// otherwise.
    public var decoderName: String {
        if foreal != nil { return "foreal" }
        if adadec != nil { return "adadec" }
        return temperature == 0 ? "greedy" : "sample"
    }

    /// The sampling parameters of one path.
    public func sampling(seed: UInt32) -> SamplingParameters {
        SamplingParameters(temperature: temperature, topK: topK, topP: topP, minP: minP, seed: UInt64(seed))
    }

    /// The `params` object of one path's line.
    public func params(seed: UInt32) -> [String: Double] {
        var params = [
            "temperature": temperature, "top_p": topP, "top_k": Double(topK), "min_p": minP,
            "max_tokens": Double(maxTokens), "seed": Double(seed),
        ]
        if let foreal {
            params["lead_tokens"] = Double(foreal.leadTokens)
            params["lead_prob"] = foreal.leadProbability
        }
        if let adadec {
            params["threshold"] = adadec.threshold
            params["lookahead"] = Double(adadec.lookahead)
            params["candidates"] = Double(adadec.candidates)
        }
        return params
    }

    /// Throws for values outside their documented ranges (never clamped).
    public func validate() throws(RunError) {
        guard maxTokens >= 1 else { throw .invalidSettings("--max-tokens must be at least 1, not \(maxTokens)") }
        if foreal != nil, adadec != nil { throw .invalidSettings("FoReaL and AdaDec cannot be combined") }
        try foreal?.validate()
        try adadec?.validate()
        try adaptive?.validate()
        do {
            try sampling(seed: 0).validate()
        } catch {
            throw .invalidSettings(error.description)
        }
    }

    enum CodingKeys: String, CodingKey {
        case temperature, topP = "top_p", topK = "top_k", minP = "min_p", maxTokens = "max_tokens", foreal, adadec
        case adaptive
    }
}

/// FoReaL's settings in a run (docs/decoders.md).
public struct FoReaLOptions: Sendable, Hashable, Codable {
    /// The leader model (catalogue name, GGUF file or server URL) as given.
    public var leader: String
    /// The draft model as given.
    public var draft: String
    /// n: tokens the leader writes at the start of a led sentence.
    public var leadTokens: Int
    /// p: probability that the leader leads a sentence.
    public var leadProbability: Double

    /// Settings; see the properties.
    public init(leader: String, draft: String, leadTokens: Int, leadProbability: Double) {
        self.leader = leader
        self.draft = draft
        self.leadTokens = leadTokens
        self.leadProbability = leadProbability
    }

    /// Throws for values outside their ranges.
    public func validate() throws(RunError) {
        guard leadTokens >= 1 else { throw .invalidSettings("--lead-tokens must be at least 1, not \(leadTokens)") }
        guard (0...1).contains(leadProbability) else {
            throw .invalidSettings("--lead-prob must be in [0, 1], not \(leadProbability)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case leader, draft, leadTokens = "lead_tokens", leadProbability = "lead_prob"
    }
}

/// AdaDec's settings in a run (docs/decoders.md).
public struct AdaDecOptions: Sendable, Hashable, Codable {
    /// τ: the entropy (nats) at or above which a step pauses to rerank.
    public var threshold: Double
    /// L: greedy look-ahead tokens per candidate.
    public var lookahead: Int
    /// B: candidates reranked.
    public var candidates: Int
    /// Where τ came from: given (--threshold) or a stored calibration.
    public var source: ThresholdSource

    /// Where AdaDec's τ came from. Written in run.json as the string `given` or `calibrated: FILE`.
    public enum ThresholdSource: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Given on the command line (`--threshold`).
        case given
        /// The calibration stored in `file` (`quorum adadec calibrate`).
        case calibrated(file: String)

        static let calibratedPrefix = "calibrated: "

        public var description: String {
            switch self {
            case .given: "given"
            case .calibrated(let file): Self.calibratedPrefix + file
            }
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            if text == "given" {
                self = .given
            } else if text.hasPrefix(Self.calibratedPrefix) {
                self = .calibrated(file: String(text.dropFirst(Self.calibratedPrefix.count)))
            } else {
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "\"\(text)\" is neither \"given\" nor \"calibrated: FILE\""))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    /// Settings; see the properties.
    public init(threshold: Double, lookahead: Int = 5, candidates: Int = 3, source: ThresholdSource = .given) {
        self.threshold = threshold
        self.lookahead = lookahead
        self.candidates = candidates
        self.source = source
    }

    /// Throws for values outside their ranges.
    public func validate() throws(RunError) {
        guard threshold.isFinite, threshold >= 0 else {
            throw .invalidSettings("--threshold must be a finite entropy ≥ 0 (nats), not \(threshold)")
        }
        guard lookahead >= 0 else { throw .invalidSettings("--lookahead must be ≥ 0, not \(lookahead)") }
        guard candidates >= 1 else { throw .invalidSettings("--candidates must be ≥ 1, not \(candidates)") }
    }
}
