import AsyncHTTPClient
import Foundation
import QuorumCore

/// Completions from one or more OpenAI-compatible servers (vLLM, SGLang, llama.cpp server, Ollama, OpenAI)
/// through `POST /v1/completions` with log-probabilities.
///
/// - Dispatch: each attempt goes to the least-busy endpoint with a free slot
///   (``HTTPBackendConfiguration/maxConcurrentRequestsPerEndpoint``); further requests wait.
/// - `n > 1`: see ``HTTPBackendConfiguration/NStrategy``.
/// - Failures: retried per ``RetryPolicy`` (a retry may go to another endpoint); every attempt has a deadline
///   (``HTTPBackendConfiguration/requestTimeout``) covering the whole exchange, so nothing waits forever.
/// - Authentication: `Authorization: Bearer $KEY` when the configured environment variable is set.
///
/// The backend owns an `HTTPClient`: call ``shutdown()`` when done, or use ``withBackend(_:environment:_:)``.
///
///     let configuration = HTTPBackendConfiguration(endpoints: try Endpoint.list("http://a:8000/v1,http://b:8000/v1"))
///     let paths = try await OpenAICompatibleBackend.withBackend(configuration) { backend in
///         try await backend.complete(CompletionRequest(
///             prompt: prompt, maxTokens: 512, temperature: 0.7, seed: 1234, stop: ["\n\n"], n: 16, logprobs: 5))
///     }
///     // paths[i].logprobs?.mean is the PPL/PC/RPC score; paths[i].cost goes into paths.jsonl.
public final class OpenAICompatibleBackend: CompletionBackend {
    /// The settings it was created with.
    public let configuration: HTTPBackendConfiguration
    private let apiKey: String?
    private let client: HTTPClient
    private let pool: EndpointPool
    private let state = BackendState()
    private let inFlight = InFlightExchanges()
    private let waitMonitor: Task<Void, Never>?

    /// Creates the backend and its HTTP client.
    /// - Parameters:
    ///   - configuration: endpoints and policies; validated here.
    ///   - environment: where the API key variable is looked up (the process environment by default).
    ///   - onWait: called (from another task) every ``HTTPBackendConfiguration/waitNoticeInterval`` for each
    ///     endpoint that has kept a request waiting that long; `nil` (the default) reports nothing.
    public init(
        configuration: HTTPBackendConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        onWait: (@Sendable (WaitNotice) -> Void)? = nil
    ) throws(HTTPBackendError) {
        try configuration.validate()
        self.configuration = configuration
        let key = environment[configuration.apiKeyEnvironmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines)
        apiKey = key?.isEmpty == false ? key : nil
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.timeout = .init(
            connect: .nanoseconds(Self.nanoseconds(configuration.connectTimeout)),
            read: .nanoseconds(Self.nanoseconds(configuration.requestTimeout)))
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit =
            configuration.maxConcurrentRequestsPerEndpoint
        clientConfiguration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        pool = EndpointPool(count: configuration.endpoints.count, limit: configuration.maxConcurrentRequestsPerEndpoint)
        if let onWait, let interval = configuration.waitNoticeInterval {
            waitMonitor = inFlight.monitor(
                every: interval, endpoints: configuration.endpoints, timeout: configuration.requestTimeout, report: onWait)
        } else {
            waitMonitor = nil
        }
    }

    deinit { waitMonitor?.cancel() }

