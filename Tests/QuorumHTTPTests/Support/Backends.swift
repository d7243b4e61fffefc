import Foundation
import QuorumTestSupport

@testable import QuorumHTTP

/// Backends wired to fault servers with short timings, so failure tests finish quickly.
enum Backends {
    static func fastRetry(attempts: Int = 4) -> RetryPolicy {
        RetryPolicy(maxAttempts: attempts, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(40),
                    maxRetryAfter: .seconds(5), jitterSeed: 1)
    }

    static func configuration(
        _ urls: [String], model: String? = "test-model", timeout: Duration = .seconds(5), attempts: Int = 4,
        perEndpoint: Int = 8, strategy: HTTPBackendConfiguration.NStrategy = .auto
    ) throws -> HTTPBackendConfiguration {
        HTTPBackendConfiguration(
            endpoints: try urls.map { try Endpoint($0) }, model: model, apiKeyEnvironmentVariable: "QUORUM_TEST_KEY",
            maxConcurrentRequestsPerEndpoint: perEndpoint, requestTimeout: timeout, connectTimeout: .seconds(2),
            retry: fastRetry(attempts: attempts), nStrategy: strategy)
    }

    /// Runs `body` with a backend on `servers` and shuts it down afterwards.
    static func with<T>(
        _ servers: [FaultServer], model: String? = "test-model", timeout: Duration = .seconds(5), attempts: Int = 4,
        perEndpoint: Int = 8, strategy: HTTPBackendConfiguration.NStrategy = .auto,
        environment: [String: String] = [:], _ body: (OpenAICompatibleBackend) async throws -> T
    ) async throws -> T {
        let configuration = try configuration(
            servers.map(\.baseURL), model: model, timeout: timeout, attempts: attempts, perEndpoint: perEndpoint,
            strategy: strategy)
        return try await OpenAICompatibleBackend.withBackend(configuration, environment: environment, body)
    }

    /// The error `body` throws, or `nil`.
    static func error(_ body: () async throws -> Void) async -> HTTPBackendError? {
        do {
            try await body()
            return nil
        } catch let error as HTTPBackendError {
            return error
        } catch {
            return nil
        }
    }
}

/// A server handler that answers every completion request correctly: `n` choices (or one when `honourN` is
/// false), each derived from the request's seed so tests can see which seed produced what.
func seededAnswers(
    shape: @escaping @Sendable ([Responses.Choice]) -> [UInt8] = { Responses.legacy($0) }, honourN: Bool = true
)
    -> FaultServer.Handler
{
    { request, _ in
        let n = honourN ? (request.int("n") ?? 1) : 1
        let seed = request.int("seed") ?? -1
        let choices = (0..<n).map { Responses.Choice.seeded(seed, index: $0) }
        return .respond(status: 200, body: shape(choices))
    }
}
