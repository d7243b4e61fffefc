import Foundation
import QuorumTestSupport
import Synchronization
import Testing

@testable import QuorumHTTP

/// What a user sees while a server keeps a request waiting (a notice naming the endpoint, repeated), the
/// connect deadline, and a server's log-probability above 0 refused with the endpoint and the field.
@Suite("HTTP backend: waiting, deadlines, impossible log-probabilities")
struct WaitAndDeadlineTests {
    private let request = CompletionRequest(prompt: "p", maxTokens: 3, seed: 7, logprobs: 1)

    @Test func aRequestKeptWaitingIsReportedWithItsEndpointUntilItsAnswerComes() async throws {
        let server = try FaultServer { request, n in .delay(seconds: 1.7, then: seededAnswers()(request, n)) }
        let notices = Mutex<[WaitNotice]>([])
        var configuration = try Backends.configuration([server.baseURL], timeout: .seconds(10))
        configuration.waitNoticeInterval = .milliseconds(400)
        let completions = try await OpenAICompatibleBackend.withBackend(
            configuration, onWait: { notice in notices.withLock { $0.append(notice) } }
        ) { backend in
            let answer = try await backend.complete(request)
            try await Task.sleep(for: .milliseconds(900))  // nothing in flight: no more notices
            return answer
        }
        #expect(completions.first?.text == "seed-7#0")
        let seen = notices.withLock { $0 }
        #expect((2...4).contains(seen.count), "\(seen)")
        #expect(seen.allSatisfy { $0.endpoint == server.baseURL && $0.request == 1 && $0.inFlight == 1 })
        #expect(seen.map(\.seconds) == seen.map(\.seconds).sorted())
        #expect(seen.first.map { $0.seconds >= 0.4 } == true)
        #expect(seen.first?.description.hasPrefix("waiting for \(server.baseURL) (request 1, 0 s; deadline 10 s)") == true)
    }

    @Test func noObserverOrNoIntervalReportsNothingAndABadIntervalIsRefused() throws {
        let endpoint = try Endpoint("http://127.0.0.1:9/v1")
        #expect(throws: HTTPBackendError.self) {
            try HTTPBackendConfiguration(endpoints: [endpoint], waitNoticeInterval: .zero).validate()
        }
        #expect(HTTPBackendConfiguration(endpoints: [endpoint]).requestTimeout == .seconds(300))
        #expect(HTTPBackendConfiguration(endpoints: [endpoint]).waitNoticeInterval == .seconds(30))
    }

    @Test func aServerLogprobAboveZeroIsRefusedNamingTheEndpointAndTheField() async throws {
        let body = Array(#"""
            {"choices": [{"index": 0, "text": "ab", "finish_reason": "stop", "logprobs": {"content": [
              {"token": "a", "logprob": -0.5}, {"token": "b", "logprob": 0.75}]}}]}
            """#.utf8)
        let server = try FaultServer { _, _ in .respond(status: 200, body: body) }
        let error = await Backends.error {
            _ = try await Backends.with([server]) { try await $0.complete(request) }
        }
        guard case .malformedResponse(let endpoint, let path, let reason, _) = error else {
            Issue.record("expected a malformed response, got \(String(describing: error))")
            return
        }
        #expect(endpoint == server.baseURL)
        #expect(path == "choices[0].logprobs.content[1].logprob")
        #expect(reason.contains("log-probability 0.75 is above 0"))
        #expect(server.requests.count == 1, "malformed output is not retried")
    }

    /// A listening socket whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
    private final class FullListener {
        let fd: Int32
        let port: Int
        private var fillers: [Int32] = []

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let size = length
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
            listen(fd, 0)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            // Fill the queue: connections complete until it is full, then hang (non-blocking: EINPROGRESS).
            var fillers: [Int32] = []
            for _ in 0..<8 {
                let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
                _ = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, size) }
                }
                fillers.append(c)
            }
            usleep(100_000)
            self.fd = fd
            self.port = Int(UInt16(bigEndian: address.sin_port))
            self.fillers = fillers
        }

        deinit {
            for c in fillers { close(c) }
            close(fd)
        }
    }

    @Test func aServerThatNeverAcceptsFailsAtTheConnectDeadline() async throws {
        let listener = try FullListener()
        var configuration = try Backends.configuration(["http://127.0.0.1:\(listener.port)/v1"], timeout: .seconds(20), attempts: 1)
        configuration.connectTimeout = .milliseconds(500)
        let start = ContinuousClock.now
        let error = await Backends.error {
            _ = try await OpenAICompatibleBackend.withBackend(configuration) { try await $0.complete(request) }
        }
        let seconds = (ContinuousClock.now - start).seconds
        #expect(seconds < 5, "waited \(seconds) s")
        #expect(error?.description.contains("127.0.0.1:\(listener.port)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("connection failed: no connection within 0.5 s") == true, "\(String(describing: error))")
    }
}
