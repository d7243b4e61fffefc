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
                data = try report.json(for: json)
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

