import QuorumCore

/// A `/v1/completions` answer read into values, whichever dialect the server speaks.
///
/// Shapes read (documented here because servers differ):
/// - `choices[i]` with `text`, `index`, `finish_reason`, optional `stop_reason` (vLLM: the stop string or
///   token id) and `logprobs`, plus top-level `usage.{prompt_tokens, completion_tokens}`.
/// - `logprobs` in OpenAI's legacy form (OpenAI, vLLM, SGLang): parallel arrays `tokens`, `token_logprobs`
///   and `top_logprobs` (one `{token: logprob}` object per position).
/// - `logprobs.content[]` (llama.cpp server, Ollama): one `{token, logprob, bytes, top_logprobs: [{token,
///   logprob, bytes}]}` object per position (llama.cpp also sends `id`).
/// - llama.cpp's own `/completion` answer: top-level `content`, `stop_type`, `stopping_word`,
///   `tokens_evaluated`, `tokens_predicted` and `completion_probabilities` (same items as `content[]`).
/// - `{"error": …}` with any status is the server's own error report.
struct CompletionResponse: Sendable, Hashable {
    struct Choice: Sendable, Hashable {
        var index: Int
        var text: String
        var serverFinishReason: String?
        var stopSequence: String?
        var logprobs: TokenLogprobs?

        var finish: FinishReason { CompletionResponse.finish(serverFinishReason) }
    }

    /// A server's finish reason as a ``FinishReason``, for completions and chat completions alike: every
    /// server's word for a stop (`stop`, llama.cpp's `eos`/`word`, Anthropic-style `stop_sequence`/`end_turn`)
    /// and for the token limit (`length`, `limit`, `max_tokens`); anything else (`abort`, `content_filter`,
    /// `tool_calls`, none) is aborted.
    static func finish(_ serverFinishReason: String?) -> FinishReason {
        switch serverFinishReason {
        case "stop", "eos", "word", "stop_sequence", "end_turn": .stop
        case "length", "limit", "max_tokens": .length
        default: .aborted
        }
    }

    var choices: [Choice]
    var usage: TokenUsage
    var model: String?

    /// Reads a response body; failures carry the JSON path of the offending value.
    static func parse(_ bytes: [UInt8]) throws(JSONCursor.Failure) -> CompletionResponse {
        let root = JSONCursor(try JSONValue.parse(bytes))
        _ = try root.object()
        if let error = root["error"] {
            throw error.fail("the server reported an error: \(errorMessage(error))")
        }
        if root.has("choices") {
            return try parseOpenAI(root)
        }
        if root.has("content") && (root.has("stop_type") || root.has("completion_probabilities")) {
            return try parseLlamaNative(root)
        }
        throw root.fail("no 'choices' member (not a completions response)")
    }

    /// The message of an `error` member, which servers send as a string or as `{message, type, code}`.
    static func errorMessage(_ error: JSONCursor) -> String {
        if let s = try? error.string() { return s }
        if let m = try? error["message"]?.string() { return m }
        return "(no message)"
    }

    private static func parseOpenAI(_ root: JSONCursor) throws(JSONCursor.Failure) -> CompletionResponse {
        var choices: [Choice] = []
        let items = try root.required("choices").array()
        for (position, item) in items.enumerated() {
            let index = try item["index"]?.int() ?? position
            let text = try item.required("text").string()
            let finish = try item["finish_reason"]?.string()
            var stop: String?
            if let reason = item["stop_reason"] {
                // vLLM: the matched stop string, or the id of a stop token (not a string; not kept).
                stop = try? reason.string()
            }
            let logprobs = try item["logprobs"].map { cursor throws(JSONCursor.Failure) in try parseLogprobs(cursor) }
            choices.append(Choice(index: index, text: text, serverFinishReason: finish, stopSequence: stop,
                                  logprobs: logprobs))
        }
        let indices = choices.map(\.index).sorted()
        if indices != Array(0..<choices.count) {
            throw try root.required("choices").fail("choice indices \(indices) are not 0..<\(choices.count)")
        }
        choices.sort { $0.index < $1.index }
        let usage = try root["usage"].map { u throws(JSONCursor.Failure) in
            TokenUsage(
                promptTokens: try u["prompt_tokens"]?.int(), completionTokens: try u["completion_tokens"]?.int(),
                cachedPromptTokens: try u["prompt_tokens_details"]?["cached_tokens"]?.int())
        } ?? TokenUsage()
        return CompletionResponse(choices: choices, usage: usage, model: try root["model"]?.string())
    }

