import QuorumCore

extension TokenLogprobs {
    /// Entropy bounds at `position` from its alternatives (AdaDec's pause rule over HTTP uses the lower
    /// bound; learn its threshold on the same estimate, `quorum adadec calibrate --entropy top20`). `nil` when
    /// the position has no alternatives.
    ///
    /// The lower bound assumes the alternatives are the true top K; OpenAI's legacy form can merge two tokens
    /// with the same text into one entry, which may make it slightly loose in the other direction.
    /// - Parameter vocabularySize: the model's vocabulary size, for the upper bound.
    public func entropyBounds(at position: Int, vocabularySize: Int? = nil) -> EntropyBounds? {
        guard top.indices.contains(position) else { return nil }
        return EntropyBounds(topLogprobs: top[position].map(\.logprob), vocabularySize: vocabularySize)
    }
}
