import Foundation
@testable import QuorumEngine

/// Writes a small GGUF file with a byte-level BPE vocabulary: the 256 byte tokens, then `extra` tokens
/// (normal ones spelled in the byte-level alphabet), then `special` tokens with their types.
struct TokenizerBuilder {
    var model = "gpt2"
    var pre: String? = "qwen2"
    var merges: [String] = []
    /// Normal tokens, in plain text (converted to the byte-level spelling).
    var extra: [String] = []
    /// (text, GGUF token type) of special tokens.
    var special: [(String, Int32)] = []
    var additional: [(String, GGUFBuilder.Value)] = []
    var omitTokenTypes = false

    /// The byte-level spelling of plain text.
    static func spell(_ text: String) -> String {
        String(String.UnicodeScalarView(text.utf8.map { Unicode.Scalar(ByteLevel.scalarForByte[Int($0)])! }))
    }

    var tokens: [String] { (0..<256).map { ByteLevel.string(for: UInt8($0)) } + extra.map(Self.spell) + special.map(\.0) }

    func id(of plain: String) -> Int? {
        if let i = extra.firstIndex(of: plain) { return 256 + i }
        if let i = special.firstIndex(where: { $0.0 == plain }) { return 256 + extra.count + i }
        let bytes = Array(plain.utf8)
        return bytes.count == 1 ? Int(bytes[0]) : nil
    }

    func build() throws -> Tokenizer { try Tokenizer(gguf: GGUFFile(path: write())) }

    func write() throws -> String {
        var b = GGUFBuilder()
        b.metadata = [("general.architecture", .string("llama")), ("tokenizer.ggml.model", .string(model))]
        if let pre { b.metadata.append(("tokenizer.ggml.pre", .string(pre))) }
        b.metadata.append(("tokenizer.ggml.tokens", .array(elementType: 8, tokens.map { .string($0) })))
        if !omitTokenTypes {
            let types = [Int32](repeating: 1, count: 256 + extra.count) + special.map(\.1)
            b.metadata.append(("tokenizer.ggml.token_type", .array(elementType: 5, types.map { .i32($0) })))
        }
        b.metadata.append(("tokenizer.ggml.merges", .array(elementType: 8, merges.map { rule in
            let parts = rule.split(separator: " ", maxSplits: 1).map(String.init)
            return .string(parts.map(Self.spell).joined(separator: " "))
        })))
        b.metadata += additional
        return try b.write(name: "tokenizer")
    }
}
