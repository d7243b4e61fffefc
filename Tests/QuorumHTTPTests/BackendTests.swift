import Foundation
import QuorumTestSupport
import Testing

@testable import QuorumHTTP

/// The backend against a well-behaved loopback server: shapes, `n`, seeds, headers, discovery, dispatch.
@Suite("HTTP backend: normal operation")
struct BackendTests {
    private let request = CompletionRequest(
        prompt: "Q: 2+2?\nA:", maxTokens: 3, temperature: 0.7, topP: 0.95, seed: 1234, stop: ["\n"], n: 1, logprobs: 2)

    @Test func singleCompletionLegacyShapeAndRequestBody() async throws {
        let server = try FaultServer(seededAnswers())
        let completions = try await Backends.with([server], environment: ["QUORUM_TEST_KEY": "sk-test"]) {
            try await $0.complete(request)
        }
        let c = try #require(completions.first)
        #expect(completions.count == 1)
        #expect(c.text == "seed-1234#0")
        #expect(c.finish == .length)
        #expect(c.seed == 1234)
        #expect(c.attempts == 1)
        #expect(c.endpoint == server.baseURL)
        #expect(c.model == "test-model")
        #expect(c.logprobs?.tokens == ["seed", "-1234", "#0"])
        #expect(c.logprobs?.top.map(\.count) == [2, 2, 2])  // trimmed to the K asked for
        #expect(c.usage == TokenUsage(promptTokens: 7, completionTokens: 3))
        #expect(c.cost.promptTokens == 7 && c.cost.generatedTokens == 3)
        #expect(c.cost.perModel["test-model"] == .init(generated: 3, prefilled: 7))
        #expect(c.seconds > 0)

        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v1/completions")
        #expect(sent.headers["authorization"] == "Bearer sk-test")
        #expect(sent.headers["content-type"] == "application/json")
        #expect(sent.string("model") == "test-model")
        #expect(sent.string("prompt") == "Q: 2+2?\nA:")
        #expect(sent.int("max_tokens") == 3)
        #expect(sent.double("temperature") == 0.7)
        #expect(sent.double("top_p") == 0.95)
        #expect(sent.int("seed") == 1234)
        #expect(sent.json["stop"] as? [String] == ["\n"])
        #expect(sent.int("n") == 1)
        #expect(sent.int("logprobs") == 2)
        #expect(!sent.has("top_k") && !sent.has("min_p"))
    }

    @Test func contentShapeAndNoKeyWithoutEnvironment() async throws {
        let server = try FaultServer(seededAnswers(shape: { Responses.content($0) }))
        let completions = try await Backends.with([server]) { try await $0.complete(request) }
        #expect(completions.first?.logprobs?.ids == [100, 101, 102])
        #expect(completions.first?.logprobs?.logprobs == [-0.25, -1.5, -0.125])
        #expect(server.requests.first?.headers["authorization"] == nil)
    }

    @Test func nativeNInOneRequest() async throws {
        let server = try FaultServer(seededAnswers())
        var r = request
        r.n = 4
        let completions = try await Backends.with([server]) { try await $0.complete(r) }
        #expect(completions.map(\.index) == [0, 1, 2, 3])
        #expect(completions.map(\.text) == (0..<4).map { "seed-1234#\($0)" })
        #expect(completions.allSatisfy { $0.choicesInResponse == 4 && $0.usage.completionTokens == 3 })
        #expect(completions[0].responseUsage.completionTokens == 12)
        #expect(server.requests.count == 1)
        #expect(server.requests[0].int("n") == 4)
    }

    @Test func serverIgnoringNFallsBackToSeededSingles() async throws {
        let server = try FaultServer(seededAnswers(shape: { Responses.content($0) }, honourN: false))
        var r = request
        r.n = 4
        try await Backends.with([server]) { backend in
            let completions = try await backend.complete(r)
            let seeds = (0..<4).map { r.seed(forSample: $0)! }
            #expect(completions.map(\.index) == [0, 1, 2, 3])
            // The first came from the n = 4 request with the base seed; the rest were asked one by one.
            #expect(completions.map(\.seed) == seeds)
            #expect(completions.map(\.text) == seeds.map { "seed-\($0)#0" })
            #expect(server.requests.count == 4)
            #expect(server.requests.dropFirst().allSatisfy { $0.int("n") == 1 })
            // The backend remembers: the next request is split at once.
            _ = try await backend.complete(r)
            #expect(server.requests.count == 8)
            #expect(server.requests.dropFirst(4).allSatisfy { $0.int("n") == 1 })
        }
    }

