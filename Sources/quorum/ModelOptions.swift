import ArgumentParser
import QuorumEngine

/// `--model NAME|FILE.gguf`, shared by every command that loads a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A catalogue model name (see `quorum models list`) or the path of a .gguf file.",
        valueName: "name|file.gguf"))
    var model: String = "smollm2-135m"

    /// The model file, resolved against `$QUORUM_HOME/models` (default ~/.cache/quorum/models).
    func resolvedPath() throws -> String { try ModelStore().resolve(model) }
}
