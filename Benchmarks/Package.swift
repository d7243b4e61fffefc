// swift-tools-version: 6.1
//
// Quorum's benchmarks, a package of their own so that the root package's build stays light: it depends on
// the root package by path and on ordo-one/benchmark. Run from this directory:
//   swift package benchmark --target SelectionBenchmarks
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
    ]
)
