import QuorumCore

/// The backend's reader of `/v1/completions` bodies, callable without a server: tools that check saved
/// bodies offline and the fuzz targets (`Fuzz/`) read bodies exactly as ``OpenAICompatibleBackend`` does.
public enum ResponseBody {
    /// One choice of a completions body, in index order.
    public struct Choice: Sendable, Hashable {
        /// The choice's `index`.
        public var index: Int
        /// The completion text.
        public var text: String
        /// Why the server stopped, mapped as the backend maps it.
        public var finish: FinishReason
        /// The server's own finish reason, verbatim.
        public var serverFinishReason: String?
        /// The matched stop string, when the server names it.
        public var stopSequence: String?
        /// The per-token log-probabilities, when the body has them.
        public var logprobs: TokenLogprobs?
    }

    /// Reads a completions body (any dialect listed on the backend); a body the backend would refuse
    /// throws ``HTTPBackendError/malformedResponse(endpoint:path:reason:body:)`` naming `endpoint`.
    public static func completions(
        _ body: [UInt8], endpoint: String = "(offline)"
    ) throws(HTTPBackendError) -> (choices: [Choice], usage: TokenUsage, model: String?) {
        do {
            let response = try CompletionResponse.parse(body)
            let choices = response.choices.map {
                Choice(index: $0.index, text: $0.text, finish: $0.finish, serverFinishReason: $0.serverFinishReason,
                       stopSequence: $0.stopSequence, logprobs: $0.logprobs)
            }
            return (choices, response.usage, response.model)
        } catch {
            throw .malformedResponse(endpoint: endpoint, path: error.path, reason: error.reason,
                                     body: HTTPBackendError.excerpt(body))
        }
    }
}

extension ResponseBody {
    /// One choice of a chat-completions body, in index order.
    public struct ChatChoice: Sendable, Hashable {
        /// The choice's `index`.
        public var index: Int
        /// The answer (`message.content`, a leading `<think>` block taken out).
        public var content: String
        /// The thinking, when the server returned it apart (`reasoning_content`, `reasoning`) or inline.
        public var reasoning: String?
        /// Why the server stopped, mapped as the completions reader maps it.
        public var finish: FinishReason
        /// The server's own finish reason, verbatim.
        public var serverFinishReason: String?
        /// The per-token log-probabilities (`logprobs.content`), when the body has them.
        public var logprobs: TokenLogprobs?
    }

    /// Reads a `/v1/chat/completions` body (not streamed; the shapes are listed on `ChatCompletionResponse`);
    /// a body that cannot be read throws ``HTTPBackendError/malformedResponse(endpoint:path:reason:body:)``
    /// naming `endpoint`. The usage's `reasoningTokens` is the server's count of thinking tokens, when sent.
    public static func chatCompletions(
        _ body: [UInt8], endpoint: String = "(offline)"
    ) throws(HTTPBackendError) -> (choices: [ChatChoice], usage: TokenUsage, reasoningTokens: Int?, model: String?) {
        do {
            let response = try ChatCompletionResponse.parse(body)
            let choices = response.choices.map {
                ChatChoice(index: $0.index, content: $0.content, reasoning: $0.reasoning, finish: $0.finish,
                           serverFinishReason: $0.serverFinishReason, logprobs: $0.logprobs)
            }
            return (choices, response.usage, response.reasoningTokens, response.model)
        } catch {
            throw .malformedResponse(endpoint: endpoint, path: error.path, reason: error.reason,
                                     body: HTTPBackendError.excerpt(body))
        }
    }
}
