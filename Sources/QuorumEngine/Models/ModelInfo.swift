import Foundation

/// A summary of a GGUF model file, for `quorum models info`.
public struct ModelInfo: Sendable {
    public let path: String
    public let fileSize: Int
    public let name: String?
    public let architecture: String?
    /// Total number of values over all tensors.
    public let parameterCount: Int
    /// Per tensor type: how many tensors and how many bytes.
    public let tensorTypes: [(type: GGMLType, tensors: Int, bytes: Int)]
    public let vocabularySize: Int?
    public let contextLength: Int?
    public let tokenizerModel: String?
    public let tokenizerPre: String?
    public let hasChatTemplate: Bool
    /// Why Quorum's tokenizer cannot read this file, or `nil` when it can.
    public let tokenizerProblem: String?

    public init(gguf: GGUFFile) {
        path = gguf.path
        fileSize = gguf.file.bytes.count
        name = gguf["general.name"]?.stringValue
        let arch = gguf["general.architecture"]?.stringValue
        architecture = arch
        parameterCount = gguf.tensors.reduce(0) { $0 + $1.elementCount }
        var byType: [GGMLType: (Int, Int)] = [:]
        for t in gguf.tensors {
            let (n, b) = byType[t.type] ?? (0, 0)
            byType[t.type] = (n + 1, b + t.byteCount)
        }
        tensorTypes = byType.map { (type: $0.key, tensors: $0.value.0, bytes: $0.value.1) }.sorted { $0.bytes > $1.bytes }
        vocabularySize = gguf["tokenizer.ggml.tokens"]?.arrayValue?.count
        contextLength = arch.flatMap { gguf["\($0).context_length"]?.intValue }
        tokenizerModel = gguf["tokenizer.ggml.model"]?.stringValue
        tokenizerPre = gguf["tokenizer.ggml.pre"]?.stringValue
        hasChatTemplate = gguf["tokenizer.chat_template"]?.stringValue != nil
        do {
            _ = try Tokenizer(gguf: gguf)
            tokenizerProblem = nil
        } catch {
            tokenizerProblem = error.description
        }
    }

    /// "135M", "494M", "1.2B".
    public static func humanCount(_ n: Int) -> String {
        if n >= 1_000_000_000 { return String(format: "%.1fB", Double(n) / 1e9) }
        if n >= 1_000_000 { return "\(Int((Double(n) / 1e6).rounded()))M" }
        if n >= 1_000 { return "\(Int((Double(n) / 1e3).rounded()))K" }
        return "\(n)"
    }
}
