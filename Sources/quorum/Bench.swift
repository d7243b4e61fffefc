import ArgumentParser
import Foundation
import QuorumDecode
import QuorumEngine

/// `quorum bench`: the embedded engine's speed, measured the way llama-bench measures llama.cpp.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the embedded engine's prefill and single-stream decode speed (tokens per second).",
        discussion: """
            Like llama-bench: "pp N" prefills N tokens into a fresh sequence in one call; "tg N" decodes N \
            tokens one at a time into a fresh, empty sequence. Tokens are drawn from the vocabulary with a \
            fixed seed. Each test runs once unmeasured (warm-up), then --repetitions times; the figure is the \
            mean ± standard deviation of tokens per second. Every decode step includes the full next-token \
            distribution (log-sum-exp and entropy over the vocabulary). In brackets: tokens per second of \
            process CPU time (all threads), a figure that other load on the machine disturbs less.
            """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Prompt tokens for the prefill test (0 skips it).")
    var prompt = 512

    @Option(help: "Tokens for the decode test (0 skips it).")
    var generate = 128

    @Option(help: "Measured repetitions of each test.")
    var repetitions = 3

    func validate() throws {
        if prompt < 0 || generate < 0 { throw ValidationError("--prompt and --generate must be at least 0") }
        if repetitions < 1 { throw ValidationError("--repetitions must be at least 1, not \(repetitions)") }
    }

    func run() async throws {
        let model = try engine.loadEngine()
        var rng = SeededGenerator(seed: 1)
        let tokens = (0..<max(prompt, generate)).map { _ in Int(rng.next() % UInt64(model.vocabularySize)) }
        print("model \(try engine.modelOptions.resolvedPath())")
        print("architecture \(model.config.architecture.rawValue), kernels \(model.instructionSet), threads \(engine.threads ?? ProcessInfo.processInfo.activeProcessorCount)")
        if prompt > 0 {
            let (seconds, cpu) = try await measure {
                let s = await model.makeSequence()
                _ = try await model.prefill(s, tokens: Array(tokens.prefix(prompt)), distributions: 1)
                await model.free(s)
            }
            print(Self.line("pp\(prompt)", seconds.map { Double(prompt) / $0 }, cpuRate: Double(prompt * repetitions) / cpu))
        }
        if generate > 0 {
            let (seconds, cpu) = try await measure {
                let s = await model.makeSequence()
                for t in tokens.prefix(generate) { _ = try await model.step([StepRow(sequence: s, token: t)]) }
                await model.free(s)
            }
            print(Self.line("tg\(generate)", seconds.map { Double(generate) / $0 }, cpuRate: Double(generate * repetitions) / cpu))
        }
    }

    /// Wall seconds per run (one warm-up, then `repetitions` measured runs) and the process CPU seconds of
    /// the measured runs together.
    private func measure(_ body: () async throws -> Void) async throws -> (seconds: [Double], cpu: Double) {
        try await body()
        var seconds: [Double] = []
        let cpuStart = Self.processCPUSeconds()
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return (seconds, Self.processCPUSeconds() - cpuStart)
    }

    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func line(_ test: String, _ rates: [Double], cpuRate: Double) -> String {
        let mean = rates.reduce(0, +) / Double(rates.count)
        let sd = rates.count > 1
            ? (rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rates.count - 1)).squareRoot() : 0
        return "\(test): \(String(format: "%.2f ± %.2f", mean, sd)) tokens/s (\(String(format: "%.1f", cpuRate)) per CPU-second)"
    }
}
