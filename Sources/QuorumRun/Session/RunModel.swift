import Foundation
import QuorumEngine
import QuorumHTTP
import QuorumCore
import QuorumRunFolder

/// The model behind a run (`quorum run --model`): the embedded engine on a GGUF file (a catalogue name or a
/// path), or OpenAI-compatible servers (`http://HOST:PORT/v1[,URL2…]`), with the path sampler that decodes
/// with it (sampling, FoReaL or AdaDec): the sampler choice of ``RunSession``.
public struct RunModel: Sendable {
    /// Samples the paths.
    public let sampler: any PathSampler
    /// The model's part of `run.json`.
    public let record: RunManifest.ModelRecord
    /// The GGUF chat template, when the model has one.
    public let chatTemplate: String?
    /// The model's short name, for messages.
    public let name: String
    /// The HTTP backends to shut down when the run ends (none for the engine).
    public let backends: [OpenAICompatibleBackend]

    /// Whether `spec` names servers rather than a GGUF model.
    public static func isHTTP(_ spec: String) -> Bool {
        let lower = spec.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Connects to the servers of `spec` (comma-separated URLs) and finds the model they serve.
    /// - Parameters:
    ///   - servedModel: the model name to send (default: the one model every endpoint lists).
    ///   - apiKeyVariable: the environment variable holding the API key.
    ///   - requestsPerEndpoint: requests in flight per endpoint at most.
    ///   - adadec: decode the paths with AdaDec over the servers (``ServerAdaDecPathSampler``).
    ///   - timeouts: the request and connect deadlines and how often a waiting request is reported.
    public static func http(
        _ spec: String, servedModel: String?, apiKeyVariable: String, requestsPerEndpoint: Int, samples: Int,
        timeouts: ServerTimeouts, adadec: Bool = false
    ) async throws -> RunModel {
        let (backend, model, endpoints) = try await connect(
            spec, servedModel: servedModel, apiKeyVariable: apiKeyVariable, requestsPerEndpoint: requestsPerEndpoint,
            timeouts: timeouts)
        // Enough problems in flight to keep every slot busy, plus one.
        let problems = (endpoints.count * requestsPerEndpoint + samples - 1) / samples + 1
        let sampler: any PathSampler =
            adadec
            // An AdaDec step sends up to B roll-outs at once: fewer problems fill the slots.
            ? ServerAdaDecPathSampler(
                backend: backend, servedModel: model, concurrentProblems: max(1, endpoints.count * requestsPerEndpoint / 4))
            : HTTPPathSampler(backend: backend, servedModel: model, concurrentProblems: problems)
        return RunModel(
            sampler: sampler,
            record: RunManifest.ModelRecord(identity: model, backend: .http, endpoints: endpoints.map(\.base)),
            chatTemplate: nil, name: model, backends: [backend])
    }

    /// A backend for the servers of `spec` and the model they serve.
    public static func connect(
        _ spec: String, servedModel: String?, apiKeyVariable: String, requestsPerEndpoint: Int, timeouts: ServerTimeouts
    ) async throws -> (OpenAICompatibleBackend, String, [Endpoint]) {
        let endpoints = try Endpoint.list(spec)
        var configuration = HTTPBackendConfiguration(
            endpoints: endpoints, model: servedModel, apiKeyEnvironmentVariable: apiKeyVariable,
            maxConcurrentRequestsPerEndpoint: requestsPerEndpoint)
        timeouts.apply(to: &configuration)
        let backend = try OpenAICompatibleBackend(configuration: configuration, onWait: timeouts.onWait)
        do {
            return (backend, try await HTTPPathSampler.servedModel(backend, name: servedModel), endpoints)
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    /// Releases what the model holds (the HTTP client's connections).
    public func shutdown() async {
        for backend in backends { try? await backend.shutdown() }
    }

    /// A GGUF model loaded into the engine, with what a run records about it.
    public struct Loaded: Sendable {
        /// The engine.
        public let model: EngineModel
        /// The catalogue name, else the file's own name.
        public let name: String
        /// `name@sha256-prefix`, what every path's `model` field says.
        public let identity: String
        /// The GGUF file.
        public let path: String
        /// SHA-256 of the file, hex.
        public let sha256: String
        /// Tensor elements.
        public let parameters: Int
        /// The GGUF chat template, when the file has one.
        public let chatTemplate: String?
    }

    /// Loads the GGUF model `spec` (`smollm2-135m` or `FILE.gguf`) with `threads` forward-pass threads.
    public static func load(_ spec: String, threads: Int?) throws -> Loaded {
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
        return Loaded(
            model: model, name: name, identity: "\(name)@\(sha256.prefix(8))", path: path, sha256: sha256,
            parameters: file.tensors.reduce(0) { $0 + $1.elementCount },
            chatTemplate: file["tokenizer.chat_template"]?.stringValue)
    }

    /// Loads the GGUF model `spec` (`smollm2-135m` or `FILE.gguf`) with `threads` forward-pass threads; with
    /// `adadec`, its paths are decoded by AdaDec.
    public static func engine(_ spec: String, threads: Int?, maxBatch: Int = 16, adadec: Bool = false) throws -> RunModel {
        let m = try load(spec, threads: threads)
        let sampler: any PathSampler =
            adadec
            ? AdaDecPathSampler(model: m.model, identity: m.identity, name: m.name, parameterCount: m.parameters)
            : LanguageModelPathSampler(
                model: m.model, identity: m.identity, name: m.name, parameterCount: m.parameters, maxBatch: maxBatch)
        return RunModel(
            sampler: sampler,
            record: RunManifest.ModelRecord(
                identity: m.identity, backend: .engine, file: m.path, sha256: m.sha256, parameters: m.parameters,
                threads: threads ?? ProcessInfo.processInfo.activeProcessorCount),
            chatTemplate: m.chatTemplate, name: m.name, backends: [])
    }

    /// FoReaL with a leader and a draft, each a GGUF model or servers (`http://…[,…]`). The record describes
    /// the leader; the draft is in the decoder settings and in every path's model identity.
    public static func foreal(
        leader: String, draft: String, threads: Int?, kind: TaskKind, apiKeyVariable: String, requestsPerEndpoint: Int,
        timeouts: ServerTimeouts
    ) async throws -> RunModel {
        var backends: [OpenAICompatibleBackend] = []
        struct Side {
            var side: FoReaLSide
            var identity: String
            var name: String
            var record: RunManifest.ModelRecord
            var chatTemplate: String?
        }
        func side(_ spec: String) async throws -> Side {
            if isHTTP(spec) {
                let (backend, model, endpoints) = try await connect(
                    spec, servedModel: nil, apiKeyVariable: apiKeyVariable, requestsPerEndpoint: requestsPerEndpoint,
                    timeouts: timeouts)
                backends.append(backend)
                return Side(
                    side: .server(backend), identity: model, name: model,
                    record: RunManifest.ModelRecord(identity: model, backend: .http, endpoints: endpoints.map(\.base)))
            }
            let m = try load(spec, threads: threads)
            return Side(
                side: .engine(m.model, parameters: m.parameters), identity: m.identity, name: m.name,
                record: RunManifest.ModelRecord(
                    identity: m.identity, backend: .engine, file: m.path, sha256: m.sha256, parameters: m.parameters,
                    threads: threads ?? ProcessInfo.processInfo.activeProcessorCount),
                chatTemplate: m.chatTemplate)
        }
        do {
            var l = try await side(leader)
            var d = try await side(draft)
            if l.name == d.name {
                // The names key cost.per_model: keep the two models' costs apart.
                l.name = "leader:" + l.name
                d.name = "draft:" + d.name
            }
            let sampler = FoReaLPathSampler(
                leader: l.side, leaderIdentity: l.identity, leaderName: l.name, draft: d.side, draftIdentity: d.identity,
                draftName: d.name, delimiters: kind == .code ? .code : .prose)
            var record = l.record
            record.identity = sampler.modelIdentity
            return RunModel(
                sampler: sampler, record: record, chatTemplate: l.chatTemplate ?? d.chatTemplate, name: l.name,
                backends: backends)
        } catch {
            for backend in backends { try? await backend.shutdown() }
            throw error
        }
    }
}

/// The deadlines of requests to servers, and where a notice of a request kept waiting goes.
public struct ServerTimeouts: Sendable {
    /// The most a request may take.
    public var request: Duration
    /// The most connecting may take.
    public var connect: Duration
    /// How often a request still waiting is reported; `nil`: no wait notices.
    public var waitNotice: Duration?
    /// Receives the wait notices.
    public var onWait: (@Sendable (WaitNotice) -> Void)?

    /// Deadlines; see the properties.
    public init(
        request: Duration, connect: Duration, waitNotice: Duration?, onWait: (@Sendable (WaitNotice) -> Void)? = nil
    ) {
        self.request = request
        self.connect = connect
        self.waitNotice = waitNotice
        self.onWait = onWait
    }

    /// Applies them to `configuration`.
    public func apply(to configuration: inout HTTPBackendConfiguration) {
        configuration.requestTimeout = request
        configuration.connectTimeout = connect
        configuration.waitNoticeInterval = waitNotice
    }
}
