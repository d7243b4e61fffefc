import Foundation
import QuorumEngine
import QuorumHTTP
import QuorumRun

/// The model behind `quorum run --model`: the embedded engine on a GGUF file (a catalogue name or a path), or
/// OpenAI-compatible servers (`http://HOST:PORT/v1[,URL2…]`).
struct RunModel {
    /// Samples the paths.
    let sampler: any PathSampler
    /// The model's part of `run.json`.
    let record: RunManifest.ModelRecord
    /// The GGUF chat template, when the model has one.
    let chatTemplate: String?
    /// The model's short name, for messages.
    let name: String
    /// The HTTP backend to shut down when the run ends (nil for the engine).
    let backend: OpenAICompatibleBackend?

    /// Whether `spec` names servers rather than a GGUF model.
    static func isHTTP(_ spec: String) -> Bool {
        let lower = spec.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Connects to the servers of `spec` (comma-separated URLs) and finds the model they serve.
    /// - Parameters:
    ///   - servedModel: the model name to send (default: the one model every endpoint lists).
    ///   - apiKeyVariable: the environment variable holding the API key.
    ///   - requestsPerEndpoint: requests in flight per endpoint at most.
    static func http(
        _ spec: String, servedModel: String?, apiKeyVariable: String, requestsPerEndpoint: Int, samples: Int
    ) async throws -> RunModel {
        let endpoints = try Endpoint.list(spec)
        let configuration = HTTPBackendConfiguration(
            endpoints: endpoints, model: servedModel, apiKeyEnvironmentVariable: apiKeyVariable,
            maxConcurrentRequestsPerEndpoint: requestsPerEndpoint)
        let backend = try OpenAICompatibleBackend(configuration: configuration)
        do {
            let model = try await HTTPPathSampler.servedModel(backend, name: servedModel)
            // Enough problems in flight to keep every slot busy, plus one.
            let problems = (endpoints.count * requestsPerEndpoint + samples - 1) / samples + 1
            return RunModel(
                sampler: HTTPPathSampler(backend: backend, servedModel: model, concurrentProblems: problems),
                record: RunManifest.ModelRecord(identity: model, backend: "http", endpoints: endpoints.map(\.base)),
                chatTemplate: nil, name: model, backend: backend)
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    /// Releases what the model holds (the HTTP client's connections).
    func shutdown() async {
        try? await backend?.shutdown()
    }

    /// Loads the GGUF model `spec` (`smollm2-135m` or `FILE.gguf`) with `threads` forward-pass threads.
    static func engine(_ spec: String, threads: Int?) throws -> RunModel {
        let store = ModelStore()
        let path = try store.resolve(spec)
        let catalogue = ModelCatalog.model(named: spec)
        let sha256: String
        if let catalogue, store.status(of: catalogue) == .verified {
            sha256 = catalogue.sha256
        } else {
            sha256 = try SHA256.hex(ofFile: path)
        }
        let file = try GGUFFile(path: path)
        let model = try EngineModel(file: file, threads: threads)
        let name = catalogue?.name ?? model.name
        let identity = "\(name)@\(sha256.prefix(8))"
        let parameters = file.tensors.reduce(0) { $0 + $1.elementCount }
        return RunModel(
            sampler: LanguageModelPathSampler(model: model, identity: identity, name: name, parameterCount: parameters),
            record: RunManifest.ModelRecord(
                identity: identity, backend: "engine", file: path, sha256: sha256, parameters: parameters,
                threads: threads ?? ProcessInfo.processInfo.activeProcessorCount),
            chatTemplate: file["tokenizer.chat_template"]?.stringValue, name: name, backend: nil)
    }
}
