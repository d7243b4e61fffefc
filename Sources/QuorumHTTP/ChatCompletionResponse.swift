import QuorumCore

/// A `/v1/chat/completions` answer (not streamed) read into values, whichever server wrote it
/// (../shared/spec/serving.md §2; issue 17, item 1 — the request side and the client come next).
///
/// Shapes read:
/// - `choices[i] = {index, message {content, reasoning_content | reasoning}, logprobs {content[]} | null,
///   finish_reason}`: the reasoning is `reasoning_content` (SGLang, llama.cpp, DeepSeek) or `reasoning` (vLLM
///   since it renamed the field, Ollama); without either, a `<think>…</think>` block that opens the content is
///   the reasoning and the rest the content.
/// - `logprobs.content[t] = {token, logprob, bytes?, top_logprobs?}`: `bytes` and `top_logprobs` may be null,
///   missing or empty; a log-probability at or below −9999 is −∞ (vLLM's stand-in).
/// - `finish_reason`: `stop`, `length`, and others (`tool_calls`, `content_filter`, SGLang's `abort`) as
///   aborted.
/// - `usage {prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens,
///   completion_tokens_details.reasoning_tokens}`, or SGLang's top-level `usage.reasoning_tokens`.
/// - SGLang may answer `n > 1` with a JSON array of responses: their choices are read in order, renumbered.
/// - An error body in any of the five forms servers send (``ServerErrorBody``) is the server's own error report.
struct ChatCompletionResponse: Sendable, Hashable {
    struct Choice: Sendable, Hashable {
        var index: Int
        /// The answer: `message.content` with a leading `<think>` block taken out.
        var content: String
        /// The thinking, when the server returned it apart or inline.
        var reasoning: String?
        /// Where ``reasoning`` came from.
        var reasoningSource: ReasoningSource?
        var serverFinishReason: String?
        var logprobs: TokenLogprobs?

        var finish: FinishReason { CompletionResponse.finish(serverFinishReason) }
    }

    /// Where a choice's reasoning text was found.
    enum ReasoningSource: String, Sendable, Hashable {
        case reasoningContent = "reasoning_content"
        case reasoning
        case inlineThink = "think"
    }

    var choices: [Choice]
    var usage: TokenUsage
    /// `usage.completion_tokens_details.reasoning_tokens` (OpenAI) or `usage.reasoning_tokens` (SGLang).
    var reasoningTokens: Int?
    var model: String?

    /// vLLM writes −∞ as this number.
    static let negativeInfinityStandIn = -9999.0

    /// Reads a response body; failures carry the JSON path of the offending value.
    static func parse(_ bytes: [UInt8]) throws(JSONCursor.Failure) -> ChatCompletionResponse {
        let root = JSONCursor(try JSONValue.parse(bytes))
        if case .array = root.value {
            // SGLang's n > 1: one response per choice.
            let parts = try root.array()
            guard !parts.isEmpty else { throw root.fail("an empty array, not a chat completion") }
            var merged = try parseOne(parts[0])
            for part in parts.dropFirst() {
                let next = try parseOne(part)
                merged.choices += next.choices
                merged.usage.completionTokens = sum(merged.usage.completionTokens, next.usage.completionTokens)
                merged.reasoningTokens = sum(merged.reasoningTokens, next.reasoningTokens)
            }
            for i in merged.choices.indices { merged.choices[i].index = i }
            return merged
        }
        return try parseOne(root)
    }

