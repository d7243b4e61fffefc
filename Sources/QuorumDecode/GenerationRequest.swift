/// What ``LanguageModel/generate(_:)`` should produce: `samples` completions of one prompt.
public struct GenerationRequest: Sendable, Hashable {
    /// The prompt's token ids (at least one).
    public var prompt: [Int]
    /// How many completions; they share the prefilled prompt. Default 1.
    public var samples: Int
    /// How tokens are chosen; sample i draws from stream i of `sampling.seed` (or from ``seeds``). Default
    /// greedy.
    public var sampling: SamplingParameters
    /// One seed per sample, or `nil` (the default): sample i then draws from stream 0 of `seeds[i]` instead of
    /// stream i of `sampling.seed`, so that a caller can give every sample a seed of its own (for example one
    /// derived from a problem and a path index) and reproduce any one sample by itself.
    public var seeds: [UInt64]?
    /// The most tokens per completion; default 256.
    public var maxTokens: Int
    /// Strings that end a completion; the completion's text is cut before the first one (its tokens keep
    /// the token that completed it). Needs the model's ``TokenText``. Default none.
    public var stop: [String]
    /// Whether an end-of-generation token (``LanguageModel/endOfGenerationTokens``) ends a completion; the
    /// token is kept in `tokens` but contributes no text. Default true.
    public var stopAtEndOfGeneration: Bool
    /// How many top alternatives to record at every step (0 = none). Default 0.
    public var topLogprobs: Int
    /// Tokens to feed instead of choosing, for the first `forcedTokens.count` steps (teacher forcing); every
    /// step is still recorded with the model's raw log-probabilities. Choosing resumes afterwards.
    public var forcedTokens: [Int]

    /// A request; every parameter defaults as documented on its property.
    public init(
        prompt: [Int], samples: Int = 1, sampling: SamplingParameters = .greedy, maxTokens: Int = 256,
        stop: [String] = [], stopAtEndOfGeneration: Bool = true, topLogprobs: Int = 0, forcedTokens: [Int] = [],
        seeds: [UInt64]? = nil
    ) {
        self.prompt = prompt
        self.samples = samples
        self.sampling = sampling
        self.seeds = seeds
        self.maxTokens = maxTokens
        self.stop = stop
        self.stopAtEndOfGeneration = stopAtEndOfGeneration
        self.topLogprobs = topLogprobs
        self.forcedTokens = forcedTokens
    }

    /// Throws for a request that cannot be carried out as given.
    public func validate() throws(DecodeError) {
        guard !prompt.isEmpty else { throw .invalidRequest("the prompt has no tokens") }
        guard samples >= 1 else { throw .invalidRequest("samples must be ≥ 1, not \(samples)") }
        guard maxTokens >= 0 else { throw .invalidRequest("max tokens must be ≥ 0, not \(maxTokens)") }
        guard topLogprobs >= 0 else { throw .invalidRequest("top logprobs must be ≥ 0, not \(topLogprobs)") }
        guard !stop.contains("") else { throw .invalidRequest("a stop string is empty") }
        if let seeds, seeds.count != samples {
            throw .invalidRequest("\(seeds.count) seeds given for \(samples) samples (one per sample)")
        }
        try sampling.validate()
    }
}
