/// One completion finished by ``LanguageModel/generate(requests:maxBatch:onFinished:)``.
public struct BatchedGeneration: Sendable, Hashable {
    /// The position of its request among the requests given (0-based).
    public var request: Int
    /// The completion; its `index` is the sample's index within the request.
    public var generation: Generation
    /// Whether this was the request's last unfinished sample (every completion of the request has now been
    /// delivered).
    public var completesRequest: Bool

    /// A finished completion; see the properties.
    public init(request: Int, generation: Generation, completesRequest: Bool) {
        self.request = request
        self.generation = generation
        self.completesRequest = completesRequest
    }
}

extension LanguageModel {
    /// Generates the completions of many requests with continuous batching: every step advances up to
    /// `maxBatch` sequences together, and whenever samples finish, new ones join, so the batch stays full
    /// across requests (problems) instead of draining at the end of each one.
    ///
    /// Requests are taken from `requests` in order, lazily: the next one is read and its prompt prefilled
    /// only when the batch has room and every sample of the requests already taken has started. Each
    /// request's prompt is prefilled once; its samples are forked from it as slots free up (the embedded
    /// engine shares the prompt's KV cache between them), so a request may have more samples than
    /// `maxBatch`. Every sample is generated exactly as ``generate(_:)`` generates it (same sampler stream,
    /// stop rules and records), whatever else shares its batch.
    ///
    /// `onFinished` receives each completion as soon as it ends, in the order they end (not in request or
    /// sample order); `completesRequest` marks a request's last one. It is awaited before decoding goes on.
    /// A request that fails validation ends the call with ``DecodeError/invalidRequest(_:)`` naming the
    /// request; completions delivered before that stay delivered. Every sequence made is freed before this
    /// returns or throws, also on cancellation.
    ///
    /// - Parameters:
    ///   - requests: the requests, read lazily in order.
    ///   - maxBatch: most sequences per step (default 16); must be ≥ 1.
    ///   - onFinished: called with every finished completion.
    public func generate<Requests: Sequence<GenerationRequest>>(
        requests: Requests, maxBatch: Int = 16, onFinished: (BatchedGeneration) async throws -> Void
    ) async throws {
        try await generate(
            requests: requests.lazy.map { (request: $0, prefix: SequenceID?.none) }, maxBatch: maxBatch,
            onFinished: onFinished)
    }

    /// ``generate(requests:maxBatch:onFinished:)`` for requests that may continue a prefilled prefix: a
    /// request whose `prefix` is given generates like ``generate(_:after:)`` (its samples start from a fork
    /// of `prefix`, which is left unchanged and must stay alive until the call returns); one without, like
    /// ``generate(_:)``. Requests with and without prefixes, and with different prefixes, share the batch.
    public func generate<Requests: Sequence<(request: GenerationRequest, prefix: SequenceID?)>>(
        requests: Requests, maxBatch: Int = 16, onFinished: (BatchedGeneration) async throws -> Void
    ) async throws {
        guard maxBatch >= 1 else { throw DecodeError.invalidRequest("the batch size must be ≥ 1, not \(maxBatch)") }
        let codec = text
        var pending = requests.makeIterator()
        var taken = 0
        var exhausted = false
        var open: [Int: OpenRequest] = [:]
        var order: [Int] = []  // open requests in the order they were taken
        var active: [GenerationSample] = []
        do {
            while true {
                try Task.checkCancellation()
                // Fill the batch: start samples of open requests first, then take a new request.
                while active.count < maxBatch {
                    if let id = order.first(where: { open[$0]!.unstarted > 0 }) {
                        var o = open[id]!
                        let index = o.request.samples - o.unstarted
                        // The last sample continues the prefilled sequence itself; the others fork it.
                        let sequence = o.unstarted == 1 ? o.base : try await fork(o.base)
                        o.unstarted -= 1
                        o.running += 1
                        open[id] = o
                        active.append(
                            GenerationSample(request: id, index: index, sequence: sequence, parameters: o.request, distribution: o.first!))
                        continue
                    }
                    if exhausted { break }
                    guard let (request, prefix) = pending.next() else {
                        exhausted = true
                        break
                    }
                    let id = taken
                    taken += 1
                    var promptLength = request.prompt.count
                    do {
                        if let prefix { promptLength += try await tokens(of: prefix).count }
                        try check(request, promptLength: promptLength)
                    } catch let error as DecodeError {
                        if case .invalidRequest(let why) = error { throw DecodeError.invalidRequest("request \(id): \(why)") }
                        throw DecodeError.invalidRequest("request \(id): \(error.description)")
                    }
                    let base: SequenceID
                    if let prefix { base = try await fork(prefix) } else { base = try await makeSequence() }
                    open[id] = OpenRequest(
                        request: request, promptLength: promptLength, base: base, first: nil, unstarted: 0, running: 0)
                    order.append(id)
                    let first = try await prefill(base, tokens: request.prompt, distributions: 1)[0]
                    open[id] = OpenRequest(
                        request: request, promptLength: promptLength, base: base, first: first,
                        unstarted: request.samples, running: 0)
                }
                if active.isEmpty { break }

                // Choose every active sample's next token; deliver the ones that ended.
                var rows: [StepRow] = []
                var continuing: [GenerationSample] = []
                for var sample in active {
                    let owner = open[sample.request]!
                    let eog = owner.request.stopAtEndOfGeneration ? endOfGenerationTokens : []
                    if let token = sample.advance(
                        owner.request, eog: eog, codec: codec, promptLength: owner.promptLength,
                        contextLength: contextLength)
                    {
                        rows.append(StepRow(sequence: sample.sequence, token: token))
                        continuing.append(sample)
                        continue
                    }
                    await free(sample.sequence)
                    var o = open[sample.request]!
                    o.running -= 1
                    let complete = o.running == 0 && o.unstarted == 0
                    if complete {
                        open[sample.request] = nil
                        order.removeAll { $0 == sample.request }
                    } else {
                        open[sample.request] = o
                    }
                    try await onFinished(
                        BatchedGeneration(request: sample.request, generation: sample.generation(codec: codec), completesRequest: complete))
                }
                active = continuing
                if rows.isEmpty { continue }
                let next = try await step(rows)
                for i in active.indices { active[i].distribution = next[i] }
            }
        } catch {
            for sample in active { await free(sample.sequence) }
            for o in open.values where o.first == nil || o.unstarted > 0 { await free(o.base) }
            throw error
        }
    }

    /// ``generate(requests:maxBatch:onFinished:)`` as an asynchronous stream of finished completions.
    /// Decoding runs in a task of its own that ends when the stream is finished or its consumer stops
    /// iterating (then every sequence is freed).
    public func generate(requests: [GenerationRequest], maxBatch: Int = 16) -> AsyncThrowingStream<BatchedGeneration, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.generate(requests: requests, maxBatch: maxBatch) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A request taken by the batch loop: its prefilled prompt (`base`, whose first distribution is `first`, nil
/// until the prefill is done) and how many of its samples have not started or are running. The last sample
/// to start takes `base` itself.
private struct OpenRequest {
    let request: GenerationRequest
    /// Prompt tokens before the first generated one, a prefix's included.
    let promptLength: Int
    let base: SequenceID
    let first: NextTokenDistribution?
    var unstarted: Int
    var running: Int
}
