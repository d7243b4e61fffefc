import Foundation

/// Bounds on the entropy of the model's next-token distribution at one position, from the top-K
/// log-probabilities a server returns (the full distribution is not available over HTTP).
public struct EntropyBounds: Sendable, Hashable {
    /// A lower bound in nats: the top-K terms plus the tail mass `m` times `−log p_K`, since no tail token is
    /// likelier than the K-th.
    public var lower: Double
    /// An upper bound in nats: the top-K terms plus the tail spread evenly over the rest of the vocabulary,
    /// `m · log((V − K) / m)`; `nil` when the vocabulary size is not given.
    public var upper: Double?
    /// Probability mass outside the top K (`1 − Σ p_i`, clipped at 0).
    public var tailMass: Double
}

extension TokenLogprobs {
    /// Entropy bounds at `position` from its alternatives (AdaDec's pause rule over HTTP uses such an
    /// estimate; learn its threshold on the same estimate). `nil` when the position has no alternatives.
    ///
    /// The lower bound assumes the alternatives are the true top K; OpenAI's legacy form can merge two tokens
    /// with the same text into one entry, which may make it slightly loose in the other direction.
    /// - Parameter vocabularySize: the model's vocabulary size, for the upper bound.
    public func entropyBounds(at position: Int, vocabularySize: Int? = nil) -> EntropyBounds? {
        guard top.indices.contains(position) else { return nil }
        let probabilities = top[position].map { exp($0.logprob) }.filter { $0 > 0 }
        guard let smallest = probabilities.min() else { return nil }
        let head = probabilities.reduce(0) { $0 - $1 * log($1) }
        let tail = max(0, 1 - probabilities.reduce(0, +))
        let lower = head + (tail > 0 ? tail * -log(smallest) : 0)
        var upper: Double?
        if let v = vocabularySize {
            let rest = v - probabilities.count
            upper = rest > 0 && tail > 0 ? head + tail * log(Double(rest) / tail) : head
        }
        return EntropyBounds(lower: lower, upper: upper.map { max($0, lower) }, tailMass: tail)
    }
}
