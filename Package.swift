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
        .library(name: "QuorumSelect", targets: ["QuorumSelect"]),
        .library(name: "QuorumEval", targets: ["QuorumEval"]),
        .executable(name: "quorum", targets: ["quorum"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Value types shared by every stage; depends on nothing but Foundation.
        .target(name: "QuorumCore", swiftSettings: strict),
        // Task-set loaders, answer extraction and answer equivalence.
        .target(name: "QuorumTasks", dependencies: ["QuorumCore"], swiftSettings: strict),
        // Answer selection among a problem's paths: SC, PPL, PC, RPC (spec/rpc.md) and named extras.
        .target(name: "QuorumSelect", dependencies: ["QuorumCore"], swiftSettings: strict),
        // The K/seed evaluation protocol, calibration metrics and the RPC release-format import.
        .target(name: "QuorumEval", dependencies: ["QuorumCore", "QuorumSelect"], swiftSettings: strict),
        .executableTarget(
            name: "quorum",
            dependencies: [
                "QuorumCore", "QuorumTasks", "QuorumSelect", "QuorumEval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(name: "QuorumCoreTests", dependencies: ["QuorumCore"], swiftSettings: strict),
        // Test helpers (locating ../shared, the RPC fixture's equality cache); not a product.
        .target(
            name: "QuorumTestSupport", dependencies: ["QuorumCore", "QuorumEval"],
            path: "Tests/QuorumTestSupport", swiftSettings: strict),
        .testTarget(
            name: "QuorumSelectTests",
            dependencies: [
                "QuorumSelect", "QuorumEval", "QuorumTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "QuorumEvalTests",
            dependencies: [
                "QuorumEval", "QuorumSelect", "QuorumTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict),
    ]
)
