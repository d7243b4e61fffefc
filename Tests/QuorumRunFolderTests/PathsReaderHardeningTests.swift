import Foundation
import QuorumRunFolder
import QuorumCore
import Testing

/// Paths lines that JSONDecoder misreads (issue 15, item 9): a number that does not fit an integer field,
/// a key given twice, a gold beyond 2^53, and files that are not regular files.
@Suite struct PathsReaderHardeningTests {
    static func read(_ text: String) throws(PathsFileError) -> [PathGroup] {
        try PathsReader.read(Data(text.utf8), file: "paths.jsonl").groups
    }

    @Test func aNumberThatIsNotAnIntegerSaysWhichFieldNotInvalidJSON() throws {
        let groups = try Self.read("""
            {"problem": "p", "path": 1e30, "text": "t", "answer": "1", "mean_logprob": -1}
            {"problem": "p", "path": 1, "text": "t", "answer": "1", "mean_logprob": -1, "tokens": [1, 2.5]}

            """)
        #expect(groups.first?.rejections.map(\.reason) == [
            "field \"path\" is 1e30, not an integer between -2^63 and 2^63-1",
            "field \"tokens[1]\" is 2.5, not an integer between -2^63 and 2^63-1",
        ])
    }

    @Test func aKeyGivenTwiceRejectsTheLine() throws {
        let groups = try Self.read("""
            {"problem": "p", "path": 0, "text": "t", "answer": "1", "mean_logprob": -1, "mean_logprob": -2}
            {"problem": "p", "path": 1, "text": "t", "answer": "1", "mean_logprob": -1}

            """)
        #expect(groups.first?.rejections.map(\.reason) == ["duplicate key \"mean_logprob\" (given at 1:57 and again at 1:77)"])
        #expect(groups.first?.paths.map(\.path) == [1])
        #expect(throws: PathsFileError.unreadableLine(
            SourceLocation(file: "paths.jsonl", line: 1, column: 18),
            reason: "duplicate key \"problem\" (given at 1:2 and again at 1:18)")
        ) {
            try Self.read("{\"problem\": \"p\", \"problem\": \"q\", \"path\": 0, \"text\": \"t\", \"answer\": \"1\", \"mean_logprob\": -1}\n")
        }
    }

    @Test func integerGoldsKeepEveryDigit() throws {
        let groups = try Self.read("""
            {"problem": "p", "path": 0, "text": "t", "answer": "1", "mean_logprob": -Infinity, "gold": 123456789012345678901234567890}
            {"problem": "q", "path": 0, "text": "t", "answer": "1", "mean_logprob": -1, "gold": 9007199254740993}
            {"problem": "r", "path": 0, "text": "t", "answer": "1", "mean_logprob": -1, "gold": 2.50}

            """)
        #expect(groups.map(\.gold) == ["123456789012345678901234567890", "9007199254740993", "2.5"])
        #expect(groups.allSatisfy { $0.isUsable })
    }

    @Test func aFIFOOrADirectoryIsRefusedForWhatItIs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-paths-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fifo = directory.appendingPathComponent("paths.jsonl").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: PathsFileError.unreadable(file: fifo, reason: "is not a regular file (a FIFO)")) {
            try PathsReader.read(file: fifo)
        }
        #expect(throws: PathsFileError.unreadable(file: directory.path, reason: "is a directory")) {
            try PathsReader.read(file: directory.path)
        }
    }

    @Test func exactJSONIsIterativeAndBounded() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: ExactJSON.Failure(offset: ExactJSON.maximumDepth, reason: .tooDeep)) { try ExactJSON.parse(deep) }
        let ok = [UInt8](repeating: UInt8(ascii: "["), count: 512) + [UInt8](repeating: UInt8(ascii: "]"), count: 512)
        #expect(throws: Never.self) { try ExactJSON.parse(ok) }
        #expect(try ExactJSON.parse(Array("{\"a\": \"\\ud83d\\ude00\\u00e9\", \"b\": [1, -2.5e3, true, null]}".utf8))
            == .object([
                .init(key: "a", value: .string("😀é"), offset: 1),
                .init(key: "b", value: .array([.number("1"), .number("-2.5e3"), .bool(true), .null]), offset: 28),
            ]))
        #expect(throws: ExactJSON.Failure.self) { try ExactJSON.parse(Array("[1,]".utf8)) }
    }
}
