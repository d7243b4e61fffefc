import ArgumentParser
import Foundation
import QuorumEngine

/// `--model NAME|FILE.gguf`, `--threads` and the kernels' precision, shared by the commands that run the
/// embedded engine on one model (`generate`, `logits`, `bench`).
struct EngineOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "Instruction set of the kernels (default: the best this CPU has).")
    var kernels: InstructionSet?

    @Option(help: "Inputs of the quantised matrix products: int8 (8-bit blocks, as llama.cpp) or float.")
    var activations: ActivationPrecision = .int8

    @Option(help: "KV cache element type: f16 (as llama.cpp's default) or f32.")
    var kvCache: KVPrecision = .f16

    func validate() throws {
        if let kernels, !kernels.isAvailable {
            throw ValidationError("--kernels \(kernels.rawValue) is not available on this CPU (best: \(InstructionSet.best.rawValue))")
        }
    }

    /// Loads the model and its tokenizer; a missing or unknown model gives ModelStore's clear error.
    func loadEngine() throws -> EngineModel {
        try EngineModel(
            path: modelOptions.resolvedPath(), threads: threadOptions.threads, precision: activations, instructionSet: kernels,
            kvCache: kvCache)
    }
}

extension InstructionSet: ExpressibleByArgument {}
extension ActivationPrecision: ExpressibleByArgument {}
extension KVPrecision: ExpressibleByArgument {}

/// A prompt given either as text (`--prompt`) or as token ids (`--prompt-tokens`).
struct PromptOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The prompt text; control tokens spelled in it (such as <|im_start|>) become single tokens.", valueName: "text"))
    var prompt: String?

    @Option(help: ArgumentHelp("The prompt as comma-separated token ids.", valueName: "ids"))
    var promptTokens: TokenList?

    func validate() throws {
        if (prompt == nil) == (promptTokens == nil) {
            throw ValidationError("give the prompt with --prompt or with --prompt-tokens (one of them)")
        }
        if prompt == "" { throw ValidationError("--prompt is empty") }
    }

    /// The prompt's token ids.
    func tokens(for model: EngineModel) throws -> [Int] {
        if let promptTokens { return promptTokens.ids }
        guard let text = model.text else { throw CommandError.failed("--prompt needs the model's tokenizer") }
        let ids = try text.encode(prompt ?? "")
        guard !ids.isEmpty else { throw CommandError.failed("the prompt gives no tokens") }
        return ids
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
