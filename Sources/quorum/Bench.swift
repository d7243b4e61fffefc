import ArgumentParser
import Foundation
import QuorumDecode
import QuorumEngine

/// `quorum bench`: the embedded engine's speed, measured the way llama-bench and llama-batched-bench measure
/// llama.cpp.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the embedded engine's prefill, decode and batched decode speed (tokens per second).",
        discussion: """
            Like llama-bench: "pp N" prefills N tokens into a fresh sequence in one call; "tg N" decodes N \
            tokens one at a time into a fresh, empty sequence. Like llama-batched-bench -pps: "BxtgN" \
            prefills a shared prompt of --batch-prompt tokens once, forks it into B sequences and decodes N \
            tokens in each, B rows per step; its rate is all B sequences' tokens per second of decoding (the \
            shared prefill is reported apart as "BxppN"). Tokens are drawn from the vocabulary with a fixed \
            seed. Each test runs once unmeasured (warm-up), then --repetitions times; the figure is the mean \
            ± standard deviation of tokens per second. Every decode step includes the full next-token \
            distribution of every row (log-sum-exp and entropy over the vocabulary). In brackets: tokens per \
            second of process CPU time (all threads, spinning included), a figure that other load on the \
            machine disturbs less. Last, the peak resident memory of the process.
            """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Prompt tokens for the prefill test (0 skips it).")
    var prompt = 512

    @Option(help: "Tokens for the decode test (0 skips it).")
    var generate = 128

    @Option(help: ArgumentHelp("Batch sizes for the batched decode test, comma-separated (empty skips it).", valueName: "sizes"))
    var batch = BatchSizes(sizes: [1, 8, 16, 32])

    @Option(help: "Shared prompt tokens of the batched test.")
    var batchPrompt = 128

    @Option(help: "Tokens decoded per sequence in the batched test.")
    var batchGenerate = 128

    @Option(help: "Measured repetitions of each test.")
    var repetitions = 3

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if prompt < 0 || generate < 0 { throw ValidationError("--prompt and --generate must be at least 0") }
        if repetitions < 1 { throw ValidationError("--repetitions must be at least 1, not \(repetitions)") }
        if !batch.sizes.isEmpty, batchPrompt < 1 || batchGenerate < 1 {
            throw ValidationError("--batch-prompt and --batch-generate must be at least 1")
        }
    }

    func run() async throws {
        let model = try engine.loadEngine()
        var rng = SeededGenerator(seed: 1)
        func randomTokens(_ n: Int) -> [Int] { (0..<n).map { _ in Int(rng.next() % UInt64(model.vocabularySize)) } }
        let tokens = randomTokens(max(prompt, generate, batchPrompt))
        var results: [Result] = []
        let path = try engine.modelOptions.resolvedPath()
        if !json {
            print("model \(path)")
            print("architecture \(model.config.architecture.rawValue), kernels \(model.instructionSet), activations \(model.precision.rawValue), KV \(model.kvPrecision.rawValue), threads \(model.threads)")
        }
        func report(_ r: Result) {
            results.append(r)
            if !json { print(r.line) }
        }
        if prompt > 0 {
            let m = try await measure { timer in
                let s = await model.makeSequence()
                try await timer.time { _ = try await model.prefill(s, tokens: Array(tokens.prefix(prompt)), distributions: 1) }
                await model.free(s)
            }
            report(Result(name: "pp\(prompt)", batch: 1, tokens: prompt, measurement: m))
        }
        if generate > 0 {
            let m = try await measure { timer in
                let s = await model.makeSequence()
                try await timer.time {
                    for t in tokens.prefix(generate) { _ = try await model.step([StepRow(sequence: s, token: t)]) }
                }
                await model.free(s)
            }
            report(Result(name: "tg\(generate)", batch: 1, tokens: generate, measurement: m))
        }
        for b in batch.sizes {
            let steps = (0..<batchGenerate).map { _ in randomTokens(b) }
            var prefill: [Double] = []
            let m = try await measure { timer in
                let base = await model.makeSequence()
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try await model.prefill(base, tokens: Array(tokens.prefix(batchPrompt)), distributions: 1)
                prefill.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                var sequences = [base]
                for _ in 1..<b { sequences.append(try await model.fork(base)) }
                try await timer.time {
                    for row in steps {
                        _ = try await model.step(zip(sequences, row).map { StepRow(sequence: $0, token: $1) })
                    }
                }
                for s in sequences { await model.free(s) }
            }
            let measured = Array(prefill.dropFirst())  // the first is the warm-up
            report(Result(name: "\(b)xtg\(batchGenerate)", batch: b, tokens: b * batchGenerate, measurement: m))
            if !json {
                let rates = measured.map { Double(batchPrompt) / $0 }
                print("\(b)xpp\(batchPrompt) (shared prompt, once): \(Self.meanSD(rates)) tokens/s")
            }
        }
        let rss = Self.peakResidentBytes()
        if json {
            let object: [String: Any] = [
                "model": path, "architecture": model.config.architecture.rawValue, "kernels": model.instructionSet,
                "activations": model.precision.rawValue, "kv_cache": model.kvPrecision.rawValue, "threads": model.threads,
                "peak_rss_bytes": rss, "tests": results.map(\.object),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("peak RSS: \(String(format: "%.1f", Double(rss) / 1_048_576)) MiB")
        }
    }

    /// One test's figures: wall seconds of each measured repetition and the CPU seconds they used together.
    struct Measurement {
        var seconds: [Double] = []
        var cpu = 0.0
    }

    /// Times the part of a repetition that counts (set-up such as forking stays outside).
    final class Timer {
        var seconds = 0.0
        var cpu = 0.0
        func time(_ body: () async throws -> Void) async throws {
            let cpuStart = Bench.processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            cpu += Bench.processCPUSeconds() - cpuStart
        }
    }

    /// One warm-up run, then `repetitions` measured runs.
    private func measure(_ body: (Timer) async throws -> Void) async throws -> Measurement {
        try await body(Timer())
        var m = Measurement()
        for _ in 0..<repetitions {
            let timer = Timer()
            try await body(timer)
            m.seconds.append(timer.seconds)
            m.cpu += timer.cpu
        }
        return m
    }

    struct Result {
        let name: String
        let batch: Int
        let tokens: Int
        let measurement: Measurement

        var rates: [Double] { measurement.seconds.map { Double(tokens) / $0 } }
        var cpuRate: Double { Double(tokens * measurement.seconds.count) / measurement.cpu }

        var line: String {
            "\(name): \(Bench.meanSD(rates)) tokens/s (\(String(format: "%.1f", cpuRate)) per CPU-second)"
        }

        var object: [String: Any] {
            let mean = rates.reduce(0, +) / Double(rates.count)
            return [
                "test": name, "batch": batch, "tokens": tokens, "seconds": measurement.seconds,
                "tokens_per_second": rates, "mean": mean, "tokens_per_cpu_second": cpuRate,
            ]
        }
    }

    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The process's peak resident set size in bytes (getrusage; kilobytes on Linux, bytes on macOS).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
        #endif
    }

    static func meanSD(_ rates: [Double]) -> String {
        let mean = rates.reduce(0, +) / Double(rates.count)
        let sd = rates.count > 1
            ? (rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rates.count - 1)).squareRoot() : 0
        return String(format: "%.2f ± %.2f", mean, sd)
    }

    static func line(_ test: String, _ rates: [Double], cpuRate: Double) -> String {
        "\(test): \(meanSD(rates)) tokens/s (\(String(format: "%.1f", cpuRate)) per CPU-second)"
    }
}

/// `--batch 1,8,16,32`: batch sizes, each at least 1; an empty string gives none.
struct BatchSizes: ExpressibleByArgument {
    let sizes: [Int]

    init(sizes: [Int]) { self.sizes = sizes }

    init?(argument: String) {
        if argument.isEmpty {
            sizes = []
            return
        }
        var sizes: [Int] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let b = Int(part.trimmingCharacters(in: .whitespaces)), b >= 1 else { return nil }
            sizes.append(b)
        }
        self.sizes = sizes
    }

    var defaultValueDescription: String { sizes.map(String.init).joined(separator: ",") }
}
