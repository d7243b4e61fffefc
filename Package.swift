// swift-tools-version: 6.1
//
// Quorum: test-time scaling of LLM reasoning. The target list mirrors the data flow
//   tasks → decode (engine | HTTP) → paths.jsonl → extract/equal → select → evaluate → report
// and a lower module never imports a higher one; only the `quorum` executable imports them all.
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Quorum",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "QuorumCore", targets: ["QuorumCore"]),
        .library(name: "QuorumTasks", targets: ["QuorumTasks"]),
        .library(name: "QuorumEngine", targets: ["QuorumEngine"]),
        .library(name: "QuorumHTTP", targets: ["QuorumHTTP"]),
        .executable(name: "quorum", targets: ["quorum"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Value types shared by every stage; depends on nothing but Foundation.
        .target(name: "QuorumCore", swiftSettings: strict),
        // Task-set loaders, answer extraction and answer equivalence.
        .target(name: "QuorumTasks", dependencies: ["QuorumCore"], swiftSettings: strict),
        // The embedded GGUF engine: file reader, tokenizers, forward pass.
        .target(name: "QuorumEngine", dependencies: ["QuorumCore"], swiftSettings: strict),
        // The OpenAI-compatible HTTP backend: /v1/completions with log-probabilities, retries, several endpoints.
        .target(
            name: "QuorumHTTP",
            dependencies: ["QuorumCore", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strict),
        .executableTarget(
            name: "quorum",
            dependencies: [
                "QuorumCore", "QuorumTasks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(name: "QuorumCoreTests", dependencies: ["QuorumCore"], swiftSettings: strict),
        .testTarget(name: "QuorumEngineTests", dependencies: ["QuorumEngine"], swiftSettings: strict),
        .testTarget(name: "QuorumHTTPTests", dependencies: ["QuorumHTTP"], swiftSettings: strict),
    ]
)
