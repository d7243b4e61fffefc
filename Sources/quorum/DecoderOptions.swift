import ArgumentParser
import QuorumRun

/// How `quorum run` decodes each path: `--decoder` and its settings (FoReaL's leader and draft, AdaDec's τ,
/// look-ahead and candidates), and early stopping (`--adaptive` with a ``StoppingOptions`` rule).
struct DecoderOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "sample (temperature sampling; greedy at 0), foreal (--leader/--draft, GGUF models or servers; "
            + "docs/decoders.md) or adadec (entropy-triggered rerank; --threshold or a stored calibration; with "
            + "--model URLs the top-20 entropy estimate).", valueName: "sample|foreal|adadec"))
    var decoder: DecoderKind = .sample

    @Option(help: ArgumentHelp(
        "FoReaL: the leader model: catalogue name, .gguf file, or servers http://HOST:PORT/v1[,URL2…].",
        valueName: "model|urls"))
    var leader: String?

    @Option(help: ArgumentHelp(
        "FoReaL: the draft model: catalogue name, .gguf file, or servers http://HOST:PORT/v1[,URL2…].",
        valueName: "model|urls"))
    var draft: String?

    @Option(help: "FoReaL: n, tokens the leader writes at the start of a led sentence.")
    var leadTokens = 15

    @Option(help: "FoReaL: p, probability that the leader leads a sentence (seeded per sentence).")
    var leadProb = 1.0

    @Option(help: ArgumentHelp(
        "AdaDec: τ in nats (default on the engine: the value `quorum adadec calibrate` stored for this model and "
            + "template; required with servers, whose entropy is the top-20 estimate: calibrate with --entropy top20).",
        valueName: "nats"))
    var threshold: Double?

    @Option(help: "AdaDec: greedy look-ahead tokens per candidate.")
    var lookahead = 5

    @Option(help: "AdaDec: candidates reranked at a paused step.")
    var candidates = 3

    @Flag(help: ArgumentHelp(
        "Early stopping: draw each problem's paths in rounds (--round) and stop once its selection is settled "
            + "(--stop-rule); --samples is then the most paths per problem."))
    var adaptive = false

    @OptionGroup var stopping: StoppingOptions

    /// FoReaL's settings (`--decoder foreal` only).
    var foreal: FoReaLOptions? {
        decoder == .foreal
            ? FoReaLOptions(leader: leader ?? "", draft: draft ?? "", leadTokens: leadTokens, leadProbability: leadProb)
            : nil
    }

    /// AdaDec's settings (`--decoder adadec` only): τ is --threshold; without it the run session fills τ in
    /// from the stored calibration.
    var adadec: AdaDecOptions? {
        decoder == .adadec ? AdaDecOptions(threshold: threshold ?? 0, lookahead: lookahead, candidates: candidates) : nil
    }

    /// The early-stopping rule (`--adaptive` only).
    var adaptiveStopping: AdaptiveStopping? { adaptive ? stopping.rule : nil }

    func validate() throws {
        switch decoder {
        case .foreal:
            guard leader != nil, draft != nil else { throw ValidationError("--decoder foreal needs --leader and --draft") }
        case .adadec:
            break
        case .sample:
            if leader != nil || draft != nil { throw ValidationError("--leader and --draft apply to --decoder foreal") }
            if threshold != nil { throw ValidationError("--threshold applies to --decoder adadec") }
        }
        do {
            try foreal?.validate()
            try adadec?.validate()
            try adaptiveStopping?.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// `--decoder`.
enum DecoderKind: String, ExpressibleByArgument, CaseIterable {
    case sample, foreal, adadec
}
