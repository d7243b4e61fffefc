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
        .library(name: "QuorumCode", targets: ["QuorumCode"]),
        .library(name: "QuorumDecode", targets: ["QuorumDecode"]),
        .library(name: "QuorumEngine", targets: ["QuorumEngine"]),
        .library(name: "QuorumHTTP", targets: ["QuorumHTTP"]),
        .library(name: "QuorumRunFolder", targets: ["QuorumRunFolder"]),
        .library(name: "QuorumRun", targets: ["QuorumRun"]),
        .library(name: "QuorumReport", targets: ["QuorumReport"]),
        .executable(name: "quorum", targets: ["quorum"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Value types shared by every stage; depends on nothing but Foundation.
        .target(name: "QuorumCore", swiftSettings: strict),
        // The system zlib, for reading gzipped task sets (HumanEval.jsonl.gz); Foundation on Linux has no
        // public decompression API. Headers from zlib1g-dev (Debian) or the macOS SDK.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // Task-set loaders, answer extraction and answer equivalence.
        .target(name: "QuorumTasks", dependencies: ["QuorumCore", "CZlib"], swiftSettings: strict),
        // Answer selection among a problem's paths: SC, PPL, PC, RPC (spec/rpc.md) and named extras.
        .target(name: "QuorumSelect", dependencies: ["QuorumCore"], swiftSettings: strict),
        // The K/seed evaluation protocol, calibration metrics and the RPC release-format import.
        .target(name: "QuorumEval", dependencies: ["QuorumCore", "QuorumSelect"], swiftSettings: strict),
        // Code tasks: program assembly, prompt templates, sandboxed Python execution, pass@k and
        // execution-based answer equivalence.
        .target(name: "QuorumCode", dependencies: ["QuorumCore", "QuorumTasks"], swiftSettings: strict),
        // The decode layer: the LanguageModel protocol, next-token distributions, sampling, generation.
        .target(name: "QuorumDecode", dependencies: ["QuorumCore"], swiftSettings: strict),
        // The engine's inner loops in C with run-time CPU dispatch (not API; see its README). SwiftPM compiles
        // C with -O0 in debug builds, which makes these loops ~17x slower and the model tests take many
        // minutes, so debug builds ask for -O2 here; release builds already use it.
        .target(
            name: "CQuorumKernels",
            cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // The embedded GGUF engine: file reader, tokenizers, forward pass.
        .target(
            name: "QuorumEngine", dependencies: ["QuorumCore", "QuorumDecode", "CQuorumKernels"],
            swiftSettings: strict),
        // The OpenAI-compatible HTTP backend: /v1/completions with log-probabilities, retries, several endpoints;
        // and the decoders over it (Decoding/: FoReaL's server writer, AdaDec's server source), built on the decode
        // layer beside the engine.
        .target(
            name: "QuorumHTTP",
            dependencies: [
                "QuorumCore", "QuorumDecode", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict),
        // The run folder's formats, one owner for each file: run.json (RunManifest), paths.jsonl (PathLine writes,
        // PathsReader reads, PathsLog appends and resumes), selections.jsonl, eval.json/eval.md (EvalReport),
        // cost.json (RunCostSummary); the folder's lock and atomic writes. Above the evaluation layer (its files
        // hold evaluation results), below the run and report layers, which both read and write through it.
        .target(
            name: "QuorumRunFolder",
            dependencies: ["QuorumCore", "QuorumTasks", "QuorumSelect", "QuorumEval", "QuorumDecode"],
            swiftSettings: strict),
        // Runs: the run session (plan → sample → evaluate → write, progress as events), the model and sampler
        // choice (engine, servers, FoReaL, AdaDec), prompt templates, path sampling, sandboxed execution of code
        // paths, selection and evaluation of a run. The top of the library: the CLI only parses and prints.
        .target(
            name: "QuorumRun",
            dependencies: [
                "QuorumCore", "QuorumTasks", "QuorumSelect", "QuorumEval", "QuorumCode", "QuorumDecode", "QuorumEngine",
                "QuorumHTTP", "QuorumRunFolder", "QuorumReport",
            ],
            swiftSettings: strict),
        // Reports of runs: tables, SVG plots from a small plotting module of its own, per-problem drill-down, as
        // self-contained HTML, Markdown and JSON. Reads run folders through QuorumRunFolder (the manifest the run wrote,
        // paths.jsonl): below QuorumRun.
        .target(
            name: "QuorumReport",
            dependencies: ["QuorumCore", "QuorumTasks", "QuorumSelect", "QuorumEval", "QuorumRunFolder"],
            swiftSettings: strict),
        .executableTarget(
            name: "quorum",
            dependencies: [
                "QuorumCore", "QuorumTasks", "QuorumSelect", "QuorumEval", "QuorumCode", "QuorumDecode",
                "QuorumEngine", "QuorumHTTP", "QuorumRun", "QuorumReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(name: "QuorumCoreTests", dependencies: ["QuorumCore", "QuorumRunFolder"], swiftSettings: strict),
        // The run folder's readers and writers (paths.jsonl's reader; the folder's other files are tested with
        // the runs that write them, in QuorumRunTests).
        .testTarget(name: "QuorumRunFolderTests", dependencies: ["QuorumRunFolder", "QuorumCore"], swiftSettings: strict),
        // Test helpers (locating ../shared, the RPC fixture's equality cache, a fault-injecting loopback server
        // and a real llama-server for the HTTP tests); not a product.
        .target(
            name: "QuorumTestSupport", dependencies: ["QuorumCore", "QuorumEval", "QuorumHTTP"],
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
                "QuorumEval", "QuorumSelect", "QuorumRunFolder", "QuorumTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict),
        .testTarget(name: "QuorumDecodeTests", dependencies: ["QuorumDecode"], swiftSettings: strict),
        // Depends on `quorum` so that the CLI tests find the built binary next to the test bundle.
        .testTarget(
            name: "QuorumTasksTests", dependencies: ["QuorumTasks", "quorum", "QuorumTestSupport"], resources: [.copy("Resources")],
            swiftSettings: strict),
        .testTarget(
            name: "QuorumCodeTests", dependencies: ["QuorumCode", "quorum", "QuorumTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "QuorumEngineTests", dependencies: ["QuorumEngine", "QuorumDecode", "CQuorumKernels"],
            swiftSettings: strict),
        .testTarget(
            name: "QuorumRunTests", dependencies: ["QuorumRun", "QuorumTasks", "QuorumDecode", "QuorumCode"],
            swiftSettings: strict),
        // Runs the built `quorum` executable end to end.
        .testTarget(name: "QuorumCLITests", dependencies: ["quorum", "QuorumTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "QuorumReportTests",
            dependencies: ["QuorumReport", "QuorumRunFolder", "QuorumEval", "QuorumTasks", "QuorumTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "QuorumHTTPTests", dependencies: ["QuorumHTTP", "QuorumRunFolder", "QuorumTestSupport"],
            swiftSettings: strict),
        // FoReaL and AdaDec over servers (QuorumHTTP's Decoding/): a real llama-server (skipped loudly when not
        // built), the fault server, and the embedded engine for comparison.
        .testTarget(
            name: "QuorumServerDecodingTests",
            dependencies: ["QuorumDecode", "QuorumHTTP", "QuorumEngine", "QuorumTestSupport"],
            swiftSettings: strict),
    ]
)
