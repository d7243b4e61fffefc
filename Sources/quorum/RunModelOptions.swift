import ArgumentParser
import QuorumRun

/// `quorum run`'s model: a GGUF model on the embedded engine (with its `--threads` and `--batch`) or servers.
///
/// `--model` means more here than in ``ModelOptions`` (it also takes server URLs), hence its own declaration;
/// its default is the same (``ModelOptions/defaultModel``).
struct RunModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A catalogue model name (see `quorum models list`), the path of a .gguf file, or OpenAI-compatible "
            + "servers: http://HOST:PORT/v1[,URL2…] (requests go to the least busy one).",
        valueName: "name|file.gguf|urls"))
    var model: String = ModelOptions.defaultModel

    @OptionGroup var threadOptions: ThreadOptions

    @Option(
        name: .customLong("batch"),
        help: "Most paths the embedded engine advances per forward step; paths of later problems join as paths end. Does not change what is sampled. (default: 16)")
    var maxBatch: Int?

    /// Whether `--model` names servers.
    var usesServers: Bool { RunModel.isHTTP(model) }

    func validate() throws {
        if let maxBatch, maxBatch < 1 { throw ValidationError("--batch must be at least 1, not \(maxBatch)") }
        if usesServers, threadOptions.threads != nil {
            throw ValidationError("--threads applies to the embedded engine, not to servers")
        }
        if usesServers, maxBatch != nil {
            throw ValidationError(
                "--batch applies to the embedded engine; servers batch requests themselves (see --requests-per-server)")
        }
    }
}