    /// Runs `body` with a new backend and shuts it down afterwards, whether `body` throws or not.
    public static func withBackend<T>(
        _ configuration: HTTPBackendConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        onWait: (@Sendable (WaitNotice) -> Void)? = nil,
        _ body: (OpenAICompatibleBackend) async throws -> T
    ) async throws -> T {
        let backend = try OpenAICompatibleBackend(configuration: configuration, environment: environment, onWait: onWait)
        do {
            let result = try await body(backend)
            try await backend.shutdown()
            return result
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    /// Closes connections and frees the client; the backend cannot be used afterwards.
    public func shutdown() async throws {
        waitMonitor?.cancel()
        try await client.shutdown()
    }

    /// Whether an API key was found in the environment.
    public var hasAPIKey: Bool { apiKey != nil }

    /// Attempts dispatched so far to each endpoint (in ``HTTPBackendConfiguration/endpoints`` order).
    public func dispatchedAttempts() async -> [Int] { await pool.served }

    // MARK: - Completions

    public func complete(_ request: CompletionRequest) async throws -> [Completion] {
        try request.validate()
        let n = request.n
        if n == 1 {
            return [try await single(request, index: 0)]
        }
        switch configuration.nStrategy {
        case .separate:
            return try await separate(request, indices: 0..<n)
        case .native:
            let got = try await native(request)
            guard got.count == n else {
                throw HTTPBackendError.missingCompletions(
                    endpoint: got.first?.endpoint ?? "", requested: n, received: got.count)
            }
            return got
        case .auto:
            if await state.nativeN == false {
                return try await separate(request, indices: 0..<n)
            }
            let got: [Completion]
            do {
                got = try await native(request)
            } catch HTTPBackendError.httpStatus(_, let status, _, _) where [400, 422, 501].contains(status) {
                // The server refuses `n` (or this `n`): ask one by one from now on. A refusal for another
                // reason shows up again, with its own message, on the separate requests.
                await state.setNativeN(false)
                return try await separate(request, indices: 0..<n)
            }
            if got.count == n {
                await state.setNativeN(true)
                return got
            }
            await state.setNativeN(false)
            return got + (try await separate(request, indices: got.count..<n))
        }
    }

    /// Names of the models an endpoint serves (`GET /v1/models`), one attempt.
    public func listModels(at endpoint: Endpoint) async throws -> [String] {
        do {
            return try await fetchModels(endpoint)
        } catch {
            throw error.error
        }
    }

    // MARK: - Strategies

    private func single(_ request: CompletionRequest, index: Int) async throws -> Completion {
        let seed = request.seed(forSample: index)
        let answer = try await perform(request, n: 1, seed: seed, jitterKey: Self.jitterKey(seed, index))
        guard answer.response.choices.count == 1 else {
            throw HTTPBackendError.missingCompletions(
                endpoint: answer.endpoint.base, requested: 1, received: answer.response.choices.count)
        }
        return makeCompletion(answer, choice: answer.response.choices[0], index: index, request: request, seed: seed)
    }

    private func separate(_ request: CompletionRequest, indices: Range<Int>) async throws -> [Completion] {
        try await withThrowingTaskGroup(of: Completion.self) { group in
            for i in indices {
                group.addTask { try await self.single(request, index: i) }
            }
            var results: [Completion] = []
            for try await completion in group { results.append(completion) }
            return results.sorted { $0.index < $1.index }
        }
    }

    /// One request with `n`; returns what came back (possibly fewer than `n`).
    private func native(_ request: CompletionRequest) async throws -> [Completion] {
        let answer = try await perform(request, n: request.n, seed: request.seed, jitterKey: Self.jitterKey(request.seed, 0))
        let choices = answer.response.choices
        if choices.count > request.n {
            throw HTTPBackendError.missingCompletions(
                endpoint: answer.endpoint.base, requested: request.n, received: choices.count)
        }
        return choices.map { makeCompletion(answer, choice: $0, index: $0.index, request: request, seed: request.seed) }
    }

    private func makeCompletion(
        _ answer: Answer, choice: CompletionResponse.Choice, index: Int, request: CompletionRequest, seed: UInt32?
    ) -> Completion {
        let count = answer.response.choices.count
        var logprobs = choice.logprobs
        if let k = request.logprobs {
            logprobs = logprobs?.keepingAlternatives(k)
        }
        // Generated tokens: the server's count when the response is this completion alone, else the number of
        // log-probability entries (llama.cpp reports usage of the first choice only when it returns several).
        let generated = count == 1 ? (answer.response.usage.completionTokens ?? logprobs?.count) : logprobs?.count
        return Completion(
            index: index, text: choice.text, finish: choice.finish, serverFinishReason: choice.serverFinishReason,
            stopSequence: choice.stopSequence, logprobs: logprobs,
            usage: TokenUsage(promptTokens: answer.response.usage.promptTokens, completionTokens: generated),
            responseUsage: answer.response.usage, choicesInResponse: count, seed: seed, model: answer.model,
            endpoint: answer.endpoint.base, attempts: answer.attempts, seconds: answer.seconds)
    }

    private static func jitterKey(_ seed: UInt32?, _ index: Int) -> UInt64 {
        (UInt64(seed ?? 0) << 32) | UInt64(truncatingIfNeeded: index)
    }

    // MARK: - Attempts and retries

    /// A successful exchange.
    private struct Answer {
        var response: CompletionResponse
        var endpoint: Endpoint
        var model: String
        var attempts: Int
        var seconds: Double
    }

    /// A failed attempt: the error, and whether and when to try again.
    struct AttemptFailure: Error {
        var error: HTTPBackendError
        var retriable: Bool
        /// The endpoint misbehaved (transport error, timeout, 429, 5xx), as opposed to a bad request.
        var endpointFailed: Bool
        var retryAfter: Double?
        var retryAfterStatus: Int?
        var cancelled = false
    }

    /// Sends one completions request with retries; each attempt takes a slot from the pool.
    private func perform(_ request: CompletionRequest, n: Int, seed: UInt32?, jitterKey: UInt64) async throws -> Answer {
        let policy = configuration.retry
        var rng = SplitMix64(seed: SeedMixer.mix(policy.jitterSeed ^ SeedMixer.mix(jitterKey)))
        var attempt = 0
        while true {
            attempt += 1
            let index = try await pool.acquire()
            let endpoint = configuration.endpoints[index]
            let outcome: Result<Answer, AttemptFailure>
            do {
                var answer = try await attemptCompletion(request, n: n, seed: seed, endpointIndex: index)
                answer.attempts = attempt
                outcome = .success(answer)
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let answer):
                await pool.release(index, failed: false)
                return answer
            case .failure(let failure):
                await pool.release(index, failed: failure.endpointFailed)
                if failure.cancelled || Task.isCancelled { throw CancellationError() }
                guard failure.retriable, attempt < policy.maxAttempts else {
                    throw failure.error.with(attempts: attempt)
                }
                let limit = policy.maxRetryAfter.seconds
                if let wait = failure.retryAfter, wait > limit {
                    throw HTTPBackendError.retryAfterTooLong(
                        endpoint: endpoint.base, status: failure.retryAfterStatus ?? 0, seconds: wait, limit: limit,
                        attempts: attempt)
                }
                let delay = policy.delay(afterAttempt: attempt, retryAfter: failure.retryAfter, rng: &rng)
                try await Task.sleep(for: .seconds(delay))
            }
        }
    }

    private func attemptCompletion(
        _ request: CompletionRequest, n: Int, seed: UInt32?, endpointIndex: Int
    ) async throws(AttemptFailure) -> Answer {
        let endpoint = configuration.endpoints[endpointIndex]
        let model = try await modelName(endpointIndex)
        let body: Data
        do {
            body = try JSONEncoder().encode(WireRequest(request, model: model, n: n, seed: seed))
        } catch {
            throw AttemptFailure(error: .invalidRequest(reason: "cannot encode the request: \(error)"),
                                 retriable: false, endpointFailed: false)
        }
        var http = HTTPClientRequest(url: endpoint.completionsURL)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.body = .bytes(Array(body))
        let start = ContinuousClock.now
        let raw = try await exchange(http, endpoint: endpoint)
        let seconds = (ContinuousClock.now - start).seconds
        try Self.checkStatus(raw, endpoint: endpoint)
        do {
            let response = try CompletionResponse.parse(raw.body)
            return Answer(response: response, endpoint: endpoint, model: model, attempts: 1, seconds: seconds)
        } catch {
            throw AttemptFailure(
                error: .malformedResponse(endpoint: endpoint.base, path: error.path, reason: error.reason,
                                          body: HTTPBackendError.excerpt(raw.body)),
                retriable: false, endpointFailed: false)
        }
    }

    /// The model name for an endpoint: configured, cached, or discovered within the current attempt.
    private func modelName(_ index: Int) async throws(AttemptFailure) -> String {
        if let model = configuration.model { return model }
        if let cached = await state.model(for: index) { return cached }
        let endpoint = configuration.endpoints[index]
        let names = try await fetchModels(endpoint)
        guard names.count == 1, let name = names.first else {
            let reason = names.isEmpty
                ? "the server lists no model"
                : "the server lists several models (\(names.joined(separator: ", "))); name the one to use"
            throw AttemptFailure(error: .modelDiscovery(endpoint: endpoint.base, reason: reason),
                                 retriable: false, endpointFailed: false)
        }
        await state.setModel(name, for: index)
        return name
    }

    private func fetchModels(_ endpoint: Endpoint) async throws(AttemptFailure) -> [String] {
        var http = HTTPClientRequest(url: endpoint.modelsURL)
        http.method = .GET
        let raw = try await exchange(http, endpoint: endpoint)
        try Self.checkStatus(raw, endpoint: endpoint)
        do {
            let root = JSONCursor(try JSONValue.parse(raw.body))
            var names: [String] = []
            for item in try root.required("data").array() {
                names.append(try item.required("id").string())
            }
            return names
        } catch {
            throw AttemptFailure(
                error: .modelDiscovery(
                    endpoint: endpoint.base,
                    reason: "malformed answer at \(error.path.isEmpty ? "top level" : error.path): \(error.reason); "
                        + "body: \(HTTPBackendError.excerpt(raw.body))"),
                retriable: false, endpointFailed: false)
        }
    }

    // MARK: - One HTTP exchange

    struct RawResponse: Sendable {
        var status: Int
        var retryAfter: String?
        var body: [UInt8]
    }

    private struct DeadlineReached: Error {}
    private struct TooLarge: Error {}
    /// The connection failed after the head arrived, while the body was being read.
    private struct BodyInterrupted: Error {
        var received: Int
        var expected: String?
        var underlying: any Error
    }

    private static func checkStatus(_ raw: RawResponse, endpoint: Endpoint) throws(AttemptFailure) {
        guard !(200...299).contains(raw.status) else { return }
        let retriable = RetryPolicy.isRetriable(status: raw.status)
        var message = HTTPBackendError.excerpt(raw.body)
        if let root = try? JSONCursor(JSONValue.parse(raw.body)), let error = root["error"] {
            message = CompletionResponse.errorMessage(error)
        }
        throw AttemptFailure(
            error: .httpStatus(endpoint: endpoint.base, status: raw.status, body: message, attempts: 1),
            retriable: retriable, endpointFailed: retriable,
            retryAfter: raw.retryAfter.flatMap { RetryPolicy.parseRetryAfter($0) },
            retryAfterStatus: raw.status)
    }

    /// Sends `request` (with the API key) and reads the whole answer, within the per-attempt deadline.
    ///
    /// The deadline is enforced here by racing the exchange against a timer, because the client's own
    /// deadline ends when the response head arrives and does not cover a body that trickles or stalls.
    private func exchange(_ request: HTTPClientRequest, endpoint: Endpoint) async throws(AttemptFailure) -> RawResponse {
        let number = inFlight.begin(endpoint: configuration.endpoints.firstIndex(of: endpoint) ?? 0)
        defer { inFlight.end(number) }
        var request = request
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.headers.add(name: "Accept", value: "application/json")
        let timeout = configuration.requestTimeout
        let limit = configuration.maxResponseBytes
        let client = self.client
        let sendable = request
        do {
            return try await withThrowingTaskGroup(of: RawResponse?.self) { group in
                group.addTask {
                    let response = try await client.execute(sendable, timeout: .nanoseconds(Self.nanoseconds(timeout)))
                    var body: [UInt8] = []
                    do {
                        for try await chunk in response.body {
                            if body.count + chunk.readableBytes > limit { throw TooLarge() }
                            body.append(contentsOf: chunk.readableBytesView)
                        }
                    } catch let error as TooLarge {
                        throw error
                    } catch {
                        throw BodyInterrupted(
                            received: body.count, expected: response.headers.first(name: "Content-Length"),
                            underlying: error)
                    }
                    return RawResponse(
                        status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                        body: body)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw DeadlineReached() }
                return response
            }
        } catch {
            throw Self.classify(
                error, endpoint: endpoint, timeout: timeout, connectTimeout: configuration.connectTimeout, limit: limit)
        }
    }

    private static func classify(
        _ error: any Error, endpoint: Endpoint, timeout: Duration, connectTimeout: Duration, limit: Int
    ) -> AttemptFailure {
        if Task.isCancelled {
            return AttemptFailure(error: .transport(endpoint: endpoint.base, reason: "cancelled", attempts: 1),
                                  retriable: false, endpointFailed: false, cancelled: true)
        }
        if error is TooLarge {
            return AttemptFailure(error: .responseTooLarge(endpoint: endpoint.base, limit: limit),
                                  retriable: false, endpointFailed: false)
        }
        let timedOut = AttemptFailure(error: .timedOut(endpoint: endpoint.base, seconds: timeout.seconds, attempts: 1),
                                      retriable: true, endpointFailed: true)
        if error is DeadlineReached { return timedOut }
        if let e = error as? HTTPClientError, e == .connectTimeout {
            return AttemptFailure(
                error: .transport(endpoint: endpoint.base, reason: "no connection within \(String(format3: connectTimeout.seconds)) s", attempts: 1),
                retriable: true, endpointFailed: true)
        }
        if let e = error as? BodyInterrupted {
            if let inner = e.underlying as? HTTPClientError,
                [.deadlineExceeded, .readTimeout].contains(inner)
            {
                return timedOut
            }
            let of = e.expected.map { " of \($0) announced" } ?? ""
            return AttemptFailure(
                error: .transport(endpoint: endpoint.base,
                                  reason: "the answer broke off after \(e.received)\(of) body bytes (\(e.underlying))",
                                  attempts: 1),
                retriable: true, endpointFailed: true)
        }
        if let e = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout]
                .contains(e)
            {
                return timedOut
            }
            if e == .remoteConnectionClosed {
                return AttemptFailure(
                    error: .transport(endpoint: endpoint.base,
                                      reason: "the server closed the connection before the answer was complete",
                                      attempts: 1),
                    retriable: true, endpointFailed: true)
            }
            if [.invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown].contains(e) {
                return AttemptFailure(error: .invalidEndpoint(endpoint.base, reason: "\(e)"),
                                      retriable: false, endpointFailed: false)
            }
        }
        // Refused, reset, truncated body (the parser meets end of stream early), and other I/O failures.
        return AttemptFailure(error: .transport(endpoint: endpoint.base, reason: "\(error)", attempts: 1),
                              retriable: true, endpointFailed: true)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (s, attos) = duration.components
        return s.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? Int64.max : s * 1_000_000_000 + attos / 1_000_000_000
    }
}
