import Foundation
import QuorumDecode
import Testing
@testable import QuorumEngine

/// The forward pass on tiny synthetic models (checked against a Double-precision reference) and the
/// LanguageModel operations: batching, forking, chunked prefill, errors.
@Suite struct EngineModelTests {
    static let tokens = [1, 5, 9, 3, 3, 17, 22, 0, 39, 8, 14, 2, 30]

    static func maxError(_ ours: [Float], _ reference: [Double]) -> (error: Double, scale: Double) {
        let error = zip(ours, reference).map { abs(Double($0) - $1) }.max()!
        return (error, reference.map(abs).max()!)
    }

    /// Float activations: every kernel path within float rounding of the Double reference. 8-bit activations
    /// (the default): within what rounding each input to 8 bits allows (about 1 %; a wrong block decode or a
    /// wrong scale gives errors of the order of the logits themselves).
    @Test(arguments: [("llama", true), ("qwen2", false), ("llama", false)])
    func tinyModelMatchesReferenceForward(architecture: String, tied: Bool) async throws {
        let tiny = TinyModel(architecture: architecture, tied: tied, seed: 11)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = tiny.referenceLogits(Self.tokens)
        #expect(reference.allSatisfy { row in row.allSatisfy(\.isFinite) })
        let instructionSets = InstructionSet.allCases.filter(\.isAvailable)
        #expect(instructionSets.count >= 1 + (InstructionSet.best == .portable ? 0 : 1))
        for precision in ActivationPrecision.allCases {
            for (threads, isa) in instructionSets.map({ (1, $0) }) + [(2, InstructionSet.best)] {
                // Float activations with an f32 cache: float rounding only. 8-bit with the default f16 cache.
                let engine = try EngineModel(
                    path: path, threads: threads, loadTokenizer: false, precision: precision, instructionSet: isa,
                    kvCache: precision == .float ? .f32 : .f16)
                #expect(engine.config.architecture.rawValue == architecture)
                #expect(engine.config.ropeStyle == (architecture == "qwen2" ? .neox : .normal))
                let s = await engine.makeSequence()
                let dists = try await engine.prefill(s, tokens: Self.tokens, distributions: Self.tokens.count)
                let tolerance = precision == .float ? 1e-4 : 0.02
                for (p, (d, r)) in zip(dists, reference).enumerated() {
                    let (error, scale) = Self.maxError(d.logits, r)
                    #expect(error <= tolerance * max(1, scale), "\(architecture) \(precision) threads \(threads) \(isa) position \(p): \(error) of \(scale)")
                }
            }
        }
    }

