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
