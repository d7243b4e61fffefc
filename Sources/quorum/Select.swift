import ArgumentParser
import Foundation
import QuorumEval
import QuorumRunFolder

/// `quorum select`: one answer, with its confidence, per problem of a paths file.
struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Select an answer with a confidence for each problem of a paths file (selections JSONL).",
        discussion: """
            Reads paths JSON Lines (docs: formats.md; the paths of a problem must be consecutive) from PATHS or \
            standard input ("-") and writes one selection per problem to standard output as soon as the \
            problem's paths are complete, that is when the next problem begins or the input ends. Paths are \
            taken in sampling order (by "path"), and candidates list path indices. A line may carry the \
            problem's "gold"; then each selection says whether it is correct (a fraction for exact ties). \
            A file ending in .json is read as the RPC release format (parallel arrays) instead.

            Methods: sc (majority vote), ppl (highest mean log-probability), pc (perplexity consistency), \
            rpc (pc after reasoning pruning; the paper's method), weighted (vote weighted by each path's \
            "score" in [0, ∞)), best-of-n (the path with the highest "score" in [0, 1]).

            A problem with an unusable line (missing mean_logprob, NaN, a repeated path …) is skipped and \
            reported as FILE:LINE: reason on standard error; the others are still selected, and the exit \
            status is then 1. A truncated last line is reported and ignored. A line that cannot be attributed \
            to a problem, or a problem whose paths resume after another's began, stops the run (status 2).
            """)

    @Argument(help: "Paths JSON Lines file, or - for standard input.")
    var paths: String

    @Option(help: "The selection method.")
    var method: SelectionMethod = .rpc

    @OptionGroup var equivalenceOptions: EquivalenceOptions

    func run() throws {
        try CommandError.reported(status: 2, execute)
    }

    func execute() throws {
        let aggregator = method.aggregator
        let equivalence = equivalenceOptions.equivalence
        var skipped = 0
        var written = 0

        func emit(_ selection: Selection) throws {
            FileHandle.standardOutput.write(try SelectionsFile.line(selection, file: "standard output"))
            written += 1
        }

        func select(_ problem: ProblemPaths) throws {
            do {
                try emit(try aggregator.select(problem, equivalence: equivalence))
            } catch let error as SelectError {
                printError("problem \(problem.problem) skipped: \(error)")
                skipped += 1
            }
        }

        if isRPCRelease(paths) {
            let pool: PathPool
            do {
                pool = try RPCRelease.load(file: paths)
            } catch {
                throw CommandError.failed(error.description)
            }
            for problem in pool.problems { try select(problem) }
        } else {
            let input = try ChunkReader(path: paths)
            var splitter = JSONLinesSplitter()
            var reader = PathsReader(file: input.name)
            func handle(_ group: PathGroup) throws {
                guard group.isUsable else {
                    printError("problem \(group.problem) skipped:")
                    for rejection in group.rejections { printError("  \(rejection)") }
                    skipped += 1
                    return
                }
                try select(ProblemPaths(problem: group.problem, gold: group.gold, reasoningPaths: group.pathsInSamplingOrder))
            }
            do {
                while true {
                    let chunk = input.next()
                    if chunk.isEmpty { break }
                    for line in splitter.append(chunk) {
                        if let group = try reader.read(line) { try handle(group) }
                    }
                }
                if let last = splitter.finish(), let group = try reader.read(last) { try handle(group) }
                if let group = reader.finish() { try handle(group) }
            } catch let error as PathsFileError {
                throw CommandError.failed(error.description)
            }
            for warning in reader.warnings { printError("warning: \(warning)") }
        }
        if skipped > 0 {
            printError("\(written) problems selected, \(skipped) skipped")
            throw ExitCode(1)
        }
    }
}
