import ArgumentParser
import Foundation
import QuorumEval
import QuorumRun

/// `quorum eval`: accuracy and calibration versus the number of samples, as in the RPC paper.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate selection methods over a K grid and seeds: accuracy, ECE, Brier, NLL, AUROC.",
        discussion: """
            The RPC paper's protocol (spec/rpc.md): for each seed s, the pool positions are shuffled as \
            CPython's random.seed(s); random.shuffle does, and the first K positions select the paths of every \
            problem. Prints Markdown tables of mean ± population standard deviation over seeds (accuracy in %, \
            ECE × 100) and, with --json, writes {"methods": {METHOD: {"K": {"accuracy_mean", "accuracy_std", \
            "ece_mean", "ece_std", "brier_mean", "nll_mean", "auroc_mean", "per_seed"}}}} with the input \
            summary.

            PATHS is paths JSON Lines whose lines carry the problem's "gold", or a file in the RPC release \
            format (.json, parallel arrays, e.g. the paper's released paths). Every problem must have the same \
            number of paths (the pool size); problems with fewer or more, without gold, or with an unusable \
            line are skipped and listed on standard error. The figures of the problems that remain are still \
            printed (and written with --json), but the command then fails with exit status 1 and says how many \
            problems were left out, since they would change the figures; --allow-skipped accepts them and exits 0.
            """)

    @Argument(help: "Paths JSON Lines file (with \"gold\"), or an RPC release .json file.")
    var paths: String

    /// Default of `--methods`.
    static let defaultMethods = CommaSeparatedList<SelectionMethod>([.ppl, .sc, .pc, .rpc])
    /// Default of `--k`.
    static let defaultKs = CommaSeparatedList<Int>([1, 2, 4, 8, 16, 32])

    @Option(
        help: ArgumentHelp(
            "Comma-separated methods (sc, ppl, pc, rpc, weighted, best-of-n). (default: \(Eval.defaultMethods.argument))",
            valueName: "methods"),
        transform: { try CommaSeparatedList.methods($0) })
    var methods = Eval.defaultMethods

    @Option(
        name: .customLong("k"),
        help: ArgumentHelp(
            "Comma-separated numbers of sampled paths. (default: \(Eval.defaultKs.argument))", valueName: "k"),
        transform: { try CommaSeparatedList.positiveCounts($0) })
    var ks = Eval.defaultKs

    @Option(help: "Number of seeds (0, 1, …, seeds − 1).")
    var seeds = 10

    @OptionGroup var equivalenceOptions: EquivalenceOptions

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    @Flag(help: ArgumentHelp(
        "Exit 0 even when problems were skipped (they are still listed on standard error). Without it, any "
            + "skipped problem makes the command fail with exit status 1 after printing the figures."))
    var allowSkipped = false

    func validate() throws {
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, not \(seeds)") }
    }

    func run() throws {
        try CommandError.reported(status: 2, execute)
    }

    func execute() throws {
        let pool: PathPool
        do {
            pool = isRPCRelease(paths) ? try RPCRelease.load(file: paths) : try PathPool.load(pathsFile: paths)
        } catch {
            throw CommandError.failed(error.description)
        }
        for warning in pool.warnings { printError("warning: \(warning)") }
        for skipped in pool.skipped { printError(skipped.description) }
        let methods = methods.items
        let evaluation = EvaluationProtocol(ks: ks.items, seeds: Array(0..<seeds))
        let start = Date()
        let result: EvaluationResult
        do {
            result = try evaluation.run(
                pool, methods: methods.map(\.aggregator), equivalence: equivalenceOptions.equivalence)
        } catch {
            throw CommandError.failed(error.description)
        }
        printError(String(
            format: "evaluated %d problems × %d paths, %d methods, %d K, %d seeds in %.2f s", result.problems,
            result.poolSize, methods.count, evaluation.ks.count, seeds, Date().timeIntervalSince(start)))
        print(EvalReport.markdown(result, seeds: seeds), terminator: "")
        if let json {
            let report = EvalReport(
                result: result, seeds: evaluation.seeds, ks: evaluation.ks, kind: equivalenceOptions.kind.rawValue,
                equality: equivalenceOptions.equality.rawValue)
            let data: Data
            do {
                data = try RunFileJSON.encode(report, for: json, formatting: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            } catch {
                throw CommandError.failed(error.description)
            }
            do {
                try data.write(to: URL(fileURLWithPath: json))
            } catch {
                throw CommandError.unwritable(path: json, reason: error.localizedDescription)
            }
        }
        if !pool.skipped.isEmpty && !allowSkipped {
            let total = pool.skipped.count + result.problems
            printError(
                "error: \(pool.skipped.count) of \(total) problems were skipped (listed above), so the figures cover "
                    + "only \(result.problems); fix the input or pass --allow-skipped to accept this")
            throw ExitCode(1)
        }
    }
}

