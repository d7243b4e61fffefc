import Foundation

/// Bounds on the entropy of a next-token distribution known only through its K most likely tokens (a server's
/// top log-probabilities, or the top K of a full distribution reduced on purpose so that a threshold learned
/// on the embedded engine matches what a server reports; docs/decoders.md).
public struct EntropyBounds: Sendable, Hashable {
    /// A lower bound in nats: the top-K terms plus the tail mass `m` times `−log p_K`, since no tail token is
    /// likelier than the K-th.
    public var lower: Double
    /// An upper bound in nats: the top-K terms plus the tail spread evenly over the rest of the vocabulary,
    /// `m · log((V − K) / m)`; `nil` when the vocabulary size is not given.
    public var upper: Double?
    /// Probability mass outside the top K (`1 − Σ p_i`, clipped at 0).
    public var tailMass: Double

    /// The bounds from the natural-log probabilities of the K most likely tokens (any order); `nil` when none
    /// is positive.
    /// - Parameter vocabularySize: the model's vocabulary size, for the upper bound.
    public init?(topLogprobs: [Double], vocabularySize: Int? = nil) {
        let probabilities = topLogprobs.map { exp($0) }.filter { $0 > 0 }
        guard let smallest = probabilities.min() else { return nil }
        let head = probabilities.reduce(0) { $0 - $1 * log($1) }
        let tail = max(0, 1 - probabilities.reduce(0, +))
        let lower = head + (tail > 0 ? tail * -log(smallest) : 0)
        var upper: Double?
        if let v = vocabularySize {
            let rest = v - probabilities.count
            upper = rest > 0 && tail > 0 ? head + tail * log(Double(rest) / tail) : head
        }
        self.init(lower: lower, upper: upper.map { max($0, lower) }, tailMass: tail)
    }

    /// Bounds with the given values.
    public init(lower: Double, upper: Double?, tailMass: Double) {
        self.lower = lower
        self.upper = upper
        self.tailMass = tailMass
    }
}
