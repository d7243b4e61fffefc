import ArgumentParser
import Foundation
import QuorumCore
import QuorumRun

/// `quorum stop-replay`: what early stopping would have saved on a run sampled without it.
struct StopReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop-replay",
        abstract: "Replay an early-stopping rule on a run's paths: samples saved and accuracy (SC, RPC) change.",
        discussion: """
            Takes each problem's paths in path order, a round at a time, until the rule calls the problem settled \
            (exactly the paths `quorum run --adaptive` draws with the same seeds), and compares selecting over \
            those paths with selecting over all of them.
            """)

    @Argument(help: "A run's paths.jsonl.")
    var paths: String

    @OptionGroup var stopping: StoppingOptions

    @Option(help: "The problems' kind (math, choice, code, text).")
    var kind = "math"

    func run() throws {
        guard let kind = TaskKind(rawValue: kind) else { throw ValidationError("unknown kind \(kind)") }
        let rule = stopping.rule
        try rule.validate()
        let r = try AdaptiveReplay.replay(pathsFile: paths, kind: kind, rule: rule)
        var line = String(
            format: "%@ ≥ %.3g, rounds of %d: %d problems, %d of %d paths kept (%.2f per problem), %.1f %% saved",
            stopping.stopRule.rawValue, stopping.stopThreshold, stopping.round, r.problems, r.pathsKept, r.pathsAll,
            Double(r.pathsKept) / Double(max(1, r.problems)), 100 * r.saved)
        for m in ["sc", "rpc"] {
            if let a = r.accuracyAll[m], let k = r.accuracyKept[m] {
                line += String(format: "; %@ %.2f → %.2f %% (%+.2f)", m.uppercased(), a, k, k - a)
            }
        }
        print(line)
    }
}
