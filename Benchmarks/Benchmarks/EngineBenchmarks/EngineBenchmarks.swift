import Benchmark
import Foundation
import QuorumDecode
import QuorumEngine

// The embedded engine's speed, measured as `quorum bench` measures it (see Sources/quorum/Bench.swift):
//   pp512      one prefill of 512 tokens into a fresh sequence;
//   tg128      128 single-row steps into a fresh sequence;
//   Bxtg128    a shared 128-token prompt prefilled once (not measured), forked into B sequences, then 128
//              steps of B rows (measured).
// Every step computes the full next-token distribution of every row. Each benchmark reports "tokens/s"
// (tokens of the measured part per wall second), CPU time and peak resident memory.
//
// Environment: QUORUM_BENCH_MODEL (a pulled model name or a .gguf path; default smollm2-135m),
// QUORUM_BENCH_THREADS (default 2).

let modelName = ProcessInfo.processInfo.environment["QUORUM_BENCH_MODEL"] ?? "smollm2-135m"
let threads = Int(ProcessInfo.processInfo.environment["QUORUM_BENCH_THREADS"] ?? "") ?? 2

/// The engine, loaded once for all benchmarks of the run.
let engine: EngineModel = {
    let path = modelName.hasSuffix(".gguf") ? modelName : ModelStore().path(for: modelName)
    do {
        return try EngineModel(path: path, threads: threads, loadTokenizer: false)
    } catch {
        fatalError("cannot load \(path): \(error) (pull it with `quorum models pull \(modelName)`)")
    }
}()

/// Tokens drawn from the vocabulary with a fixed seed (as `quorum bench` draws them).
func randomTokens(_ n: Int, seed: UInt64) -> [Int] {
    var g = SeededGenerator(seed: seed)
    return (0..<n).map { _ in Int(g.next() % UInt64(engine.vocabularySize)) }
}

let tokensPerSecond = BenchmarkMetric.custom("tokens/s", polarity: .prefersLarger, useScalingFactor: false)

func configuration() -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, tokensPerSecond],
        warmupIterations: 1, maxDuration: .seconds(120), maxIterations: 5)
}

/// Runs `body` between start and stop of the measurement and records its tokens per second.
func measured(_ benchmark: Benchmark, tokens: Int, _ body: () async throws -> Void) async throws {
    let start = DispatchTime.now().uptimeNanoseconds
    benchmark.startMeasurement()
    try await body()
    benchmark.stopMeasurement()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    benchmark.measurement(tokensPerSecond, Int((Double(tokens) / seconds).rounded()))
}

let benchmarks: @Sendable () -> Void = {
    let prompt = randomTokens(512, seed: 1)

    Benchmark("pp512 \(modelName)", configuration: configuration()) { benchmark in
        let s = await engine.makeSequence()
        try await measured(benchmark, tokens: 512) { _ = try await engine.prefill(s, tokens: prompt, distributions: 1) }
        await engine.free(s)
    }

    Benchmark("tg128 \(modelName)", configuration: configuration()) { benchmark in
        let s = await engine.makeSequence()
        try await measured(benchmark, tokens: 128) {
            for t in prompt.prefix(128) { _ = try await engine.step([StepRow(sequence: s, token: t)]) }
        }
        await engine.free(s)
    }

    for b in [1, 8, 16, 32] {
        let steps = (0..<128).map { randomTokens(b, seed: 100 + UInt64($0)) }
        Benchmark("\(b)xtg128 \(modelName)", configuration: configuration()) { benchmark in
            let base = await engine.makeSequence()
            _ = try await engine.prefill(base, tokens: Array(prompt.prefix(128)), distributions: 1)
            var sequences = [base]
            for _ in 1..<b { sequences.append(try await engine.fork(base)) }
            try await measured(benchmark, tokens: 128 * b) {
                for row in steps {
                    _ = try await engine.step(zip(sequences, row).map { StepRow(sequence: $0, token: $1) })
                }
            }
            for s in sequences { await engine.free(s) }
        }
    }
}
