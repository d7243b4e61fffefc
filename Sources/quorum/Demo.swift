import ArgumentParser

/// `quorum demo`: the main job on the embedded default model, once sampling lands.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the demo job (not available yet: sampling has not landed).")

    func run() throws {
        print("""
            quorum demo is not available yet.
            Once the embedded engine and `quorum run` land (issues 4 and 5), `make demo` will:
              1. pull the smollm2-135m model (Q4_1 GGUF, 98 MB) into ~/.cache/quorum,
              2. build quorum in release mode,
              3. sample 16 reasoning paths per problem of tasks/arith-easy.jsonl,
              4. select answers with SC, PPL, PC and RPC and print accuracy and calibration per method.
            What works today: `quorum tasks`, `quorum extract` and `quorum equal` (see README.md).
            """)
        throw ExitCode(2)
    }
}
