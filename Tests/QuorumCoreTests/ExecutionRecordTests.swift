import Foundation
import Testing
@testable import QuorumCore

@Suite struct ExecutionRecordTests {
    @Test func pathWithoutExecutionHasNoExecutionKey() throws {
        let path = ReasoningPath(problem: "humaneval/0", path: 0, text: "x", answer: "x", meanLogprob: -0.5)
        let text = String(decoding: try JSONEncoder().encode(path), as: UTF8.self)
        #expect(!text.contains("execution"))
        let decoded = try JSONDecoder().decode(
            ReasoningPath.self, from: Data(#"{"problem":"p","path":1,"text":"t","answer":"a","mean_logprob":-1}"#.utf8))
        #expect(decoded.execution == nil)
    }

    @Test func executionRoundTrips() throws {
        let record = ExecutionRecord(status: .fail, message: "AssertionError at program.py:3", seconds: 0.125)
        let path = ReasoningPath(
            problem: "mbpp/2", path: 4, text: "t", answer: "def f(): pass", meanLogprob: -0.2, execution: record)
        let json = try JSONEncoder().encode(path)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""execution":{"#))
        #expect(text.contains(#""status":"fail""#))
        #expect(try JSONDecoder().decode(ReasoningPath.self, from: json) == path)
        #expect(!record.passed)
        #expect(ExecutionRecord(status: .pass).passed)
    }

    @Test func unknownStatusIsRejected() {
        let line = #"{"problem":"p","path":0,"text":"t","answer":"a","mean_logprob":0,"execution":{"status":"ok"}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReasoningPath.self, from: Data(line.utf8)) }
    }
}
