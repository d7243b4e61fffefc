import Foundation
import QuorumCore
import Testing

/// Inputs `make fuzz` found (docs/fuzzing.md), fed through the API the fuzz target called.
@Suite struct FuzzFoundInputTests {
    /// `{ FF FF d": 1}`: a fatal error in Foundation's JSON5 scanner (Swift 6.3.1), which reads every line of
    /// paths.jsonl (FuzzPaths); the process used to stop.
    static let notUTF8: [UInt8] = [0x7B, 0xFF, 0xFF] + Array("d\": 1}".utf8)

    @Test func aPathsLineThatIsNotUTF8IsRefusedWithItsLine() {
        let good = "{\"problem\": \"a\", \"path\": 0, \"text\": \"t\", \"answer\": \"1\", \"mean_logprob\": -0.5}\n"
        let data = Data(Array(good.utf8) + Self.notUTF8 + [0x0A])
        #expect(throws: PathsFileError.unreadableLine(SourceLocation(file: "paths.jsonl", line: 2), reason: "not valid JSON")) {
            try PathsReader.read(data, file: "paths.jsonl")
        }
    }

    @Test func aTruncatedLastLineThatIsNotUTF8IsStillOnlyAWarning() throws {
        let (groups, warnings) = try PathsReader.read(Data(Self.notUTF8), file: "paths.jsonl")
        #expect(groups.isEmpty)
        #expect(warnings.map(\.location.line) == [1])
    }

    @Test func utf8IsCheckedByteExactly() {
        #expect(JSONDecoder.isUTF8(Data("ü €𝄞 {\"a\": 1}".utf8)))
        #expect(JSONDecoder.isUTF8(Data()))
        for bad: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x61, 0x80]] {
            #expect(!JSONDecoder.isUTF8(Data(bad)), "\(bad)")
        }
    }
}
