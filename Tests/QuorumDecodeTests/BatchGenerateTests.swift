import Testing
@testable import QuorumDecode

/// Continuous batching (`generate(requests:maxBatch:onFinished:)`) against one request at a time.
@Suite struct BatchGenerateTests {
    static let requests: [GenerationRequest] = [
        GenerationRequest(prompt: [1, 2], samples: 5, sampling: SamplingParameters(temperature: 1.1, seed: 3), maxTokens: 12),
        GenerationRequest(prompt: [3], samples: 1, maxTokens: 7, stopAtEndOfGeneration: false),
        GenerationRequest(prompt: [2, 7, 1], samples: 3, sampling: SamplingParameters(temperature: 0.8, topP: 0.9, seed: 9), maxTokens: 20, stop: ["c"]),
        GenerationRequest(prompt: [4], samples: 2, sampling: SamplingParameters(temperature: 1, seed: 1), maxTokens: 0),
        GenerationRequest(prompt: [1], samples: 4, sampling: SamplingParameters(temperature: 1.5, topK: 3, seed: 4), maxTokens: 15, topLogprobs: 2),
    ]

    static func collect(_ model: BigramModel, _ requests: [GenerationRequest], maxBatch: Int) async throws -> [BatchedGeneration] {
        var out: [BatchedGeneration] = []
        try await model.generate(requests: requests, maxBatch: maxBatch) { out.append($0) }
        return out
    }

    @Test(arguments: [1, 3, 16]) func completionsEqualGeneratingEachRequestAlone(maxBatch: Int) async throws {
        let model = BigramModel()
        let batched = try await Self.collect(model, Self.requests, maxBatch: maxBatch)
        #expect(batched.count == Self.requests.map(\.samples).reduce(0, +))
        for (r, request) in Self.requests.enumerated() {
            let alone = try await BigramModel().generate(request)
            let mine = batched.filter { $0.request == r }.map(\.generation).sorted { $0.index < $1.index }
            #expect(mine == alone, "request \(r)")
        }
        #expect(await model.liveSequences == 0)
        #expect(await model.maxStepRows <= maxBatch)
    }

    @Test func requestsWithAndWithoutAPrefixShareTheBatch() async throws {
        let model = BigramModel()
        let prefix = await model.makeSequence()
        _ = try await model.prefill(prefix, tokens: [1, 2, 3], distributions: 0)
        let p = SamplingParameters(temperature: 1.1, seed: 3)
        let requests: [(request: GenerationRequest, prefix: SequenceID?)] = [
            (GenerationRequest(prompt: [7, 1], samples: 3, sampling: p, maxTokens: 15, stop: ["b."]), prefix),
            (GenerationRequest(prompt: [1, 2, 3, 7, 1], samples: 2, sampling: p, maxTokens: 15, seeds: [4, 5]), nil),
            (GenerationRequest(prompt: [2], samples: 2, sampling: p, maxTokens: 9, seeds: [6, 7]), prefix),
        ]
        var batched: [BatchedGeneration] = []
        try await model.generate(requests: requests, maxBatch: 3) { batched.append($0) }
        for (r, (request, prefix)) in requests.enumerated() {
            let alone: [Generation]
            if let prefix { alone = try await model.generate(request, after: prefix) } else { alone = try await model.generate(request) }
            let mine = batched.filter { $0.request == r }.map(\.generation).sorted { $0.index < $1.index }
            #expect(mine == alone, "request \(r)")
        }
        #expect(try await model.tokens(of: prefix) == [1, 2, 3])  // left unchanged
        #expect(await model.liveSequences == 1)
        // The context check counts the prefix, and names the request.
        await #expect(throws: DecodeError.invalidRequest("request 0: the prompt has 65 tokens, more than the context length 64")) {
            try await model.generate(
                requests: [(request: GenerationRequest(prompt: Array(repeating: 1, count: 62)), prefix: SequenceID?.some(prefix))]
            ) { _ in }
        }
        #expect(await model.liveSequences == 1)
    }

    @Test func theBatchStaysFullAcrossRequests() async throws {
        let model = BigramModel(contextLength: 400)
        let requests = (0..<12).map {
            GenerationRequest(prompt: [1], samples: 3, sampling: SamplingParameters(temperature: 1, seed: UInt64($0)), maxTokens: 30, stopAtEndOfGeneration: false)
        }
        _ = try await Self.collect(model, requests, maxBatch: 8)
        // 36 samples × 30 tokens: 29 rows each after the first token; a batch of 8 kept full needs about
        // 36 · 29 / 8 ≈ 131 steps, plus a partly empty tail. Draining per request (3 rows a step) would need
        // 12 · 29 = 348.
        let (calls, rows, widest) = (await model.stepCalls, await model.stepRows, await model.maxStepRows)
        #expect(rows == 36 * 29)
        #expect(widest == 8)
        #expect(calls <= 160, "\(calls) steps")
    }

    @Test func eachRequestIsMarkedCompleteOnceAtItsLastCompletion() async throws {
        let batched = try await Self.collect(BigramModel(), Self.requests, maxBatch: 4)
        for r in Self.requests.indices {
            let mine = batched.enumerated().filter { $0.element.request == r }
            #expect(mine.filter { $0.element.completesRequest }.count == 1)
            #expect(mine.last?.element.completesRequest == true)
        }
    }

    @Test func requestsAreReadLazily() async throws {
        final class Counter: @unchecked Sendable { var pulled = 0 }
        let counter = Counter()
        let requests = (0..<50).lazy.map { i -> GenerationRequest in
            counter.pulled += 1
            return GenerationRequest(prompt: [1 + i % 3], samples: 1, maxTokens: 5, stopAtEndOfGeneration: false)
        }
        var pulledAtFirst = -1
        try await BigramModel().generate(requests: requests, maxBatch: 2) { _ in
            if pulledAtFirst < 0 { pulledAtFirst = counter.pulled }
        }
        #expect(pulledAtFirst == 2)
        #expect(counter.pulled == 50)
    }

    @Test func aBadRequestEndsTheCallNamingItAndFreesEverything() async throws {
        let model = BigramModel()
        var requests = Self.requests
        requests.insert(GenerationRequest(prompt: [], samples: 1), at: 2)
        var delivered = 0
        await #expect(throws: DecodeError.invalidRequest("request 2: the prompt has no tokens")) {
            try await model.generate(requests: requests, maxBatch: 3) { _ in delivered += 1 }
        }
        #expect(await model.liveSequences == 0)
        await #expect(throws: DecodeError.invalidRequest("the batch size must be ≥ 1, not 0")) {
            try await model.generate(requests: Self.requests, maxBatch: 0) { _ in }
        }
    }

    @Test func theStreamDeliversTheSameCompletions() async throws {
        let model = BigramModel()
        var streamed: [BatchedGeneration] = []
        for try await g in model.generate(requests: Self.requests, maxBatch: 3) { streamed.append(g) }
        let direct = try await Self.collect(BigramModel(), Self.requests, maxBatch: 3)
        #expect(streamed == direct)
        #expect(await model.liveSequences == 0)
    }
}
