// swift-tools-version: 6.1
//
// Speed benchmarks of the embedded engine (ordo-one/benchmark), kept out of the root package so that its
// dependencies do not reach Quorum's users. Run from this directory:
//   swift package benchmark                          (all benchmarks; the models must be pulled)
//   QUORUM_BENCH_MODEL=qwen2.5-coder-0.5b swift package benchmark --filter "tg.*"
// The same measurements as `quorum bench`: prefill of 512 tokens, single-stream decode of 128 tokens,
// batched decode of 128 tokens at B = 1, 8, 16, 32 after a shared 128-token prompt.
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory (`main`, `perf`, … in the worktrees), so the root
// package's identity is read from where this manifest lies rather than written down.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "QuorumBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
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
