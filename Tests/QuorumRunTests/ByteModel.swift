import Foundation
import QuorumDecode

/// A real, tiny language model for tests: tokens are the 256 byte values plus an end token (256); the
/// next-token logits are a fixed pseudo-random function of the last two tokens, biased towards digits,
/// letters, spaces and newlines so that completions look like text. It implements every LanguageModel
/// operation, so the run machinery can be exercised without a GGUF file.
actor ByteModel: LanguageModel {
    nonisolated let name = "bytes"
    nonisolated let vocabularySize = 257
    nonisolated let contextLength = 4096
    nonisolated let endOfGenerationTokens: Set<Int> = [256]
    nonisolated let text: (any TokenText)? = Bytes()
    private var sequences: [Int: [Int]] = [:]
    private var nextID = 0
    /// Rows seen by `step`, summed over calls.
    private(set) var stepRows = 0

    struct Bytes: TokenText {
        func encode(_ text: String) throws -> [Int] { text.utf8.map(Int.init) }
        func bytes(of id: Int) -> [UInt8] { id < 256 ? [UInt8(id)] : [] }
    }

    nonisolated func distribution(after history: [Int]) -> NextTokenDistribution {
        let a = UInt64(history.last ?? 0), b = UInt64(history.dropLast().last ?? 0)
        var g = SeededGenerator(seed: a &* 1_000_003 &+ b)
        let logits = (0..<257).map { t -> Float in
            var bias: Float = -4
            if (48...57).contains(t) || t == 32 { bias = 1 }
            if (97...122).contains(t) { bias = 0 }
            if t == 10 { bias = -1 }
            if t == 256 { bias = -2.5 }
            return Float(g.uniform() * 3) + bias
        }
        return NextTokenDistribution(logits: logits)
    }

    func makeSequence() -> SequenceID {
        nextID += 1
        sequences[nextID] = []
        return SequenceID(rawValue: nextID)
    }

    func fork(_ sequence: SequenceID) throws -> SequenceID {
        guard let tokens = sequences[sequence.rawValue] else { throw DecodeError.unknownSequence(sequence) }
        nextID += 1
        sequences[nextID] = tokens
        return SequenceID(rawValue: nextID)
    }

    func free(_ sequence: SequenceID) { sequences[sequence.rawValue] = nil }

    func truncate(_ sequence: SequenceID, to length: Int) throws {
        guard let tokens = sequences[sequence.rawValue] else { throw DecodeError.unknownSequence(sequence) }
        guard (0...tokens.count).contains(length) else { throw DecodeError.invalidRequest("truncate past the end") }
        sequences[sequence.rawValue] = Array(tokens.prefix(length))
    }

    func tokens(of sequence: SequenceID) throws -> [Int] {
        guard let tokens = sequences[sequence.rawValue] else { throw DecodeError.unknownSequence(sequence) }
        return tokens
    }

    func prefill(_ sequence: SequenceID, tokens: [Int], distributions: Int) throws -> [NextTokenDistribution] {
        guard var history = sequences[sequence.rawValue] else { throw DecodeError.unknownSequence(sequence) }
        var out: [NextTokenDistribution] = []
        for (i, t) in tokens.enumerated() {
            history.append(t)
            if i >= tokens.count - distributions { out.append(distribution(after: history)) }
        }
        sequences[sequence.rawValue] = history
        return out
    }

    func step(_ rows: [StepRow]) throws -> [NextTokenDistribution] {
        stepRows += rows.count
        return try rows.map { try prefill($0.sequence, tokens: [$0.token], distributions: 1)[0] }
    }
}
