/// One request for `n` completions of a prompt, as sent to `/v1/completions`.
///
/// Parameters left `nil` are not sent, so the server's own default applies. `topK` and `minP` are not part of
/// OpenAI's API: vLLM, SGLang, llama.cpp and Ollama accept them, OpenAI itself rejects them — leave them `nil`
/// for OpenAI.
public struct CompletionRequest: Sendable, Hashable {
    /// The prompt text, sent as is (no template is applied here).
    public var prompt: String
    /// Token ids that follow ``prompt`` (`nil`: none). With them the prompt is sent as a JSON array: the ids
    /// alone when ``prompt`` is empty (the OpenAI form every server accepts), else `[prompt, id, id, …]`,
    /// llama.cpp's mixed form (the text is tokenized, the ids are used as they are), so that text a model
    /// wrote is not re-tokenized.
    public var promptTokens: [Int]?
    /// Most tokens to generate per completion (`max_tokens`); must be ≥ 1.
    public var maxTokens: Int
    /// Softmax temperature; `0` is greedy. `nil` leaves the server default (1 for OpenAI and vLLM, 0.8 llama.cpp).
    public var temperature: Double?
    /// Nucleus sampling mass (Holtzman et al. 2019); `1` disables it.
    public var topP: Double?
    /// Keep only the `topK` most likely tokens; `0` (llama.cpp) or `-1` (vLLM) disables it.
    public var topK: Int?
    /// Drop tokens less likely than `minP` × the most likely token's probability (Nguyen et al. 2024); `0`
    /// disables it.
    public var minP: Double?
    /// Sampling seed. For `n > 1` sent as separate requests, completion `i` uses ``seed(forSample:)``.
    /// `nil` lets the server choose (not reproducible).
    public var seed: UInt32?
    /// Stop strings: generation ends before the first one (the server leaves it out of the text).
    public var stop: [String]
    /// Completions wanted; must be ≥ 1.
    public var n: Int
    /// Alternatives wanted per generated token (`logprobs` = K). `nil` asks for no log-probabilities at all;
    /// `0` asks for each sampled token's log-probability without alternatives. OpenAI allows at most 5, vLLM 20
    /// by default (`--max-logprobs`), llama.cpp any number.
    public var logprobs: Int?

    public init(
        prompt: String, maxTokens: Int, temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil,
        minP: Double? = nil, seed: UInt32? = nil, stop: [String] = [], n: Int = 1, logprobs: Int? = nil,
        promptTokens: [Int]? = nil
    ) {
        self.prompt = prompt
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.seed = seed
        self.stop = stop
        self.n = n
        self.logprobs = logprobs
    }

    /// The seed of completion `index` when the `n` completions are requested one by one: index 0 keeps
    /// ``seed`` (so `n = 1` and the first of `n = 8` agree), index `i > 0` gets a SplitMix64 mix of the seed and
    /// `i`, kept below 2³¹ because llama.cpp reads seeds as 32-bit and some servers as signed. `nil` when no
    /// seed was given.
    public func seed(forSample index: Int) -> UInt32? {
        guard let seed else { return nil }
        if index == 0 { return seed }
        return SeedMixer.derive(UInt64(seed), UInt64(index))
    }

    /// Throws ``HTTPBackendError/invalidRequest(reason:)`` when a parameter is out of range.
    public func validate() throws(HTTPBackendError) {
        func fail(_ reason: String) throws(HTTPBackendError) { throw .invalidRequest(reason: reason) }
        if n < 1 { try fail("n must be at least 1 (got \(n))") }
        if maxTokens < 1 { try fail("max_tokens must be at least 1 (got \(maxTokens))") }
        if let t = temperature, !(t.isFinite && t >= 0) { try fail("temperature must be ≥ 0 (got \(t))") }
        if let p = topP, !(p > 0 && p <= 1) { try fail("top_p must be in (0, 1] (got \(p))") }
        if let p = minP, !(p >= 0 && p <= 1) { try fail("min_p must be in [0, 1] (got \(p))") }
        if let k = logprobs, k < 0 { try fail("logprobs must be ≥ 0 (got \(k))") }
        if stop.contains("") { try fail("a stop string is empty") }
        if let ids = promptTokens, ids.contains(where: { $0 < 0 }) { try fail("a prompt token id is negative") }
    }
}
