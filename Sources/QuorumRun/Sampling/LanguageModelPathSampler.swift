import Foundation
import QuorumCore
import QuorumDecode

/// Samples paths from a ``LanguageModel`` (the embedded engine) with continuous batching across problems
/// (``LanguageModel/generate(requests:maxBatch:onFinished:)``): up to ``maxBatch`` paths advance together in
/// every forward step, and when paths end, paths of the next problems take their places. Each problem's prompt
/// is prefilled once and its paths fork it; the part every prompt of the run shares
/// (``SamplingJob/sharedPrefix``, e.g. the few-shot exemplars) is prefilled once for the whole run.
///
/// Shared prefix: the prefix text is tokenized, its last two tokens are dropped (a token may straddle the
/// boundary between the template's text and the question), and a prompt whose own tokens begin with those
/// tokens continues from a fork of the prefilled prefix; any other prompt is prefilled whole. So the model
/// always sees exactly the tokens of the whole prompt.
///
/// Determinism: every path draws from its own seed (``GenerationRequest/seeds``), and the engine computes
/// each row of a batched step exactly as it would alone (with 8-bit activations, its default: the same
/// kernels and the same summation order whatever the number of rows), so a path's tokens and
/// log-probabilities depend only on the prompt, the decoder settings and its seed — not on which problems or
/// paths share its batch. A resumed run therefore samples only the missing paths and writes what an
/// uninterrupted run writes.
public struct LanguageModelPathSampler: BatchingPathSampler {
    /// The model.
    public let model: any LanguageModel
    public let modelIdentity: String
    public let modelName: String
    public let parameterCount: Int?
    /// Most paths per forward step.
    public let maxBatch: Int
    /// Always 1: ``sample(_:onProblem:)`` already keeps the model's batch full across problems.
    public var concurrentProblems: Int { 1 }
    private let prefixes: PrefixCache

    /// A sampler over `model`.
    /// - Parameters:
    ///   - identity: `name@sha256-prefix`, written into every path.
    ///   - name: the model's short name, the key of `cost.per_model`.
    ///   - parameterCount: the model's parameters, for FLOPs.
    ///   - maxBatch: most paths per forward step (default 16).
    public init(model: any LanguageModel, identity: String, name: String, parameterCount: Int?, maxBatch: Int = 16) {
        self.model = model
        modelIdentity = identity
        modelName = name
        self.parameterCount = parameterCount
        self.maxBatch = max(1, maxBatch)
        prefixes = PrefixCache(model: model)
    }

    public func sample(_ job: SamplingJob) async throws -> [SampledPath] {
        var result: [SampledPath] = []
        try await sample([job]) { _, paths in result = paths }
        return result
    }

    public func sample(_ jobs: [SamplingJob], onProblem: (Int, [SampledPath]) async throws -> Void) async throws {
        guard !jobs.isEmpty else { return }
        guard let text = model.text else {
            throw PathSamplingError(job: 0, reason: "\(DecodeError.noTokenizer("sampling from a text prompt"))")
        }
        // The prefix of the first job's template; a job with another one (not made by one run) is prefilled whole.
        let shared = jobs[0].sharedPrefix
        let prefix: (tokens: [Int], sequence: SequenceID)?
        do {
            prefix = try await prefixes.prefix(for: shared, text: text)
        } catch {
            throw PathSamplingError(job: 0, reason: "prefilling the shared prefix: \(error)")
        }
        var prompts: [[Int]] = []
        var requests: [(request: GenerationRequest, prefix: SequenceID?)] = []
        for (i, job) in jobs.enumerated() {
            let prompt: [Int]
            do { prompt = try text.encode(job.prompt) } catch { throw PathSamplingError(job: i, reason: "\(error)") }
            prompts.append(prompt)
            guard prompt.count <= model.contextLength else {
                throw PathSamplingError(
                    job: i, reason: "the prompt has \(prompt.count) tokens, more than the context length \(model.contextLength)")
            }
            var request = GenerationRequest(
                prompt: prompt, samples: job.wanted.count, sampling: job.decoder.sampling(seed: 0),
                maxTokens: job.decoder.maxTokens, stop: job.stop, seeds: job.wanted.map { UInt64(job.seeds[$0]) })
            if let prefix, job.sharedPrefix == shared, prompt.count > prefix.tokens.count, prompt.starts(with: prefix.tokens) {
                request.prompt = Array(prompt[prefix.tokens.count...])
                requests.append((request, prefix.sequence))
            } else {
                requests.append((request, nil))
            }
        }
        var finished: [Int: [Generation]] = [:]
        var delivered = Set<Int>()
        var last = ContinuousClock.now
        do {
            try await model.generate(requests: requests, maxBatch: maxBatch) { done in
                finished[done.request, default: []].append(done.generation)
                guard done.completesRequest else { return }
                let i = done.request, job = jobs[i]
                let generations = finished.removeValue(forKey: i)!.sorted { $0.index < $1.index }
                // The wall-clock time since the previous problem ended, shared by this problem's paths.
                let now = ContinuousClock.now
                let elapsed = last.duration(to: now)
                last = now
                let seconds = elapsed.seconds
                let share = seconds / Double(max(1, generations.count))
                let paths = zip(job.wanted, generations).map { path, g in
                    SampledPath(
                        path: path, seed: job.seeds[path], text: g.text ?? "", finish: g.finish, tokens: g.tokens,
                        logprobs: g.logprobs, promptTokens: prompts[i].count, generatedTokens: g.steps.count,
                        seconds: share)
                }
                delivered.insert(i)
                try await onProblem(i, paths)
            }
        } catch let error as PathSamplingError {
            throw error
        } catch {
            // The failure of a request names it ("request N: …"); others are charged to the first job still open.
            let open = jobs.indices.first { !delivered.contains($0) } ?? 0
            throw PathSamplingError(job: open, reason: "\(error)")
        }
    }
}

/// The prefilled shared prefix of the prompts of a run (one at a time: a new prefix text replaces the old).
actor PrefixCache {
    let model: any LanguageModel
    private var text: String?
    private var cached: (tokens: [Int], sequence: SequenceID)?

    init(model: any LanguageModel) { self.model = model }

    /// The prefilled sequence of `prefix`'s tokens minus the last two, or `nil` when that leaves nothing.
    func prefix(for prefix: String, text codec: any TokenText) async throws -> (tokens: [Int], sequence: SequenceID)? {
        if prefix == text { return cached }
        if let old = cached?.sequence { await model.free(old) }
        cached = nil
        text = prefix
        guard !prefix.isEmpty else { return nil }
        let tokens = Array(try codec.encode(prefix).dropLast(2))
        guard !tokens.isEmpty, tokens.count < model.contextLength else { return nil }
        let sequence = try await model.makeSequence()
        do {
            _ = try await model.prefill(sequence, tokens: tokens, distributions: 0)
        } catch {
            await model.free(sequence)
            throw error
        }
        cached = (tokens, sequence)
        return cached
    }
}
