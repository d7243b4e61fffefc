import ArgumentParser
import Foundation
import QuorumDecode
import QuorumEngine

/// `quorum logits`: the raw logits after a prompt, as a file of float32 values.
struct Logits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the final position's raw logits (float32, little-endian, one per token id) to a file.")

    @OptionGroup var engine: EngineOptions

    @OptionGroup var promptOptions: PromptOptions

    @Option(help: ArgumentHelp("The file to write.", valueName: "file"))
    var out: String

    func run() async throws {
        let model = try engine.loadEngine()
        let sequence = await model.makeSequence()
        let d = try await model.prefill(sequence, tokens: promptOptions.tokens(for: model), distributions: 1)[0]
        var data = Data(capacity: 4 * d.logits.count)
        for l in d.logits { withUnsafeBytes(of: l.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: URL(fileURLWithPath: out))
        print("wrote \(d.logits.count) logits to \(out); argmax \(d.argmax), log-sum-exp \(d.logSumExp), entropy \(d.entropy)")
    }
}
