/// How ``OpenAICompatibleBackend`` talks to its servers.
public struct HTTPBackendConfiguration: Sendable, Hashable {
    /// How a request for `n > 1` completions is sent.
    public enum NStrategy: String, Sendable, Hashable, CaseIterable {
        /// Send `n` in one request; when a server answers 400 to that or returns fewer choices, get the rest
        /// as separate requests and keep doing so for later requests (vLLM and SGLang honour `n`; llama.cpp
        /// and Ollama do not).
        case auto
        /// Always one request with `n` (a server that returns fewer is an error).
        case native
        /// Always `n` requests with `n = 1` and seeds ``CompletionRequest/seed(forSample:)``: reproducible per
        /// sample whichever endpoint serves it.
        case separate
    }

    /// The servers, dispatched least-busy first. Must not be empty.
    public var endpoints: [Endpoint]
    /// Model name sent as `model`; `nil` asks each endpoint's `/v1/models` (which must list exactly one).
    public var model: String?
    /// Environment variable holding the API key, sent as `Authorization: Bearer KEY` when set and not empty.
    public var apiKeyEnvironmentVariable: String
    /// Requests in flight per endpoint at most; further requests wait for a free slot.
    public var maxConcurrentRequestsPerEndpoint: Int
    /// Deadline of one attempt, from sending the request to the last byte of the answer (default 300 s). A
    /// server that never answers fails a request after ``RetryPolicy/maxAttempts`` such deadlines (plus the
    /// backoff between them), since timeouts are retried.
    public var requestTimeout: Duration
    /// Deadline for opening a connection (default 10 s).
    public var connectTimeout: Duration
    /// How often a request still waiting for its answer is reported to the backend's wait observer (see
    /// ``WaitNotice``; default 30 s). `nil` reports nothing.
    public var waitNoticeInterval: Duration?
    /// Retries of failed attempts.
    public var retry: RetryPolicy
    /// How `n > 1` is requested.
    public var nStrategy: NStrategy
    /// Largest answer accepted, in bytes.
    public var maxResponseBytes: Int

    public init(
        endpoints: [Endpoint], model: String? = nil, apiKeyEnvironmentVariable: String = "OPENAI_API_KEY",
        maxConcurrentRequestsPerEndpoint: Int = 8, requestTimeout: Duration = .seconds(300),
        connectTimeout: Duration = .seconds(10), waitNoticeInterval: Duration? = .seconds(30),
        retry: RetryPolicy = RetryPolicy(), nStrategy: NStrategy = .auto, maxResponseBytes: Int = 64 << 20
    ) {
        self.endpoints = endpoints
        self.model = model
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.maxConcurrentRequestsPerEndpoint = maxConcurrentRequestsPerEndpoint
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.waitNoticeInterval = waitNoticeInterval
        self.retry = retry
        self.nStrategy = nStrategy
        self.maxResponseBytes = maxResponseBytes
    }

    /// Throws ``HTTPBackendError/invalidRequest(reason:)`` for settings that cannot work.
    public func validate() throws(HTTPBackendError) {
        func fail(_ reason: String) throws(HTTPBackendError) { throw .invalidRequest(reason: reason) }
        if endpoints.isEmpty { try fail("no endpoint given") }
        if maxConcurrentRequestsPerEndpoint < 1 { try fail("maxConcurrentRequestsPerEndpoint must be ≥ 1") }
        if requestTimeout <= .zero { try fail("requestTimeout must be positive") }
        if connectTimeout <= .zero { try fail("connectTimeout must be positive") }
        if let waitNoticeInterval, waitNoticeInterval <= .zero { try fail("waitNoticeInterval must be positive") }
        if retry.maxAttempts < 1 { try fail("retry.maxAttempts must be ≥ 1") }
        if retry.initialBackoff < .zero || retry.maxBackoff < .zero || retry.maxRetryAfter < .zero {
            try fail("retry durations must not be negative")
        }
        if maxResponseBytes < 1 { try fail("maxResponseBytes must be ≥ 1") }
        if let model, model.isEmpty { try fail("model name is empty") }
    }
}
