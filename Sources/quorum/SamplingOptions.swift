import ArgumentParser
import QuorumDecode

/// The sampling knobs of `quorum run` and `quorum generate`: temperature, the truncations (top-p, top-k,
/// min-p), the token budget and the seed. Each knob has one default; the commands bound `--max-tokens`
/// themselves (`run` needs at least 1 token per path, `generate` accepts 0).
struct SamplingOptions: ParsableArguments {
    /// Default of `--temperature`.
    static let defaultTemperature = 0.7

    /// `nil` when not given (``temperatureValue`` is then the default): `quorum generate --greedy` contradicts
    /// only a temperature given explicitly.
    @Option(help: "Sampling temperature (0 is greedy). (default: 0.7)")
    var temperature: Double?

    @Option(help: "Nucleus sampling: keep the most likely tokens up to this probability mass (1 disables).")
    var topP = 1.0

    @Option(help: "Keep only the k most likely tokens (0 disables).")
    var topK = 0

    @Option(help: "Drop tokens less likely than this fraction of the most likely one (0 disables).")
    var minP = 0.0

    @Option(help: "Most tokens per path (completion).")
    var maxTokens = 256

    @Option(help: "The seed every path's own seed (its stream) is derived from.")
    var seed: UInt64 = 0

    /// The temperature given, or the default.
    var temperatureValue: Double { temperature ?? Self.defaultTemperature }

    /// The sampling parameters with `temperature` (default: the one given, or the default) and the seed.
    func parameters(temperature: Double? = nil) -> SamplingParameters {
        SamplingParameters(temperature: temperature ?? temperatureValue, topK: topK, topP: topP, minP: minP, seed: seed)
    }

    func validate() throws {
        do { try parameters().validate() } catch { throw ValidationError(error.description) }
    }
}