/// The JSON and Markdown forms of an evaluation.
struct EvalReport: Encodable {
    var source: String
    var poolSize: Int
    var problems: Int
    var seeds: [Int]
    var ks: [Int]
    var kind: String
    var equality: String
    var skipped: [SkippedProblem]
    var warnings: [String]
    /// methods[method][K]
    var methods: [String: [String: Point]]
    /// Code runs: pass@k and execution statistics.
    var code: CodeEvaluation?

    struct Point: Encodable {
        var summary: Summary
        var perSeed: [SeedMetrics]

        enum CodingKeys: String, CodingKey {
            case accuracyMean = "accuracy_mean", accuracyStd = "accuracy_std", eceMean = "ece_mean"
            case eceStd = "ece_std", brierMean = "brier_mean", nllMean = "nll_mean", aurocMean = "auroc_mean"
            case perSeed = "per_seed"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(summary.accuracyMean, forKey: .accuracyMean)
            try container.encode(summary.accuracyStd, forKey: .accuracyStd)
            try container.encode(summary.eceMean, forKey: .eceMean)
            try container.encode(summary.eceStd, forKey: .eceStd)
            try container.encode(summary.brierMean, forKey: .brierMean)
            try container.encode(summary.nllMean, forKey: .nllMean)
            try container.encode(summary.aurocMean, forKey: .aurocMean)  // null when undefined
            try container.encode(perSeed.map(SeedRow.init), forKey: .perSeed)
        }
    }

    /// One seed's metrics as written: accuracy in %, ECE as a fraction (as the reference's per-seed data).
    struct SeedRow: Encodable {
        var seed: Int
        var accuracy: Double
        var ece: Double
        var brier: Double
        var nll: Double
        var auroc: Double?

        init(_ row: SeedMetrics) {
            seed = row.seed
            accuracy = row.metrics.accuracy
            ece = row.metrics.ece
            brier = row.metrics.brier
            nll = row.metrics.nll
            auroc = row.metrics.auroc
        }

        enum CodingKeys: String, CodingKey { case seed, accuracy, ece, brier, nll, auroc }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(accuracy, forKey: .accuracy)
            try container.encode(ece, forKey: .ece)
            try container.encode(brier, forKey: .brier)
            try container.encode(nll, forKey: .nll)
            try container.encode(auroc, forKey: .auroc)
        }
    }

    enum CodingKeys: String, CodingKey {
        case source, poolSize = "pool_size", problems, seeds, ks = "k", kind, equality, skipped, warnings, methods, code
    }

    init(result: EvaluationResult, seeds: [Int], ks: [Int], kind: String, equality: String) {
        source = result.source
        poolSize = result.poolSize
        problems = result.problems
        self.seeds = seeds
        self.ks = ks
        self.kind = kind
        self.equality = equality
        skipped = result.skipped
        warnings = result.warnings
        var methods: [String: [String: Point]] = [:]
        for curve in result.methods {
            var points: [String: Point] = [:]
            for point in curve.points {
                points[String(point.k)] = Point(summary: point.summary, perSeed: point.perSeed)
            }
            methods[curve.method] = points
        }
        self.methods = methods
    }

    static func displayName(_ method: String) -> String {
        switch method {
        case "weighted": "Weighted"
        case "best-of-n": "Best-of-N"
        default: method.uppercased()
        }
    }

    /// Tables like the paper's: accuracy and ECE per method and K, then Brier, NLL and AUROC at the largest K.
    static func markdown(_ result: EvaluationResult, seeds: Int) -> String {
        let ks = result.methods.first?.points.map(\.k) ?? []
        var text = "Pool: \(result.source), \(result.problems) problems × \(result.poolSize) paths; "
            + "mean ± population std over \(seeds) seeds.\n\n"
        func table(_ title: String, _ cell: (Summary) -> String) {
            text += "\(title)\n\n| Method | " + ks.map { "K=\($0)" }.joined(separator: " | ") + " |\n"
            text += "|---|" + String(repeating: "---:|", count: ks.count) + "\n"
            for curve in result.methods {
                text += "| \(displayName(curve.method)) | "
                    + curve.points.map { cell($0.summary) }.joined(separator: " | ") + " |\n"
            }
            text += "\n"
        }
        table("Accuracy (%)") { String(format: "%.2f ± %.2f", $0.accuracyMean, $0.accuracyStd) }
        table("ECE (×100)") { String(format: "%.2f ± %.2f", $0.eceMean, $0.eceStd) }
        if let largest = ks.last {
            text += "At K=\(largest)\n\n| Method | Brier | NLL | AUROC |\n|---|---:|---:|---:|\n"
            for curve in result.methods {
                guard let summary = curve.point(largest)?.summary else { continue }
                let auroc = summary.aurocMean.map { String(format: "%.4f", $0) } ?? "–"
                text += "| \(displayName(curve.method)) | " + String(format: "%.4f | %.4f | ", summary.brierMean, summary.nllMean)
                    + auroc + " |\n"
            }
        }
        return text
    }
}