    private static func parseLlamaNative(_ root: JSONCursor) throws(JSONCursor.Failure) -> CompletionResponse {
        let text = try root.required("content").string()
        let stopType = try root["stop_type"]?.string()
        var stopWord = try root["stopping_word"]?.string()
        if stopWord == "" { stopWord = nil }
        let logprobs = try root["completion_probabilities"].map { c throws(JSONCursor.Failure) in
            try parseContentItems(c)
        }
        let usage = TokenUsage(promptTokens: try root["tokens_evaluated"]?.int(),
                               completionTokens: try root["tokens_predicted"]?.int(),
                               cachedPromptTokens: try root["timings"]?["cache_n"]?.int())
        let choice = Choice(index: 0, text: text, serverFinishReason: stopType, stopSequence: stopWord,
                            logprobs: logprobs)
        return CompletionResponse(choices: [choice], usage: usage, model: try root["model"]?.string())
    }

    private static func parseLogprobs(_ cursor: JSONCursor) throws(JSONCursor.Failure) -> TokenLogprobs {
        if let content = cursor["content"] {
            return try parseContentItems(content)
        }
        if cursor.has("tokens") || cursor.has("token_logprobs") {
            return try parseLegacy(cursor)
        }
        if case .object(let members) = cursor.value, members.isEmpty || members.values.allSatisfy({ $0 == .null }) {
            // A completion of zero tokens (e.g. a stop string matched at once) may come with empty logprobs.
            return TokenLogprobs(tokens: [], logprobs: [])!
        }
        throw cursor.fail("neither 'content' (llama.cpp/Ollama form) nor 'tokens'/'token_logprobs' (OpenAI form)")
    }

    /// The `content[]` / `completion_probabilities` form (also chat completions' `logprobs.content[]`). With
    /// `negativeInfinityAt`, a log-probability at or below it is read as −∞ (vLLM writes −∞ as −9999.0).
    static func parseContentItems(
        _ cursor: JSONCursor, negativeInfinityAt floor: Double? = nil
    ) throws(JSONCursor.Failure) -> TokenLogprobs {
        func read(_ c: JSONCursor) throws(JSONCursor.Failure) -> Double {
            let value = try c.logprob()
            if let floor, value <= floor { return -.infinity }
            return value
        }
        let items = try cursor.array()
        var tokens: [String] = []
        var logprobs: [Double] = []
        var top: [[TokenAlternative]] = []
        var bytes: [[UInt8]?] = []
        var ids: [Int] = []
        var allIDs = true
        for item in items {
            if item.has("probs") && !item.has("logprob") {
                throw item.fail("probabilities without 'logprob' (llama.cpp before the logprob format); "
                    + "use a newer llama.cpp server")
            }
            tokens.append(try item.required("token").string())
            logprobs.append(try read(item.required("logprob")))
            bytes.append(try item["bytes"]?.bytes())
            if let id = item["id"] { ids.append(try id.int()) } else { allIDs = false }
            var alternatives: [TokenAlternative] = []
            for alt in try item["top_logprobs"]?.array() ?? [] {
                alternatives.append(TokenAlternative(token: try alt.required("token").string(),
                                                     logprob: try read(alt.required("logprob")),
                                                     id: try alt["id"]?.int(), bytes: try alt["bytes"]?.bytes()))
            }
            top.append(alternatives.sorted { $0.logprob > $1.logprob })
        }
        return TokenLogprobs(tokens: tokens, logprobs: logprobs, top: top, bytes: bytes,
                             ids: allIDs && !items.isEmpty ? ids : nil)!
    }

    /// OpenAI's legacy parallel-array form.
    private static func parseLegacy(_ cursor: JSONCursor) throws(JSONCursor.Failure) -> TokenLogprobs {
        let tokens = try cursor.required("tokens").array().map { t throws(JSONCursor.Failure) in try t.string() }
        let values = try cursor.required("token_logprobs").array()
        guard values.count == tokens.count else {
            throw cursor.fail("\(tokens.count) tokens but \(values.count) token_logprobs")
        }
        var logprobs: [Double] = []
        for value in values {
            if value.isNull { throw value.fail("token log-probability is null") }
            logprobs.append(try value.logprob())
        }
        var top: [[TokenAlternative]] = Array(repeating: [], count: tokens.count)
        if let topCursor = cursor["top_logprobs"] {
            let positions = try topCursor.array()
            guard positions.count == tokens.count else {
                throw topCursor.fail("\(positions.count) entries for \(tokens.count) tokens")
            }
            for (i, position) in positions.enumerated() where !position.isNull {
                var alternatives: [TokenAlternative] = []
                for key in try position.object().keys {
                    alternatives.append(TokenAlternative(token: key, logprob: try position.required(key).logprob()))
                }
                top[i] = alternatives.sorted { ($0.logprob, $1.token) > ($1.logprob, $0.token) }
            }
        }
        return TokenLogprobs(tokens: tokens, logprobs: logprobs, top: top)!
    }
}
