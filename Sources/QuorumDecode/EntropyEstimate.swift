import QuorumCore

/// Which entropy AdaDec's pause rule and its calibration use (docs/decoders.md).
///
/// - `full`: the exact entropy over the whole vocabulary (the embedded engine).
/// - `top(k)`: the lower bound of ``EntropyBounds`` from the k most likely tokens only — what an
///   OpenAI-compatible server's `top_logprobs` allow. The engine's full distribution reduced to its top k gives
///   the same number a server of the same model reports, so a τ learned this way on the engine applies to the
///   server.
public enum EntropyEstimate: Sendable, Hashable, Codable, CustomStringConvertible {
    case full
    case top(Int)

    /// `full` or `topK` (e.g. `top20`); `nil` for anything else or k < 1.
    public init?(name: String) {
        if name == "full" {
            self = .full
        } else if name.hasPrefix("top"), let k = Int(name.dropFirst(3)), k >= 1 {
            self = .top(k)
        } else {
            return nil
        }
    }

    /// `full` or `topK`.
    public var description: String {
        switch self {
        case .full: "full"
        case .top(let k): "top\(k)"
        }
    }

    /// The estimate for a next-token distribution: its entropy, or the lower bound from its top k.
    public func value(of d: NextTokenDistribution) -> Double {
        switch self {
        case .full: d.entropy
        case .top(let k): Self.lowerBound(d.top(k).map(\.logprob))
        }
    }

    /// The top-k lower bound from log-probabilities (+∞ when none is given: nothing is known).
    public static func lowerBound(_ logprobs: [Double]) -> Double {
        EntropyBounds(topLogprobs: logprobs)?.lower ?? .infinity
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let e = EntropyEstimate(name: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not full or topK: \(name)"))
        }
        self = e
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
