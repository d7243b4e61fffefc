import Foundation
import QuorumTestSupport
import Testing

@testable import QuorumHTTP

/// The backend against a real llama.cpp server with smollm2-135m. Skipped, loudly, when the server binary has
/// not been built (scripts/build-llama-server.sh); fails when the binary is there but the model is not.
@Suite("HTTP backend: real llama-server", .serialized, .enabled(if: LlamaServer.isAvailable, "llama-server not built"))
struct RealServerTests {
    private static let modelName = "smollm2-135m"

    /// Checks what every completion from a real server must satisfy.
    private func checkSane(_ c: Completion, k: Int, maxTokens: Int) throws {
        let lp = try #require(c.logprobs, "no log-probabilities in \(c)")
        #expect(lp.count >= 1 && lp.count <= maxTokens)
        #expect(lp.logprobs.allSatisfy { $0.isFinite && $0 <= 0 })
        for (i, alternatives) in lp.top.enumerated() {
            #expect(alternatives.count == k)
            #expect(alternatives.allSatisfy { $0.logprob.isFinite && $0.logprob <= 0 })
            #expect(zip(alternatives, alternatives.dropFirst()).allSatisfy { $0.logprob >= $1.logprob })
            // The K most likely tokens: the sampled one is no likelier than the first.
            #expect(lp.logprobs[i] <= alternatives[0].logprob + 1e-5)
            #expect(alternatives.reduce(0) { $0 + exp($1.logprob) } <= 1 + 1e-4)
        }
        #expect(lp.ids?.count == lp.count)
        if c.finish == .length {
            #expect(lp.count == maxTokens)
            #expect(c.usage.completionTokens == lp.count)
            #expect(lp.tokens.joined() == c.text)
            let bytes = lp.bytes.compactMap { $0 }.flatMap { $0 }
            #expect(String(decoding: bytes, as: UTF8.self) == c.text)
        }
        #expect((c.usage.promptTokens ?? 0) > 0)
        #expect(c.seconds > 0)
    }

    private func withServer<T>(_ body: (LlamaServer, OpenAICompatibleBackend) async throws -> T) async throws -> T {
        let model = LlamaServer.model(Self.modelName)
        try #require(FileManager.default.fileExists(atPath: model), "model file missing: \(model)")
        let server = try await LlamaServer(model: model, parallel: 4)
        defer { server.stop() }
        let configuration = HTTPBackendConfiguration(
            endpoints: [try Endpoint(server.baseURL)], model: nil, requestTimeout: .seconds(120),
            retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(100)))
        return try await OpenAICompatibleBackend.withBackend(configuration, environment: [:]) { try await body(server, $0) }
    }

    @Test func completionsWithLogprobs() async throws {
        try await withServer { _, backend in
            let request = CompletionRequest(
                prompt: "Once upon a time", maxTokens: 12, temperature: 0.8, topP: 0.95,
                topK: 40, minP: 0.05, seed: 42, n: 1, logprobs: 5)
            let first = try await backend.complete(request)
            let c = try #require(first.first)
            try checkSane(c, k: 5, maxTokens: 12)
            #expect(c.model.hasSuffix(".gguf") || !c.model.isEmpty)  // discovered through /v1/models
            // Seeded sampling is reproducible.
            let again = try await backend.complete(request)
            #expect(again.first?.text == c.text)
            #expect(again.first?.logprobs?.logprobs == c.logprobs?.logprobs)
            // Greedy decoding picks the most likely token at each step.
            var greedy = request
            greedy.prompt = "Question: What is 12 plus 7?\nAnswer:"
            greedy.temperature = 0
            let g = try #require(try await backend.complete(greedy).first)
            try checkSane(g, k: 5, maxTokens: 12)
            let lp = try #require(g.logprobs)
            for i in 0..<lp.count {
                #expect(abs(lp.logprobs[i] - lp.top[i][0].logprob) < 1e-4)
                #expect(lp.tokens[i] == lp.top[i][0].token)
            }
        }
    }

    @Test func nativeNAndFallbackBeyondTheSlots() async throws {
        try await withServer { _, backend in
            // llama.cpp honours n up to its slot count (4 here) …
            var request = CompletionRequest(
                prompt: "Once upon a time", maxTokens: 8, temperature: 1.0, seed: 7, n: 3, logprobs: 2)
            let three = try await backend.complete(request)
            #expect(three.count == 3)
            #expect(three.allSatisfy { $0.choicesInResponse == 3 })
            for c in three { try checkSane(c, k: 2, maxTokens: 8) }
            #expect(Set(three.map(\.text)).count > 1)
            // … and answers 400 beyond it: the backend then asks one by one, with derived seeds.
            request.n = 6
            let six = try await backend.complete(request)
            #expect(six.count == 6)
            #expect(six.map(\.index) == Array(0..<6))
            #expect(six.map(\.seed) == (0..<6).map { request.seed(forSample: $0) })
            for c in six { try checkSane(c, k: 2, maxTokens: 8) }
        }
    }

    @Test func stopStringsEndGeneration() async throws {
        try await withServer { _, backend in
            let request = CompletionRequest(
                prompt: "1, 2, 3, 4, 5, 6,", maxTokens: 16, temperature: 0, stop: [","], logprobs: 1)
            let c = try #require(try await backend.complete(request).first)
            #expect(c.finish == .stop)
            #expect(!c.text.contains(","))
            #expect(c.text.trimmingCharacters(in: .whitespaces) == "7")
            let lp = try #require(c.logprobs)
            #expect(lp.logprobs.allSatisfy { $0.isFinite && $0 <= 0 })
        }
    }

    @Test func twoServersShareTheWork() async throws {
        let model = LlamaServer.model(Self.modelName)
        try #require(FileManager.default.fileExists(atPath: model), "model file missing: \(model)")
        let a = try await LlamaServer(model: model, parallel: 2)
        defer { a.stop() }
        let b = try await LlamaServer(model: model, parallel: 2)
        defer { b.stop() }
        let configuration = HTTPBackendConfiguration(
            endpoints: [try Endpoint(a.baseURL), try Endpoint(b.baseURL)], maxConcurrentRequestsPerEndpoint: 2,
            requestTimeout: .seconds(120), nStrategy: .separate)
        let request = CompletionRequest(prompt: "The weather today is", maxTokens: 6, temperature: 1.0, seed: 3, n: 8, logprobs: 1)
        let completions = try await OpenAICompatibleBackend.withBackend(configuration, environment: [:]) {
            try await $0.complete(request)
        }
        #expect(completions.map(\.seed) == (0..<8).map { request.seed(forSample: $0) })
        #expect(Set(completions.map(\.endpoint)) == [a.baseURL, b.baseURL])
        for c in completions { try checkSane(c, k: 1, maxTokens: 6) }
    }
}
