import ArgumentParser
import QuorumEngine

/// `--model NAME|FILE.gguf`, shared by every command that loads a model into the embedded engine.
struct ModelOptions: ParsableArguments {
    /// The default of every command's `--model` (`quorum run` and `quorum adadec calibrate` included, so a
    /// calibration made without `--model` is the one `quorum run --decoder adadec` finds without it).
    static let defaultModel = "smollm2-135m"

    @Option(name: .long, help: ArgumentHelp(
        "A catalogue model name (see `quorum models list`) or the path of a .gguf file.",
        valueName: "name|file.gguf"))
    var model: String = ModelOptions.defaultModel

    /// The model file, resolved against `$QUORUM_HOME/models` (default ~/.cache/quorum/models).
    func resolvedPath() throws -> String { try ModelStore().resolve(model) }
}
