import ArgumentParser

/// The `quorum` command: test-time scaling of LLM reasoning from the command line.
@main
struct Quorum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quorum",
        abstract: "Sample many reasoning paths, select an answer with a calibrated confidence, evaluate.",
        version: QuorumVersion.string,
        subcommands: [
            Tasks.self, Extract.self, Equal.self, Tokenize.self, Models.self, Generate.self, Logits.self, Bench.self,
            Select.self, Eval.self,
            Exec.self, Run.self, AdaDecCommand.self, StopReplay.self,
            ReportCommand.self,
        ]
    )
}

enum QuorumVersion {
    static let string = "0.1.0-dev"
}
