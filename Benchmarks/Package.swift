// swift-tools-version: 6.1
//
// Quorum's benchmarks, a package of their own so that the root package's build stays light (its dependencies
// do not reach Quorum's users): it depends on the root package by path and on ordo-one/benchmark. Run from
// this directory:
//   swift package benchmark --target SelectionBenchmarks
//   swift package benchmark --target EngineBenchmarks      (the models must be pulled)
//   QUORUM_BENCH_MODEL=qwen2.5-coder-0.5b swift package benchmark --target EngineBenchmarks --filter "tg.*"
// The engine benchmarks measure what `quorum bench` measures: prefill of 512 tokens, single-stream decode of 128
// tokens, batched decode of 128 tokens at B = 1, 8, 16, 32 after a shared 128-token prompt.
import Foundation
import PackageDescription

// A path dependency is named after its directory (the checkout's name varies: main, a worktree, a clone).
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "QuorumBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Answer selection and the evaluation protocol on synthetic pools (500 problems × 64 or 128 paths).
        .executableTarget(
            name: "SelectionBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "QuorumEval", package: root),
                .product(name: "QuorumTasks", package: root),
            ],
            path: "Benchmarks/SelectionBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The embedded engine: prefill, decode and batched decode on a pulled model.
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "QuorumEngine", package: root),
                .product(name: "QuorumDecode", package: root),
            ],
            path: "Benchmarks/EngineBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
