import ArgumentParser

/// `--threads`: the embedded engine's forward-pass threads, shared by every command that runs the engine.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads for the embedded engine's forward pass (default: the number of available cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }
}
