import QuorumDecode

/// A real, tiny language model for tests: the next-token logits depend only on the last token (a fixed
/// random bigram table), and every token stands for a few fixed bytes. It implements every LanguageModel
/// operation, so generation, forking and batching can be checked without a GGUF file.
actor BigramModel: LanguageModel {
    nonisolated let name = "bigram"
    nonisolated let vocabularySize: Int
    nonisolated let contextLength: Int
    nonisolated let endOfGenerationTokens: Set<Int> = [0]
    nonisolated let text: (any TokenText)?
    nonisolated let table: [[Float]]
    private var sequences: [Int: [Int]] = [:]
    private var nextID = 0
    /// How many step calls and rows the model has seen (to check batching).
    private(set) var stepCalls = 0
    private(set) var stepRows = 0
    /// The most rows one step has had.
    private(set) var maxStepRows = 0

    /// Token i's bytes: 0 is EOS; the rest are letters, a space, ". ", and the two halves of "é".
    static let pieces: [[UInt8]] = [
        Array("<eos>".utf8), Array("a".utf8), Array("b".utf8), Array(" ".utf8), Array(". ".utf8), [0xC3], [0xA9],
        Array("c".utf8),
    ]

    struct Pieces: TokenText {
        func encode(_ text: String) throws -> [Int] {
            text.utf8.map { b in BigramModel.pieces.firstIndex(of: [b]) ?? 1 }
        }
        func bytes(of id: Int) -> [UInt8] { BigramModel.pieces[id] }
    }

    init(seed: UInt64 = 7, contextLength: Int = 64, withText: Bool = true, eosBias: Float = -3) {
        var g = SeededGenerator(seed: seed)
        vocabularySize = Self.pieces.count
        table = (0..<Self.pieces.count).map { _ in
            (0..<Self.pieces.count).map { j in Float(g.uniform() * 4 - 2) + (j == 0 ? eosBias : 0) }
        }
        self.contextLength = contextLength
        text = withText ? Pieces() : nil
    }

    nonisolated func distribution(after token: Int) -> NextTokenDistribution {
        NextTokenDistribution(logits: table[token])
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

    var liveSequences: Int { sequences.count }

    func tokens(of sequence: SequenceID) throws -> [Int] {
        guard let tokens = sequences[sequence.rawValue] else { throw DecodeError.unknownSequence(sequence) }
        return tokens
    }

    func prefill(_ sequence: SequenceID, tokens: [Int], distributions: Int) throws -> [NextTokenDistribution] {
        guard var history = sequences[sequence.rawValue] else { throw DecodeError.unknownSequence(sequence) }
        guard history.count + tokens.count <= contextLength else {
            throw DecodeError.contextFull(sequence: sequence, length: history.count + tokens.count, contextLength: contextLength)
        }
        history += tokens
        sequences[sequence.rawValue] = history
        return tokens.suffix(distributions).map { distribution(after: $0) }
    }

    func step(_ rows: [StepRow]) throws -> [NextTokenDistribution] {
        stepCalls += 1
        stepRows += rows.count
        maxStepRows = max(maxStepRows, rows.count)
        return try rows.map { try prefill($0.sequence, tokens: [$0.token], distributions: 1)[0] }
    }
}
