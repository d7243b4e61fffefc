import QuorumCore

/// One generated token with what the model thought of it.
public struct GenerationStep: Sendable, Hashable, Codable {
    /// The token chosen (or forced).
    public var token: Int
    /// Its raw log-probability under the model, before temperature and truncation.
    public var logprob: Double
    /// Entropy of the full next-token distribution, in nats.
    public var entropy: Double
    /// The most likely tokens at this step, most likely first (empty unless requested).
    public var top: [TokenLogprob]

    /// A step; see the properties.
    public init(token: Int, logprob: Double, entropy: Double, top: [TokenLogprob]) {
        self.token = token
        self.logprob = logprob
        self.entropy = entropy
        self.top = top
    }
}

/// One completion produced by ``LanguageModel/generate(_:)``.
public struct Generation: Sendable, Hashable {
    /// The sample's index within its request (its sampler draws from stream `index` of the seed).
    public var index: Int
    /// Every generated token, in order.
    public var steps: [GenerationStep]
    /// The completion's text, cut before a stop string; `nil` when the model has no ``TokenText``.
    public var text: String?
    /// Why generation ended: `.stop` (stop string or end-of-generation token) or `.length` (token limit or
    /// context full).
    public var finish: FinishReason

    /// A completion; see the properties.
    public init(index: Int, steps: [GenerationStep], text: String?, finish: FinishReason) {
        self.index = index
        self.steps = steps
        self.text = text
        self.finish = finish
    }

    /// The generated token ids.
    public var tokens: [Int] { steps.map(\.token) }
    /// Raw log-probability of each generated token.
    public var logprobs: [Double] { steps.map(\.logprob) }
}
