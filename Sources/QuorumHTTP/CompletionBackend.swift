/// Something that turns a ``CompletionRequest`` into completions: an OpenAI-compatible server
/// (``OpenAICompatibleBackend``) or, later, another transport.
public protocol CompletionBackend: Sendable {
    /// Returns `request.n` completions, ordered by ``Completion/index``, or throws (``HTTPBackendError`` for
    /// the HTTP backend). Never returns fewer than asked without throwing.
    func complete(_ request: CompletionRequest) async throws -> [Completion]
}