    private static func sum(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return a ?? b }
        return a + b
    }

    private static func parseOne(_ root: JSONCursor) throws(JSONCursor.Failure) -> ChatCompletionResponse {
        _ = try root.object()
        if let message = ServerErrorBody.message(root) {
            throw root.fail("the server reported an error: \(message)")
        }
        var choices: [Choice] = []
        for (position, item) in try root.required("choices").array().enumerated() {
            let message = try item.required("message")
            var content = try message["content"]?.string() ?? ""
            var reasoning: String?
            var source: ReasoningSource?
            if let r = message["reasoning_content"] {
                reasoning = try r.string()
                source = .reasoningContent
            } else if let r = message["reasoning"] {
                reasoning = try r.string()
                source = .reasoning
            } else if let split = Self.splitThink(content) {
                reasoning = split.reasoning
                content = split.content
                source = .inlineThink
            }
            let logprobs = try item["logprobs"]?["content"].map { c throws(JSONCursor.Failure) in
                try CompletionResponse.parseContentItems(c, negativeInfinityAt: negativeInfinityStandIn)
            }
            choices.append(Choice(
                index: try item["index"]?.int() ?? position, content: content, reasoning: reasoning,
                reasoningSource: source, serverFinishReason: try item["finish_reason"]?.string(), logprobs: logprobs))
        }
        let indices = choices.map(\.index).sorted()
        if indices != Array(0..<choices.count) {
            throw try root.required("choices").fail("choice indices \(indices) are not 0..<\(choices.count)")
        }
        choices.sort { $0.index < $1.index }
        var usage = TokenUsage()
        var reasoningTokens: Int?
        if let u = root["usage"] {
            usage = TokenUsage(
                promptTokens: try u["prompt_tokens"]?.int(), completionTokens: try u["completion_tokens"]?.int(),
                cachedPromptTokens: try u["prompt_tokens_details"]?["cached_tokens"]?.int())
            reasoningTokens = try u["completion_tokens_details"]?["reasoning_tokens"]?.int()
            if reasoningTokens == nil { reasoningTokens = try u["reasoning_tokens"]?.int() }
        }
        return ChatCompletionResponse(
            choices: choices, usage: usage, reasoningTokens: reasoningTokens, model: try root["model"]?.string())
    }

    /// A `<think>…</think>` block opening `content` (after white space): (the thinking, the rest with its
    /// leading white space removed). An unclosed `<think>` is all thinking (the budget ran out inside it).
    static func splitThink(_ content: String) -> (reasoning: String, content: String)? {
        let trimmed = content.drop { $0.isWhitespace }
        guard trimmed.hasPrefix("<think>") else { return nil }
        let inner = trimmed.dropFirst("<think>".count)
        guard let close = inner.range(of: "</think>") else { return (String(inner), "") }
        let rest = inner[close.upperBound...].drop { $0.isWhitespace }
        return (String(inner[..<close.lowerBound]), String(rest))
    }
}

/// The five shapes of an error body servers send (../shared/spec/serving.md §2.4, rule 4): a nested `error`
/// object whose `code` may be a string, a number or null (OpenAI, vLLM, llama.cpp, Ollama); a flat
/// `{"object": "error", "message": …}` (SGLang, old vLLM); `{"error": "<text>"}` (vLLM's 401, Ollama);
/// `{"detail": …}` (FastAPI servers); and the same objects as a mid-stream `data:` chunk.
enum ServerErrorBody {
    /// The error's message when `root` is an error body, `nil` otherwise.
    static func message(_ root: JSONCursor) -> String? {
        if let error = root["error"] {
            if let text = try? error.string() { return text }
            let message = (try? error["message"]?.string()) ?? "(no message)"
            if let code = error["code"] {
                let text = (try? code.string()) ?? (try? code.int()).map(String.init)
                if let text { return "\(message) (code \(text))" }
            }
            return message
        }
        if (try? root["object"]?.string()) == "error" {
            return (try? root["message"]?.string()) ?? "(no message)"
        }
        if let detail = root["detail"], !root.has("choices") {
            if let text = try? detail.string() { return text }
            if let items = try? detail.array() {
                let texts = items.compactMap { try? $0["msg"]?.string() }
                if !texts.isEmpty { return texts.joined(separator: "; ") }
            }
            return "(no message)"
        }
        return nil
    }
}
