import Foundation
import QuorumTestSupport
import Testing

@testable import QuorumHTTP

/// The backend against a server that misbehaves: it must never hang, must retry what is retriable, and must
/// otherwise fail at once with an error naming the endpoint, the status and the body.
@Suite("HTTP backend: fault injection")
struct FaultInjectionTests {
    private let request = CompletionRequest(prompt: "p", maxTokens: 3, seed: 7, logprobs: 1)

    /// Seconds `body` takes.
    private func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, (ContinuousClock.now - start).seconds)
    }

    @Test func slowReplyPastTheDeadlineTimesOut() async throws {
        let server = try FaultServer { request, n in .delay(seconds: 3, then: seededAnswers()(request, n)) }
        let (error, seconds) = await timed {
            await Backends.error {
                _ = try await Backends.with([server], timeout: .milliseconds(300), attempts: 2) { try await $0.complete(request) }
            }
        }
        #expect(error == .timedOut(endpoint: server.baseURL, seconds: 0.3, attempts: 2))
        #expect(server.requests.count == 2)
        #expect(seconds < 2.5)
        #expect(error?.description == "\(server.baseURL): no complete answer within 0.3 s after 2 attempts")
    }

    @Test func stalledBodyPastTheDeadlineTimesOut() async throws {
        // The head arrives at once; the body trickles in over 4 s. The deadline covers the whole exchange.
        let body = Responses.legacy([.seeded(7)])
        let server = try FaultServer { _, _ in .trickle(status: 200, body: body, chunks: 8, interval: 0.5) }
        let (error, seconds) = await timed {
            await Backends.error {
                _ = try await Backends.with([server], timeout: .milliseconds(400), attempts: 1) { try await $0.complete(request) }
            }
        }
        #expect(error == .timedOut(endpoint: server.baseURL, seconds: 0.4, attempts: 1))
        #expect(seconds < 2.5)
    }

    @Test func slowButInTimeSucceeds() async throws {
        let body = Responses.legacy([.seeded(7)])
        let server = try FaultServer { _, _ in .trickle(status: 200, body: body, chunks: 3, interval: 0.05) }
        let completions = try await Backends.with([server], timeout: .seconds(5)) { try await $0.complete(request) }
        #expect(completions.first?.text == "seed-7#0")
    }

    @Test func serverErrorsThenSuccess() async throws {
        let server = try FaultServer { request, number in
            number < 2 ? .respond(status: number == 0 ? 500 : 503, body: Array("busy".utf8)) : seededAnswers()(request, number)
        }
        let completions = try await Backends.with([server]) { try await $0.complete(request) }
        #expect(completions.first?.text == "seed-7#0")
        #expect(completions.first?.attempts == 3)
        #expect(server.requests.count == 3)
    }

    @Test func persistentServerErrorIsReportedWithStatusAndBody() async throws {
        let server = try FaultServer { _, _ in
            .respond(status: 500, body: Array(#"{"error": {"message": "CUDA out of memory", "code": 500}}"#.utf8))
        }
        let error = await Backends.error { _ = try await Backends.with([server], attempts: 3) { try await $0.complete(request) } }
        #expect(error == .httpStatus(endpoint: server.baseURL, status: 500, body: "CUDA out of memory", attempts: 3))
        #expect(server.requests.count == 3)
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        let server = try FaultServer { request, number in
            number == 0
                ? .respond(status: 429, headers: ["Retry-After": "1"], body: Array("slow down".utf8))
                : seededAnswers()(request, number)
        }
        let (completions, seconds) = try await timed {
            try await Backends.with([server]) { try await $0.complete(request) }
        }
        #expect(completions.first?.attempts == 2)
        #expect(seconds >= 1.0)
    }

    @Test func retryAfterBeyondTheLimitFails() async throws {
        let server = try FaultServer { _, _ in .respond(status: 503, headers: ["Retry-After": "3600"], body: []) }
        let (error, seconds) = await timed {
            await Backends.error { _ = try await Backends.with([server]) { try await $0.complete(request) } }
        }
        #expect(error == .retryAfterTooLong(endpoint: server.baseURL, status: 503, seconds: 3600, limit: 5, attempts: 1))
        #expect(seconds < 2)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let server = try FaultServer { _, _ in
            .respond(status: 404, body: Array(#"{"error": {"message": "The model `x` does not exist."}}"#.utf8))
        }
        let error = await Backends.error { _ = try await Backends.with([server]) { try await $0.complete(request) } }
        #expect(error == .httpStatus(endpoint: server.baseURL, status: 404, body: "The model `x` does not exist.", attempts: 1))
        #expect(server.requests.count == 1)
        let plain = try FaultServer { _, _ in .respond(status: 401, headers: ["Content-Type": "text/plain"], body: Array("no key\n".utf8)) }
        let plainError = await Backends.error { _ = try await Backends.with([plain]) { try await $0.complete(request) } }
        #expect(plainError?.description == "\(plain.baseURL): HTTP 401: no key\\n")
    }

    @Test func malformedJSONFailsAtOnceWithAnExcerpt() async throws {
        let server = try FaultServer { _, _ in .respond(status: 200, body: Array(#"{"choices": [{"text": "ab"#.utf8)) }
        let error = await Backends.error { _ = try await Backends.with([server]) { try await $0.complete(request) } }
        guard case .malformedResponse(let endpoint, let path, let reason, let body) = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(endpoint == server.baseURL)
        #expect(path == "")
        #expect(reason.hasPrefix("not valid JSON"))
        #expect(body == #"{"choices": [{"text": "ab"#)
        #expect(server.requests.count == 1)
    }

    @Test func wrongShapeNamesThePath() async throws {
        let server = try FaultServer { _, _ in
            .respond(status: 200, body: Array(#"{"choices": [{"index": 0, "text": "a", "logprobs": {"tokens": ["a"], "token_logprobs": ["x"]}}]}"#.utf8))
        }
        let error = await Backends.error { _ = try await Backends.with([server]) { try await $0.complete(request) } }
        guard case .malformedResponse(_, let path, let reason, _) = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(path == "choices[0].logprobs.token_logprobs[0]")
        #expect(reason == "expected a number, found a string")
    }

    @Test func truncatedBodyIsRetriedThenSucceeds() async throws {
        let full = Responses.legacy([.seeded(7)])
        let server = try FaultServer { request, number in
            number == 0
                ? .truncated(status: 200, body: Array(full.prefix(20)), declaredLength: full.count)
                : seededAnswers()(request, number)
        }
        let completions = try await Backends.with([server]) { try await $0.complete(request) }
        #expect(completions.first?.attempts == 2)
        #expect(completions.first?.text == "seed-7#0")
    }

    @Test func alwaysTruncatedBodyIsATransportError() async throws {
        let full = Responses.legacy([.seeded(7)])
        let server = try FaultServer { _, _ in .truncated(status: 200, body: Array(full.prefix(20)), declaredLength: full.count) }
        let (error, seconds) = await timed {
            await Backends.error { _ = try await Backends.with([server], attempts: 3) { try await $0.complete(request) } }
        }
        guard case .transport(let endpoint, _, let attempts) = error else {
            Issue.record("expected transport, got \(String(describing: error))")
            return
        }
        #expect(endpoint == server.baseURL)
        #expect(attempts == 3)
        #expect(seconds < 3)
        #expect(error!.description.contains("the answer broke off after 20 of \(full.count) announced body bytes"))
    }

    @Test func droppedConnectionsAreRetried() async throws {
        let body = Responses.legacy([.seeded(7)])
        let server = try FaultServer { request, number in
            switch number {
            case 0: .reset
            case 1: .close
            case 2: .resetMidBody(status: 200, body: body, sentBytes: 10)
            default: seededAnswers()(request, number)
            }
        }
        let completions = try await Backends.with([server], attempts: 5) { try await $0.complete(request) }
        #expect(completions.first?.attempts == 4)
        #expect(completions.first?.text == "seed-7#0")
    }

    @Test func connectionDroppedWhileSendingTheRequestIsRetried() async throws {
        // A 4 MB prompt is still being written when the server resets the connection after the head.
        let server = try FaultServer(dropBeforeBody: { $0 < 2 }, seededAnswers())
        var r = request
        r.prompt = String(repeating: "x", count: 4 << 20)
        let completions = try await Backends.with([server]) { try await $0.complete(r) }
        #expect(completions.first?.attempts == 3)
        #expect(server.requests.count == 3)
        #expect(server.requests[0].body.count < 4 << 20)
        #expect(server.requests[2].string("prompt")?.count == 4 << 20)
    }

    @Test func alwaysDroppedIsATransportErrorNamingTheEndpoint() async throws {
        let server = try FaultServer { _, _ in .reset }
        let error = await Backends.error { _ = try await Backends.with([server], attempts: 3) { try await $0.complete(request) } }
        guard case .transport(let endpoint, let reason, 3) = error else {
            Issue.record("expected transport after 3 attempts, got \(String(describing: error))")
            return
        }
        #expect(endpoint == server.baseURL)
        #expect(reason.contains("reset"))
        #expect(error!.description.hasPrefix("\(server.baseURL): connection failed after 3 attempts: "))
    }

    @Test func refusedConnectionIsATransportError() async throws {
        let server = try FaultServer { _, _ in .close }
        let url = server.baseURL
        server.stop()
        let configuration = try Backends.configuration([url], attempts: 2)
        let error = await Backends.error {
            _ = try await OpenAICompatibleBackend.withBackend(configuration, environment: [:]) { try await $0.complete(request) }
        }
        guard case .transport(url, _, 2) = error else {
            Issue.record("expected transport from \(url) after 2 attempts, got \(String(describing: error))")
            return
        }
        #expect(error!.description.contains("refused"))
    }

    @Test func aFailingEndpointIsRoutedAround() async throws {
        let broken = try FaultServer { _, _ in .respond(status: 502, body: Array("bad gateway".utf8)) }
        let healthy = try FaultServer(seededAnswers())
        var r = request
        r.n = 8
        let completions = try await Backends.with([broken, healthy], perEndpoint: 8, strategy: .separate) {
            try await $0.complete(r)
        }
        #expect(completions.count == 8)
        #expect(completions.allSatisfy { $0.endpoint == healthy.baseURL })
        #expect(healthy.requests.count == 8)
    }

    @Test func responseLargerThanTheLimitIsRefused() async throws {
        let server = try FaultServer { _, _ in .respond(status: 200, body: Array(repeating: 32, count: 200_000)) }
        var configuration = try Backends.configuration([server.baseURL])
        configuration.maxResponseBytes = 100_000
        let error = await Backends.error {
            _ = try await OpenAICompatibleBackend.withBackend(configuration, environment: [:]) { try await $0.complete(request) }
        }
        #expect(error == .responseTooLarge(endpoint: server.baseURL, limit: 100_000))
    }

    @Test func cancellationStopsWaitingAtOnce() async throws {
        let server = try FaultServer { request, n in .delay(seconds: 5, then: seededAnswers()(request, n)) }
        let (_, seconds) = try await timed {
            try await Backends.with([server], timeout: .seconds(30), perEndpoint: 1, strategy: .separate) { backend in
                var r = request
                r.n = 4
                let task = Task { try await backend.complete(r) }
                try await Task.sleep(for: .milliseconds(300))
                task.cancel()
                let result = await task.result
                #expect(throws: CancellationError.self) { try result.get() }
            }
        }
        #expect(seconds < 3)
    }
}
