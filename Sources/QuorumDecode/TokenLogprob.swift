/// A token id with its log-probability under the model (natural log).
public struct TokenLogprob: Sendable, Hashable, Codable {
    /// The token id.
    public var id: Int
    /// ln p(token), ≤ 0; −∞ for a token the model rules out.
    public var logprob: Double

    /// A token with its log-probability.
    public init(id: Int, logprob: Double) {
        self.id = id
        self.logprob = logprob
    }
}
