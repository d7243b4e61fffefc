import ArgumentParser
import Foundation
import QuorumReport

/// `quorum report`: calibration and scaling reports of run folders as HTML, Markdown and JSON with plots.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report on run folders: tables, plots and a per-problem drill-down as HTML, Markdown and JSON.",
        discussion: """
            Reads each RUN_DIR (the --out folder of `quorum run`: run.json, paths.jsonl), selects with PPL, SC, \
            PC and RPC and evaluates with QuorumEval (K = 1, 2, 4, … up to the paths per problem, --seeds seeds), \
            and writes OUT/report.html (self-contained: inline SVG and CSS, no script, works from a file), \
            OUT/report.md (its Markdown twin, with the plots as SVG files beside it) and OUT/report.json \
            (schema in docs/report.md). Several runs are shown side by side.

            Tables: accuracy ± std, ECE, Brier, NLL and AUROC per method and K; cost per decoder (tokens, FLOPs, \
            seconds, tokens/s). Plots: accuracy vs K with ± std bands, cost vs accuracy across runs, reliability \
            diagrams (10 bins, with counts) and confidence histograms per method, RPC's pruning on one problem \
            (path-probability histogram, fitted two-Weibull mixture, cut). Drill-down: each problem's question, \
            gold, every method's choice and confidence, answer clusters with votes and probability mass, and \
            the paths (collapsible).

            Questions come from the task file run.json names (resolved from the current directory); --tasks \
            gives it when it has moved.
            """)

    @Argument(help: ArgumentHelp("Run folders (of `quorum run --out`).", valueName: "run-dir"))
    var runs: [String]

    @Option(help: ArgumentHelp(
        "The report folder (default: reports/NAME, NAME the run folders' names joined by '+').", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("The task file of the runs, when run.json's path does not reach it.", valueName: "file"))
    var tasks: String?

    @Option(help: ArgumentHelp(
        "The problem shown in the RPC diagnostics (default: the one where RPC pruned the most paths).", valueName: "id"))
    var rpcProblem: String?

    @Option(help: "Shuffling seeds of the evaluation protocol.")
    var seeds = 10

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run folder") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, not \(seeds)") }
    }

    func run() throws {
        do {
            let output = try Self.make(runs: runs, out: out, tasks: tasks, rpcProblem: rpcProblem, seeds: seeds)
            print("report written to \(output.folder)/ (report.html, report.md, report.json, \(output.files.count - 3) SVG plots)")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Builds and writes the report of `runs`; shared with `quorum run --report`.
    static func make(
        runs: [String], out: String?, tasks: String?, rpcProblem: String?, seeds: Int
    ) throws(ReportError) -> ReportWriter.Output {
        var inputs: [RunInput] = []
        for run in runs { inputs.append(try RunInput.load(folder: run, tasksFile: tasks)) }
        for input in inputs {
            for note in input.notes { FileHandle.standardError.write(Data("note: \(input.name): \(note)\n".utf8)) }
        }
        let builder = ReportBuilder(seedCount: seeds, rpcProblem: rpcProblem, tool: "quorum \(QuorumVersion.string)")
        let report = try builder.build(inputs)
        let folder = out ?? "reports/" + inputs.map(\.name).joined(separator: "+")
        return try ReportWriter.write(report, to: folder)
    }
}
