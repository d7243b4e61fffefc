import ArgumentParser
import QuorumRun

/// An early-stopping rule: `--stop-rule`, `--stop-threshold`, `--round`, shared by `quorum run --adaptive` and
/// `quorum stop-replay`.
///
/// It has no `validate()`: `quorum run` checks the rule only with `--adaptive` (``DecoderOptions``), and
/// `quorum stop-replay` when it replays (``AdaptiveStopping/validate()``, a run-time error there).
struct StoppingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Early stopping: beta (Beta posterior that the leading answer beats the runner-up ≥ threshold, as "
            + "Adaptive-Consistency) or rpc (RPC's confidence in its answer ≥ threshold).", valueName: "beta|rpc"))
    var stopRule: AdaptiveStopping.Rule = .beta

    @Option(help: "Early stopping: the rule's threshold.")
    var stopThreshold = 0.95

    @Option(help: "Early stopping: paths per round.")
    var round = 4

    /// The rule as a value.
    var rule: AdaptiveStopping { AdaptiveStopping(rule: stopRule, threshold: stopThreshold, round: round) }
}

extension AdaptiveStopping.Rule: ExpressibleByArgument {}
