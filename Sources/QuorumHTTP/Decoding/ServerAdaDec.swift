import QuorumCore
import QuorumDecode

/// AdaDec over an OpenAI-compatible server (docs/decoders.md, "AdaDec over HTTP"). Same rule as ``AdaDec`` on
/// the engine — greedy decoding that pauses where the entropy reaches τ and commits the best of the top-B
/// candidates after greedy roll-outs of up to L tokens, scored by ``AdaDec/score(sum:length:)`` — with the
/// entropy estimated from the server's top log-probabilities: the lower bound of ``EntropyBounds``
/// (``EntropyEstimate/top(_:)``).
///
/// Requests: a greedy chunk of up to ``chunk`` tokens with `logprobs` = K (20) is read position by position
/// until a position's estimate reaches τ; there the B candidates (the position's most likely alternatives)
/// are each rolled out by a greedy request of `max_tokens` L, concurrently. When the greedy candidate wins,
/// the chunk's later positions (which followed it) are still used; otherwise a new chunk starts after the
/// committed candidate. Prompts carry the generated tokens as ids when the server sends ids (llama.cpp's
/// `[prompt text, id, id, …]` form), so re-tokenization cannot change the text; otherwise text.
///
/// Differences from the engine version, all from what a server reports: an end-of-generation candidate is
/// recognised by its empty text; a roll-out that meets a stop string counts the tokens the server kept
/// (the server drops the stop string's own tokens); the entropy is the estimate. Two more were kept as they
/// were when the server version had its own loop (``ServerAdaDecSource``): with L = 0, or where the server
/// sent fewer than two alternatives, a step does not pause (the engine counts a pause and keeps its most
/// likely candidate); with B = 1 the one candidate is still rolled out (the engine skips that roll-out).
public struct ServerAdaDec: Sendable {
    /// The knobs shared with the engine version (τ, L, B, max tokens, stop strings).
    public var configuration: AdaDec.Configuration
    /// Alternatives asked per position (K of the estimate; vLLM allows 20 by default).
    public var topLogprobs: Int
    /// Tokens per greedy chunk.
    public var chunk: Int

    /// A decoder; see the properties.
    public init(configuration: AdaDec.Configuration, topLogprobs: Int = 20, chunk: Int = 16) {
        self.configuration = configuration
        self.topLogprobs = topLogprobs
        self.chunk = chunk
    }

    /// A completion and its cost.
    public struct Result: Sendable, Hashable {
        /// Token ids of the completion when the server sent ids (an end-of-generation token last when it ended
        /// it), else `nil`.
        public var tokens: [Int]?
        /// Raw log-probability of each committed token.
        public var logprobs: [Double]
        /// The text, cut before a stop string.
        public var text: String
        /// `.stop` or `.length`.
        public var finish: FinishReason
        /// Tokens committed (steps), those that paused, and paused steps that changed the greedy choice.
        public var steps = 0, pausedSteps = 0, changedSteps = 0
        /// Tokens the server generated for roll-outs.
        public var rolloutTokens = 0
        /// Tokens the server generated in all (chunks, discarded chunk tails and roll-outs).
        public var generatedTokens = 0
        /// Prompt tokens the server prefilled in all (prompt minus cached, as it reports).
        public var prefilledTokens = 0
        /// Prompt tokens of the first request.
        public var promptTokens: Int?
        /// Completion requests sent.
        public var requests = 0
        /// Whether the prompts carried token ids.
        public var tokenPrompts = false

        /// Paused steps over steps.
        public var pausedFraction: Double { steps == 0 ? 0 : Double(pausedSteps) / Double(steps) }
    }

    /// Decodes `prompt` on `backend`: the rule of ``AdaDec/decode(_:configuration:)`` over the server's source
    /// (``ServerAdaDecSource``).
    public func generate(backend: any CompletionBackend, prompt: String) async throws -> Result {
        let c = configuration
        guard c.threshold >= 0, !c.threshold.isNaN else { throw DecodeError.invalidRequest("τ must be an entropy ≥ 0") }
        guard c.lookahead >= 0, c.candidates >= 1, c.maxTokens >= 1, topLogprobs >= c.candidates, chunk >= 1 else {
            throw DecodeError.invalidRequest("lookahead ≥ 0, 1 ≤ candidates ≤ top log-probabilities, max tokens ≥ 1 and chunk ≥ 1 are required")
        }
        var source = ServerAdaDecSource(backend: backend, prompt: prompt, topLogprobs: topLogprobs, chunk: chunk)
        let o = try await AdaDec.decode(&source, configuration: c)
        var r = Result(tokens: nil, logprobs: o.logprobs, text: o.text, finish: o.finish)
        r.steps = o.steps
        r.pausedSteps = o.pausedSteps
        r.changedSteps = o.changedSteps
        r.rolloutTokens = source.rolloutTokens
        r.generatedTokens = source.generatedTokens
        r.prefilledTokens = source.prefilledTokens
        r.promptTokens = source.promptTokens
        r.requests = source.requests
        r.tokenPrompts = source.tokenPrompts
        if source.tokenPrompts { r.tokens = o.ids.compactMap { $0 } }
        return r
    }
}