    @Test func serverRefusingNWith400FallsBack() async throws {
        let server = try FaultServer { request, _ in
            if (request.int("n") ?? 1) > 1 {
                return .respond(status: 400, body: Array(#"{"error": {"message": "n must be 1"}}"#.utf8))
            }
            return seededAnswers()(request, 0)
        }
        var r = request
        r.n = 3
        let completions = try await Backends.with([server]) { try await $0.complete(r) }
        #expect(completions.count == 3)
        #expect(Set(completions.map(\.text)).count == 3)
        #expect(server.requests.count == 4)
    }

    @Test func separateStrategyUsesDerivedSeeds() async throws {
        let server = try FaultServer(seededAnswers())
        var r = request
        r.n = 6
        let completions = try await Backends.with([server], strategy: .separate) { try await $0.complete(r) }
        let seeds = (0..<6).map { r.seed(forSample: $0)! }
        #expect(completions.map(\.seed) == seeds)
        #expect(completions.map(\.text) == seeds.map { "seed-\($0)#0" })
        #expect(Set(server.requests.map { $0.int("seed")! }) == Set(seeds.map(Int.init)))
        #expect(server.requests.allSatisfy { $0.int("n") == 1 })
    }

    @Test func nativeStrategyReportsMissingChoices() async throws {
        let server = try FaultServer(seededAnswers(honourN: false))
        var r = request
        r.n = 2
        let error = await Backends.error { _ = try await Backends.with([server], strategy: .native) { try await $0.complete(r) } }
        #expect(error == .missingCompletions(endpoint: server.baseURL, requested: 2, received: 1))
    }

    @Test func modelDiscovery() async throws {
        let server = try FaultServer { request, _ in
            if request.path == "/v1/models" { return .respond(status: 200, body: Responses.models(["smollm2"])) }
            return seededAnswers()(request, 0)
        }
        let completions = try await Backends.with([server], model: nil) { backend in
            _ = try await backend.complete(request)
            return try await backend.complete(request)
        }
        #expect(completions.first?.model == "smollm2")
        #expect(server.requests.map(\.path) == ["/v1/models", "/v1/completions", "/v1/completions"])
        #expect(server.requests[1].string("model") == "smollm2")

        let several = try FaultServer { _, _ in .respond(status: 200, body: Responses.models(["a", "b"])) }
        let error = await Backends.error { _ = try await Backends.with([several], model: nil) { try await $0.complete(request) } }
        #expect(error == .modelDiscovery(endpoint: several.baseURL,
                                         reason: "the server lists several models (a, b); name the one to use"))
        let listed = try await Backends.with([several]) { try await $0.listModels(at: try Endpoint(several.baseURL)) }
        #expect(listed == ["a", "b"])
    }

    @Test func concurrencyIsBoundedPerEndpoint() async throws {
        let slow: FaultServer.Handler = { request, number in .delay(seconds: 0.15, then: seededAnswers()(request, number)) }
        let a = try FaultServer(slow)
        let b = try FaultServer(slow)
        var r = request
        r.n = 12
        let (completions, dispatched) = try await Backends.with([a, b], perEndpoint: 2, strategy: .separate) { backend in
            (try await backend.complete(r), await backend.dispatchedAttempts())
        }
        #expect(completions.count == 12)
        #expect(a.maxConcurrentConnections <= 2 && b.maxConcurrentConnections <= 2)
        #expect(a.requests.count + b.requests.count == 12)
        // Least-busy dispatch over equally fast servers shares the work.
        #expect(dispatched == [a.requests.count, b.requests.count])
        #expect(abs(a.requests.count - b.requests.count) <= 4)
    }

    @Test func leastBusyPrefersTheIdleEndpoint() async throws {
        // A answers after two seconds, B at once. Requests arriving 0.2 s apart find A busy and B idle.
        let a = try FaultServer { request, number in .delay(seconds: 2.0, then: seededAnswers()(request, number)) }
        let b = try FaultServer(seededAnswers())
        try await Backends.with([a, b], perEndpoint: 4) { backend in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<8 {
                    var r = request
                    r.seed = UInt32(i)
                    group.addTask { _ = try await backend.complete(r) }
                    try await Task.sleep(for: .milliseconds(200))
                }
                try await group.waitForAll()
            }
        }
        #expect(a.requests.count + b.requests.count == 8)
        // Round-robin would send A four. The exact rule is checked in EndpointPoolTests.
        #expect(a.requests.count <= 2)
    }
}
