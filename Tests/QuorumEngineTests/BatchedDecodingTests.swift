import Foundation
import QuorumDecode
import Testing
@testable import QuorumEngine

/// Batched decoding on a real model: rows of many sequences in one step give the same log-probabilities as
/// decoding each sequence alone, and forks share their prompt's KV cache instead of copying it.
@Suite(.serialized) struct BatchedDecodingTests {
    @Test func batchedRowsEqualSingleSequenceDecoding() async throws {
        let engine = try GoldenTests.engine("smollm2-135m", kvCache: .f16)  // the defaults: 8-bit, f16 KV
        let prompt = try EngineReference.load("smollm2-135m").prompts[0].promptIds
        var g = SplitMix64(seed: 21)
        let b = 9, steps = 4
        let fed = (0..<b).map { _ in (0..<steps).map { _ in Int(g.next() % 49_152) } }
        // Batched: one prefill, b − 1 forks, `steps` steps of b rows.
        let base = await engine.makeSequence()
        _ = try await engine.prefill(base, tokens: prompt, distributions: 1)
        var sequences = [base]
        for _ in 1..<b { sequences.append(try await engine.fork(base)) }
        var batched: [[NextTokenDistribution]] = Array(repeating: [], count: b)
        for s in 0..<steps {
            let out = try await engine.step((0..<b).map { StepRow(sequence: sequences[$0], token: fed[$0][s]) })
            for i in 0..<b { batched[i].append(out[i]) }
        }
        // Alone: a fresh sequence per row, one row per step.
        var worst = 0.0
        for i in 0..<b {
            let alone = await engine.makeSequence()
            _ = try await engine.prefill(alone, tokens: prompt, distributions: 1)
            for s in 0..<steps {
                let d = try await engine.step([StepRow(sequence: alone, token: fed[i][s])])[0]
                for t in 0..<engine.vocabularySize {
                    worst = max(worst, abs(d.logprob(of: t)! - batched[i][s].logprob(of: t)!))
                }
            }
            await engine.free(alone)
        }
        #expect(worst <= 1e-3, "largest |Δ log-probability| \(worst)")
        for s in sequences { await engine.free(s) }
        print("batched vs single: largest |Δ log-probability| \(worst)")
    }

    /// A row's logits are bit for bit the same whatever shares its step: alone (B = 1, its own kernel
    /// dispatch), first, last or in the middle of batches of other sizes whose other rows sit at other
    /// positions. So seeded sampling reproduces a path whatever the batch (continuous batching in `quorum run`).
    @Test(arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func aRowsResultDoesNotDependOnTheBatch(model: String) async throws {
        let engine = try GoldenTests.engine(model, kvCache: .f16)  // the defaults: 8-bit, f16 KV
        let prompt = try EngineReference.load(model).prompts[0].promptIds
        let base = await engine.makeSequence()
        _ = try await engine.prefill(base, tokens: prompt, distributions: 0)
        let token = prompt[prompt.count / 2]
        let single = try await engine.fork(base)
        let alone = try await engine.step([StepRow(sequence: single, token: token)])[0].logits
        await engine.free(single)
        var g = SplitMix64(seed: 77)
        for (b, position) in [(2, 1), (5, 0), (9, 8), (17, 6)] {
            // The other rows: forks of the prompt advanced by 0 to 3 tokens, so their lengths differ.
            var others: [SequenceID] = []
            for i in 0..<(b - 1) {
                let other = try await engine.fork(base)
                for _ in 0..<(i % 4) { _ = try await engine.step([StepRow(sequence: other, token: Int(g.next() % 1000))]) }
                others.append(other)
            }
            let mine = try await engine.fork(base)
            var rows = others.map { StepRow(sequence: $0, token: Int(g.next() % 1000)) }
            rows.insert(StepRow(sequence: mine, token: token), at: position)
            let out = try await engine.step(rows)
            #expect(out[position].logits == alone, "B = \(b), row \(position)")
            for s in others + [mine] { await engine.free(s) }
        }
        await engine.free(base)
    }

    @Test func forksShareThePromptCacheAndStayIndependent() async throws {
        let tiny = TinyModel(architecture: "llama", tied: true, seed: 31)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try EngineModel(path: path, loadTokenizer: false)
        let prompt = Array(1..<40)
        let base = await engine.makeSequence()
        _ = try await engine.prefill(base, tokens: prompt, distributions: 0)
        let one = await engine.cacheBytes
        var forks: [SequenceID] = []
        for _ in 0..<16 { forks.append(try await engine.fork(base)) }
        let many = await engine.cacheBytes
        // A copied cache per fork would take 16 × the prompt's bytes; shared, each fork adds only its own
        // (small, empty) storage.
        #expect(many < one + 16 * one / 2, "\(one) bytes for one, \(many) with 16 forks")
        // A fork of a fork (a chain of two shared segments) still decodes like a fresh sequence.
        _ = try await engine.step([StepRow(sequence: forks[0], token: 3)])
        let grandchild = try await engine.fork(forks[0])
        let d = try await engine.step([StepRow(sequence: grandchild, token: 5), StepRow(sequence: forks[1], token: 7)])
        let fresh = await engine.makeSequence()
        let expected = try await engine.prefill(fresh, tokens: prompt + [3, 5], distributions: 1)[0]
        let fresh2 = await engine.makeSequence()
        let expected2 = try await engine.prefill(fresh2, tokens: prompt + [7], distributions: 1)[0]
        #expect(zip(d[0].logits, expected.logits).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(d[1].logits, expected2.logits).allSatisfy { abs($0 - $1) < 1e-4 })
        // Freeing the sequence that computed the prompt leaves the forks working.
        await engine.free(base)
        _ = try await engine.step(forks.suffix(3).map { StepRow(sequence: $0, token: 1) })
    }

    @Test func continuousBatchingOnTheEngineEqualsOneRequestAtATime() async throws {
        let tiny = TinyModel(architecture: "qwen2", tied: false, seed: 8)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try EngineModel(path: path, loadTokenizer: false)
        let requests = (0..<5).map { i in
            GenerationRequest(
                prompt: [1, 2 + i, 3], samples: 1 + i % 3, sampling: SamplingParameters(temperature: 0.9, seed: UInt64(i)),
                maxTokens: 10 + 3 * i, stopAtEndOfGeneration: false)
        }
        var batched: [BatchedGeneration] = []
        try await engine.generate(requests: requests, maxBatch: 4) { batched.append($0) }
        for (r, request) in requests.enumerated() {
            let alone = try await engine.generate(request)
            let mine = batched.filter { $0.request == r }.map(\.generation).sorted { $0.index < $1.index }
            #expect(mine.map(\.tokens) == alone.map(\.tokens), "request \(r)")
            for (a, b) in zip(mine, alone) {
                #expect(zip(a.logprobs, b.logprobs).allSatisfy { abs($0 - $1) < 1e-3 })
            }
        }
        #expect(await engine.sequenceCount == 0)
    }
}
