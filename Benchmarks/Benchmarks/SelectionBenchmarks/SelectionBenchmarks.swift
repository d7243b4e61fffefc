import Benchmark
import Foundation
import QuorumEval
import QuorumTasks

/// Selection and evaluation speed (release build). The RPC paper reports about 0.036 s per question for
/// RPC at n = 128 with its Python code (App. D.7); the target here is at least 20× faster per question, with
/// cost linear in problems × K.
let benchmarks: @Sendable () -> Void = {
    let equivalence = makeEquivalence(kind: .math, mode: .reference)
    let reference = SelectionMethod.reference.map(\.aggregator)
    let fullGrid = [1, 2, 4, 8, 16, 32, 64]

    // The job: 500 problems × 64 paths, K = 1…64, 10 seeds, PPL + SC + PC + RPC.
    Benchmark(
        "Eval 500x64 PPL+SC+PC+RPC K1-64 10 seeds",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(120), maxIterations: 3)
    ) { benchmark in
        let pool = SyntheticPool.make(problems: 500, paths: 64)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try EvaluationProtocol(ks: fullGrid).run(pool, methods: reference, equivalence: equivalence))
        }
    }

    // Per question: RPC selection (answer table, fit, pruning, clustering, scoring) on 128 paths for each
    // of 500 problems per iteration; divide the figures by 500. CPU time is the steadier figure on a
    // shared machine.
    Benchmark(
        "RPC select 500 questions n=128",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(30), maxIterations: 20)
    ) { benchmark in
        let pool = SyntheticPool.make(problems: 500, paths: 128)
        let rpc = ReasoningPruningConsistency()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for problem in pool.problems {
                blackHole(try rpc.select(problem, equivalence: equivalence))
            }
        }
    }

    // Linearity: RPC over the protocol with one seed, varying problems at K = 32 and K at 500 problems.
    let pool500 = SyntheticPool.make(problems: 500, paths: 64)
    for problems in [125, 250, 500] {
        Benchmark(
            "RPC eval K=32 1 seed problems=\(problems)",
            configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(20), maxIterations: 20)
        ) { benchmark in
            var pool = pool500
            pool.problems = Array(pool500.problems.prefix(problems))
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try EvaluationProtocol(ks: [32], seeds: [0]).run(
                    pool, methods: [ReasoningPruningConsistency()], equivalence: equivalence))
            }
        }
    }
    for k in [8, 16, 32, 64] {
        Benchmark(
            "RPC eval problems=500 1 seed K=\(k)",
            configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(20), maxIterations: 20)
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try EvaluationProtocol(ks: [k], seeds: [0]).run(
                    pool500, methods: [ReasoningPruningConsistency()], equivalence: equivalence))
            }
        }
    }
}
