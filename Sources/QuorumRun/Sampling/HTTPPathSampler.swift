import QuorumCore
import QuorumHTTP

/// Samples paths from OpenAI-compatible servers (`/v1/completions` with log-probabilities) through
/// ``OpenAICompatibleBackend``: one request per path (`n` = 1) carrying the path's own seed, so a path does not
/// depend on which endpoint serves it or on which other paths are asked for at the same time, and a resumed
/// run asks for exactly the missing paths. The backend bounds the requests in flight per endpoint, dispatches
/// to the least busy one and retries failures; a problem whose paths cannot be had fails the run clearly
/// (what was written stays; the same command resumes).
///
/// Sampling parameters are sent explicitly, disabled ones included (`top_k` 0, `min_p` 0, `top_p` 1), so that a
/// server's own defaults (llama.cpp: top-k 40, min-p 0.05) never change the decoder silently; OpenAI's own API
/// rejects `top_k` and `min_p`. Token ids are recorded when the server sends them (llama.cpp does), and FLOPs
/// are 0: a server does not say its parameter count.
public struct HTTPPathSampler: PathSampler {
    /// The backend (owned by the caller, who shuts it down).
    public let backend: OpenAICompatibleBackend
    /// The served model's name, as every endpoint's `/v1/models` lists it (or as given).
    public let modelIdentity: String
    public var modelName: String { modelIdentity }
    public var parameterCount: Int? { nil }
    public let concurrentProblems: Int

    /// A sampler for `servedModel` on `backend`.
    /// - Parameter concurrentProblems: problems sampled at once (default 2, so that one problem's last slow
    ///   paths do not leave the servers idle).
    public init(backend: OpenAICompatibleBackend, servedModel: String, concurrentProblems: Int = 2) {
        self.backend = backend
        modelIdentity = servedModel
        self.concurrentProblems = max(1, concurrentProblems)
    }

    /// Asks every endpoint which model it serves: all must serve `name` (when given) or one and the same
    /// model. Returns that model's name.
    public static func servedModel(_ backend: OpenAICompatibleBackend, name: String?) async throws(RunError) -> String {
        var found: [String: [String]] = [:]
        for endpoint in backend.configuration.endpoints {
            let models: [String]
            do {
                models = try await backend.listModels(at: endpoint)
            } catch let error as HTTPBackendError {
                // The error names the endpoint (or its /models URL) itself: said once, not twice.
                throw .invalidSettings("asking for the served models: \(error)")
            } catch {
                throw .invalidSettings("asking \(endpoint.modelsURL) for the served models: \(error)")
            }
            if let name {
                guard models.contains(name) else {
                    throw .invalidSettings(
                        "\(endpoint) does not serve \(name) (it lists \(models.isEmpty ? "no model" : models.joined(separator: ", ")))")
                }
            } else {
                guard models.count == 1 else {
                    throw .invalidSettings(
                        "\(endpoint) lists \(models.isEmpty ? "no model" : "several models (\(models.joined(separator: ", ")))"); "
                            + "name the one to use with --served-model")
                }
                found[models[0], default: []].append(endpoint.base)
            }
        }
        if let name { return name }
        guard found.count == 1, let model = found.keys.first else {
            let list = found.map { "\($0.key) at \($0.value.joined(separator: ", "))" }.sorted().joined(separator: "; ")
            throw .invalidSettings("the endpoints serve different models (\(list)); a run samples one model")
        }
        return model
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        let backend = self.backend
        return try await withThrowingTaskGroup(of: SampledPath.self) { group in
            for path in job.wanted {
                let request = CompletionRequest(
                    prompt: job.prompt, maxTokens: job.decoder.maxTokens, temperature: job.decoder.temperature,
                    topP: job.decoder.topP, topK: job.decoder.topK, minP: job.decoder.minP, seed: job.seeds[path],
                    stop: job.stop, n: 1, logprobs: 0)
                group.addTask {
                    let completions = try await backend.complete(request)
                    guard completions.count == 1, let c = completions.first else {
                        throw RunError.sampling(
                            problem: job.problem, reason: "asked for 1 completion, received \(completions.count)")
                    }
                    return try Self.path(c, index: path, seed: job.seeds[path], problem: job.problem)
                }
            }
            var paths: [SampledPath] = []
            for try await path in group { paths.append(path) }
            return paths.sorted { $0.path < $1.path }
        }
    }

    /// The sampled path of a completion; a completion without log-probabilities is an error (PPL, PC and RPC
    /// need them).
    static func path(_ c: Completion, index: Int, seed: UInt32, problem: String) throws(RunError) -> SampledPath {
        guard let logprobs = c.logprobs else {
            throw .sampling(
                problem: problem,
                reason: "\(c.endpoint) returned a completion without log-probabilities (the run needs them)")
        }
        return SampledPath(
            path: index, seed: seed, text: c.text, finish: c.finish, tokens: logprobs.ids, logprobs: logprobs.logprobs,
            promptTokens: c.usage.promptTokens ?? 0, generatedTokens: logprobs.count, seconds: c.seconds)
    }
}
