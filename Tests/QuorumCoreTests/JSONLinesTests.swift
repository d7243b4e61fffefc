import Foundation
import Testing
@testable import QuorumCore

@Suite struct JSONLinesTests {
    @Test func numbersLinesAndSkipsBlankOnes() {
        let data = Data("{\"a\":1}\n\n  \n{\"b\":2}\r\n{\"c\":3}".utf8)
        let lines = JSONLines.lines(of: data)
        #expect(lines.map(\.number) == [1, 4, 5])
        #expect(lines.map(\.terminated) == [true, true, false])
        #expect(String(decoding: lines[1].bytes, as: UTF8.self) == "{\"b\":2}")
    }

    @Test func tellsTruncatedFromMalformed() {
        let lines = JSONLines.lines(of: Data("{\"a\":\n{\"b\":2".utf8))
        #expect(throws: JSONLines.LineError.malformedJSON) { try JSONLines.object(lines[0]) }
        #expect(throws: JSONLines.LineError.truncated) { try JSONLines.object(lines[1]) }
    }

    @Test func rejectsInvalidUTF8AndNonObjects() {
        let bad = NumberedLine(number: 1, bytes: Data([0x7B, 0xFF, 0x7D]), terminated: true)
        #expect(throws: JSONLines.LineError.invalidUTF8) { try JSONLines.object(bad) }
        let array = JSONLines.lines(of: Data("[1,2]\n".utf8))
        #expect(throws: JSONLines.LineError.notAnObject) { try JSONLines.object(array[0]) }
    }

    @Test func pathRoundTripsWithSnakeCaseKeys() throws {
        let path = ReasoningPath(
            problem: "p/1", path: 3, text: "… The answer is 18.", answer: "18", meanLogprob: -0.31,
            sumLogprob: -41.2, cost: Cost(promptTokens: 211, generatedTokens: 133))
        let json = try JSONEncoder().encode(path)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"mean_logprob\":-0.31"))
        #expect(text.contains("\"prompt_tokens\":211"))
        #expect(try JSONDecoder().decode(ReasoningPath.self, from: json) == path)
        #expect(abs(path.probability - 0.7334469562242892) < 1e-15)
    }
}
