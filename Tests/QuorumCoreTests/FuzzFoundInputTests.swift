import Foundation
import QuorumRunFolder
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
        #expect(throws: PathsFileError.unreadableLine(SourceLocation(file: "paths.jsonl", line: 2), reason: "not valid JSON: not UTF-8 text")) {
            try PathsReader.read(data, file: "paths.jsonl")
        }
    }

    /// A number `1790.0000000.0` inside `params` (FuzzPaths, whole and streaming reads disagreeing): Foundation's
    /// decoder reads such a number only when a field asks for it, in dictionary order, so the same line was
    /// sometimes one problem's rejection and sometimes the file's end. The exact parser now decides, every time.
    @Test func aLineThatIsNotJSONIsRefusedTheSameWayEveryTime() {
        let good = "{\"problem\": \"a\", \"path\": 0, \"text\": \"t\", \"answer\": \"1\", \"mean_logprob\": -0.5}\n"
        let bad = "{\"problem\": \"a\", \"path\": 1, \"params\": {\"top_p\": 1, \"flops\": 1790.0000000.0, "
            + "\"per_model\": {\"m\": {\"generated\": 3}}, \"seed\": 2}, \"text\": \"t\", \"mean_logprob\": -0.5}\n"
        let expected = PathsFileError.unreadableLine(
            SourceLocation(file: "paths.jsonl", line: 2, column: 73), reason: "not valid JSON: expected ',' or '}' in an object")
        for _ in 0..<50 {
            #expect(throws: expected) { try PathsReader.read(Data((good + bad).utf8), file: "paths.jsonl") }
        }
    }

    /// `"top_p": 0100000.0` on a line with a key given twice (FuzzPaths): the exact parser let the leading zero
    /// through, so Foundation's decoder decided, differently from one process to the next. JSON has no leading
    /// zeros; the exact parser now says so.
    @Test func aNumberWithALeadingZeroIsNotJSON() throws {
        let line = "{\"problem\": \"a\", \"path\": 0, \"params\": {\"top_p\": 0100000.0}, \"seconds\": 1, \"seconds\": 2}\n"
        for _ in 0..<20 {
            #expect(throws: PathsFileError.unreadableLine(
                SourceLocation(file: "paths.jsonl", line: 1, column: 49), reason: "not valid JSON: a number with a leading zero")) {
                try PathsReader.read(Data(line.utf8), file: "paths.jsonl")
            }
        }
        for (text, valid) in [("0", true), ("-0", true), ("0.5", true), ("10", true), ("00", false), ("-01", false), ("007.5", false)] {
            #expect(((try? ExactJSON.parse(Array(text.utf8))) != nil) == valid, "\(text)")
        }
    }

    /// A key given twice and a syntax error after it: the syntax error is what is reported (the line is not JSON).
    @Test func aSyntaxErrorAfterADuplicateKeyIsTheReportedFault() {
        let line = "{\"problem\": \"a\", \"path\": 0, \"path\": 1, \"mean_logprob\": -0.5,, \"text\": \"t\"}\n"
        #expect(throws: PathsFileError.unreadableLine(
            SourceLocation(file: "paths.jsonl", line: 1, column: 61), reason: "not valid JSON: expected a string key")) {
            try PathsReader.read(Data(line.utf8), file: "paths.jsonl")
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
