import QuorumCore

/// Token counts as a server reports them in `usage`.
public struct TokenUsage: Sendable, Hashable {
    /// Prompt tokens prefilled; `nil` when the server did not say.
    public var promptTokens: Int?
    /// Tokens generated; `nil` when the server did not say.
    public var completionTokens: Int?
    /// Of the prompt tokens, those the server took from its prompt cache instead of prefilling them
    /// (`usage.prompt_tokens_details.cached_tokens`, as OpenAI, vLLM with prefix caching and llama.cpp send
    /// it); `nil` when the server did not say.
    public var cachedPromptTokens: Int?

    public init(promptTokens: Int? = nil, completionTokens: Int? = nil, cachedPromptTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
    }

    /// Prompt tokens the server prefilled for this request: `promptTokens − cachedPromptTokens` when both are
    /// known, else `promptTokens` (every prompt token counted as prefilled), else `nil`.
    public var prefilledTokens: Int? {
        guard let promptTokens else { return nil }
        return max(0, promptTokens - (cachedPromptTokens ?? 0))
    }
}

/// One completion returned by a server, with what it cost.
public struct Completion: Sendable, Hashable {
    /// Position within the request's `n` completions, 0-based.
    public var index: Int
    /// The generated text (without the stop string that ended it).
    public var text: String
    /// Why generation ended: `stop` (stop string or end of sequence), `length` (max_tokens reached), or
    /// `aborted` (anything else the server said, kept in ``serverFinishReason``).
    public var finish: FinishReason
    /// The server's `finish_reason` verbatim (`nil` when it sent none).
    public var serverFinishReason: String?
    /// The stop string that ended generation, when the server says which (vLLM's `stop_reason`, llama.cpp's
    /// `stopping_word`).
    public var stopSequence: String?
    /// Per-token log-probabilities; `nil` when none were requested or the server sent none.
    public var logprobs: TokenLogprobs?
    /// This completion's tokens: the prompt's count as reported, and its own generated count (the number of
    /// log-probability entries when present; the server's count when the response held only this completion;
    /// otherwise `nil`).
    public var usage: TokenUsage
    /// The server's `usage` for the whole HTTP response that carried this completion (shared by
    /// ``choicesInResponse`` completions when the server generated several in one request).
    public var responseUsage: TokenUsage
    /// How many completions the HTTP response carried.
    public var choicesInResponse: Int
    /// The seed sent with the request that produced this completion.
    public var seed: UInt32?
    /// The model name sent (given, or discovered through `/v1/models`).
    public var model: String
    /// The endpoint that answered, e.g. `http://127.0.0.1:8080/v1`.
    public var endpoint: String
    /// Attempts made, 1 when the first succeeded.
    public var attempts: Int
    /// Wall-clock seconds of the successful HTTP exchange (shared when ``choicesInResponse`` > 1).
    public var seconds: Double

    public init(
        index: Int, text: String, finish: FinishReason, serverFinishReason: String? = nil,
        stopSequence: String? = nil, logprobs: TokenLogprobs? = nil, usage: TokenUsage = TokenUsage(),
        responseUsage: TokenUsage = TokenUsage(), choicesInResponse: Int = 1, seed: UInt32? = nil,
        model: String, endpoint: String, attempts: Int = 1, seconds: Double = 0
    ) {
        self.index = index
        self.text = text
        self.finish = finish
        self.serverFinishReason = serverFinishReason
        self.stopSequence = stopSequence
        self.logprobs = logprobs
        self.usage = usage
        self.responseUsage = responseUsage
        self.choicesInResponse = choicesInResponse
        self.seed = seed
        self.model = model
        self.endpoint = endpoint
        self.attempts = attempts
        self.seconds = seconds
    }

    /// The cost record of `paths.jsonl`: prompt and generated tokens (0 where unknown), seconds, and the
    /// per-model split under ``model``. FLOPs are left at 0: a server does not say its parameter count.
    public var cost: Cost {
        let prompt = usage.promptTokens ?? 0
        let generated = usage.completionTokens ?? 0
        return Cost(
            promptTokens: prompt, generatedTokens: generated, seconds: seconds,
            perModel: [model: Cost.ModelUsage(generated: generated, prefilled: prompt)])
    }
}
