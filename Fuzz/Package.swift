// swift-tools-version: 6.1
//
// libFuzzer targets for Quorum's parsers, one executable per target. A package of its own so that the
// sanitizer flags never reach the main package's build: `make fuzz` builds it into Fuzz/.build with
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address --product FuzzX
// and runs each target for FUZZ_SECONDS (docs/fuzzing.md).
import Foundation
import PackageDescription

// A path dependency's identity is the name of its folder, which is whatever the clone is called.
let quorum = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .standardizedFileURL.lastPathComponent

let settings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name, dependencies: ["CFuzzDriver"] + products.map { .product(name: $0, package: quorum) },
        swiftSettings: settings)
}

let targets: [Target] = [
    fuzzTarget("FuzzGGUF", ["QuorumEngine"]),
    fuzzTarget("FuzzTaskJSON", ["QuorumTasks", "QuorumCore"]),
    fuzzTarget("FuzzTaskXML", ["QuorumTasks", "QuorumCore"]),
    fuzzTarget("FuzzPaths", ["QuorumRunFolder", "QuorumCore"]),
    fuzzTarget("FuzzAnswers", ["QuorumTasks", "QuorumCore"]),
    fuzzTarget("FuzzHTTP", ["QuorumHTTP", "QuorumCore"]),
]

let package = Package(
    name: "QuorumFuzz",
    platforms: [.macOS(.v14)],
    products: targets.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [.package(path: "..")],
    targets: targets + [.target(name: "CFuzzDriver")]
)