    /// Batched rows give the same distributions as one sequence at a time (within 1e-3 in log-probability).
    @Test func batchedStepsEqualSingleSequenceSteps() async throws {
        let tiny = TinyModel(architecture: "qwen2", tied: false, seed: 5)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try EngineModel(path: path, loadTokenizer: false)
        let prompts = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]]
        let next = [11, 12, 13]
        var batched: [SequenceID] = []
        for p in prompts {
            let s = await engine.makeSequence()
            _ = try await engine.prefill(s, tokens: p, distributions: 0)
            batched.append(s)
        }
        let together = try await engine.step(zip(batched, next).map { StepRow(sequence: $0, token: $1) })
        for (i, p) in prompts.enumerated() {
            let s = await engine.makeSequence()
            let alone = try await engine.prefill(s, tokens: p + [next[i]], distributions: 1)[0]
            let single = try await engine.step([StepRow(sequence: try await engine.fork(batched[i]), token: 0)])
            _ = single
            for t in 0..<tiny.vocab {
                #expect(abs(together[i].logprob(of: t)! - alone.logprob(of: t)!) < 1e-3)
            }
            #expect(try await engine.tokens(of: batched[i]) == p + [next[i]])
        }
    }

    @Test func forkedSequencesAreIndependentCopies() async throws {
        let tiny = TinyModel(architecture: "llama", tied: true, seed: 8)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try EngineModel(path: path, loadTokenizer: false)
        let a = await engine.makeSequence()
        _ = try await engine.prefill(a, tokens: [3, 4, 5], distributions: 0)
        let b = try await engine.fork(a)
        // Advance the fork first: the original must not see it.
        let db = try await engine.step([StepRow(sequence: b, token: 9), ])[0]
        let da = try await engine.step([StepRow(sequence: a, token: 7)])[0]
        let fresh = await engine.makeSequence()
        let expectedA = try await engine.prefill(fresh, tokens: [3, 4, 5, 7], distributions: 1)[0]
        let fresh2 = await engine.makeSequence()
        let expectedB = try await engine.prefill(fresh2, tokens: [3, 4, 5, 9], distributions: 1)[0]
        #expect(zip(da.logits, expectedA.logits).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(db.logits, expectedB.logits).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(try await engine.tokens(of: a) == [3, 4, 5, 7])
        #expect(try await engine.tokens(of: b) == [3, 4, 5, 9])
        await engine.free(b)
        await #expect(throws: DecodeError.unknownSequence(b)) { try await engine.tokens(of: b) }
    }

    @Test func prefillSplitIntoPassesEqualsOnePass() async throws {
        let tiny = TinyModel(architecture: "qwen2", tied: true, seed: 2)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = try EngineModel(path: path, loadTokenizer: false)
        let split = try EngineModel(path: path, loadTokenizer: false, maxRowsPerPass: 3)
        let s1 = await whole.makeSequence(), s2 = await split.makeSequence()
        let a = try await whole.prefill(s1, tokens: Self.tokens, distributions: 5)
        let b = try await split.prefill(s2, tokens: Self.tokens, distributions: 5)
        #expect(a.count == 5 && b.count == 5)
        for (x, y) in zip(a, b) { #expect(zip(x.logits, y.logits).allSatisfy { abs($0 - $1) < 1e-4 }) }
    }

    @Test func badCallsThrowClearErrors() async throws {
        let tiny = TinyModel(architecture: "llama", tied: true, seed: 3)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try EngineModel(path: path, loadTokenizer: false)
        let s = await engine.makeSequence()
        await #expect(throws: DecodeError.tokenOutOfRange(token: 40, vocabularySize: 40)) {
            try await engine.prefill(s, tokens: [1, 40], distributions: 1)
        }
        #expect(try await engine.tokens(of: s).isEmpty, "a refused prefill changes nothing")
        await #expect(throws: DecodeError.unknownSequence(SequenceID(rawValue: 999))) {
            try await engine.step([StepRow(sequence: SequenceID(rawValue: 999), token: 1)])
        }
        _ = try await engine.prefill(s, tokens: [1], distributions: 0)
        await #expect(throws: DecodeError.duplicateSequenceInStep(s)) {
            try await engine.step([StepRow(sequence: s, token: 1), StepRow(sequence: s, token: 2)])
        }
        await #expect(throws: DecodeError.contextFull(sequence: s, length: 97, contextLength: 96)) {
            try await engine.prefill(s, tokens: [Int](repeating: 1, count: 96), distributions: 1)
        }
        #expect(engine.endOfGenerationTokens == [2])
    }

    @Test func generationWithTheEngineIsDeterministicPerSeed() async throws {
        let tiny = TinyModel(architecture: "qwen2", tied: false, seed: 4)
        let path = try tiny.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try EngineModel(path: path, loadTokenizer: false)
        let request = GenerationRequest(
            prompt: [1, 2, 3], samples: 3, sampling: SamplingParameters(temperature: 1, topP: 0.9, seed: 17), maxTokens: 20,
            stopAtEndOfGeneration: false, topLogprobs: 2)
        let first = try await engine.generate(request)
        let second = try await engine.generate(request)
        #expect(first == second)
        #expect(first.allSatisfy { $0.steps.count == 20 && $0.steps.allSatisfy { $0.top.count == 2 } })
        #expect(await engine.sequenceCount == 0)
    }
}
