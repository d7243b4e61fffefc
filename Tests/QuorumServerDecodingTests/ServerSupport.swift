import Foundation
import QuorumHTTP
import QuorumTestSupport
import Testing

/// Real llama-servers for the tests (one thread each, as the test support starts them) and backends to them.
enum ServerSupport {
    static let draftModel = "smollm2-135m"
    static let leaderModel = "qwen2.5-coder-0.5b"

    /// A one-shot arithmetic prompt; both models answer the second question in a few sentences.
    static let prompt = """
        Q: Tom has 3 apples. He buys 2 more. How many apples does he have now?
        A: Tom starts with 3 apples. He buys 2 more, so 3 + 2 = 5. The answer is 5.

        Q: A box holds 4 pens. How many pens are in 3 boxes?
        A:
        """

    static func backend(_ url: String, attempts: Int = 2) throws -> OpenAICompatibleBackend {
        try OpenAICompatibleBackend(
            configuration: HTTPBackendConfiguration(
                endpoints: [try Endpoint(url)], model: "served", requestTimeout: .seconds(300),
                retry: RetryPolicy(maxAttempts: attempts, initialBackoff: .milliseconds(50))),
            environment: [:])
    }

    /// Starts a server for each model name (in order), runs `body` with their backends, stops them.
    static func withServers<T>(
        _ models: [String], parallel: Int = 4, _ body: ([OpenAICompatibleBackend]) async throws -> T
    ) async throws -> T {
        var servers: [LlamaServer] = []
        var backends: [OpenAICompatibleBackend] = []
        defer { for s in servers { s.stop() } }
        do {
            for name in models {
                let file = LlamaServer.model(name)
                try #require(FileManager.default.fileExists(atPath: file), "model file missing: \(file)")
                // One token per micro-batch: llama.cpp computes a batch of prompt tokens with other kernels than
                // one generated token, so without it a text's greedy continuation can depend on how the text was
                // split between requests (the prompt cache), and a near tie can flip.
                let server = try await LlamaServer(model: file, parallel: parallel, arguments: ["-ub", "1"])
                servers.append(server)
                backends.append(try backend(server.baseURL))
            }
            let result = try await body(backends)
            for b in backends { try? await b.shutdown() }
            return result
        } catch {
            for b in backends { try? await b.shutdown() }
            throw error
        }
    }

    /// The server's own greedy completion of `prompt`.
    static func greedy(_ backend: OpenAICompatibleBackend, _ prompt: String, maxTokens: Int, stop: [String]) async throws -> Completion {
        let c = try await backend.complete(CompletionRequest(
            prompt: prompt, maxTokens: maxTokens, temperature: 0, topP: 1, topK: 0, minP: 0, stop: stop, n: 1, logprobs: 1))
        return try #require(c.first)
    }
}
