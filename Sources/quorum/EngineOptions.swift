import ArgumentParser
import Foundation
import QuorumEngine

/// `--model NAME|FILE.gguf` and `--threads`, shared by the commands that run the embedded engine.
struct EngineOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A model name (looked up as $QUORUM_HOME/models/NAME.gguf; QUORUM_HOME defaults to ~/.cache/quorum) or the path of a .gguf file.",
            valueName: "name|file.gguf"))
    var model: String = "smollm2-135m"

    @Option(help: "Threads for the forward pass (default: the number of available cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    /// The model file: a path as given when it names a .gguf file or contains a slash, else the cached
    /// model of that name.
    var modelPath: String {
        if model.hasSuffix(".gguf") || model.contains("/") { return model }
        let home = ProcessInfo.processInfo.environment["QUORUM_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? NSHomeDirectory() + "/.cache/quorum"
        return home + "/models/\(model).gguf"
    }

    /// Loads the engine, with a clear error when the file is missing.
    func loadEngine() throws -> EngineModel {
        let path = modelPath
        guard FileManager.default.fileExists(atPath: path) else {
            if model.hasSuffix(".gguf") || model.contains("/") {
                throw CommandError("model file not found: \(path)")
            }
            throw CommandError("model '\(model)' is not in the cache (\(path)); fetch it with `quorum models pull \(model)`")
        }
        return try EngineModel(path: path, threads: threads)
    }
}

/// A comma-separated list of token ids, e.g. `1,2,3`.
struct TokenList: ExpressibleByArgument {
    let ids: [Int]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        var ids: [Int] = []
        for p in parts {
            guard let id = Int(p.trimmingCharacters(in: .whitespaces)), id >= 0 else { return nil }
            ids.append(id)
        }
        guard !ids.isEmpty else { return nil }
        self.ids = ids
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A failure while running a command (as opposed to bad arguments): printed as `Error: <message>`.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
