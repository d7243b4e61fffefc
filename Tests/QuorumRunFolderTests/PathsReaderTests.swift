import Foundation
import Testing
import QuorumCore
@testable import QuorumRunFolder

/// Reading paths.jsonl: grouping, and every kind of bad input reported with its line.
@Suite struct PathsReaderTests {
    static func line(_ problem: String, _ path: Int, answer: String = "1", logprob: String = "-0.5", extra: String = "") -> String {
        "{\"problem\": \"\(problem)\", \"path\": \(path), \"text\": \"t\(path)\", \"answer\": \"\(answer)\", \"mean_logprob\": \(logprob)\(extra)}"
    }

    static func read(_ text: String) throws(PathsFileError) -> (groups: [PathGroup], warnings: [Rejection]) {
        try PathsReader.read(Data(text.utf8), file: "paths.jsonl")
    }

    @Test func groupsConsecutiveLinesOfAProblem() throws {
        let text = [Self.line("a", 1), Self.line("a", 0), Self.line("b", 0, extra: ", \"gold\": 42"), Self.line("b", 1)].joined(separator: "\n") + "\n"
        let (groups, warnings) = try Self.read(text)
        #expect(warnings.isEmpty)
        #expect(groups.map(\.problem) == ["a", "b"])
        #expect(groups[0].pathsInSamplingOrder.map(\.path) == [0, 1])
        #expect(groups[0].lines == [1, 2])
        #expect(groups[1].gold == "42")
        #expect(groups.allSatisfy { $0.isUsable })
    }

    @Test func streamingEmitsAProblemWhenTheNextBegins() throws {
        var reader = PathsReader(file: "-")
        var splitter = JSONLinesSplitter()
        let chunk1 = Data((Self.line("a", 0) + "\n" + Self.line("a", 1) + "\n{\"prob").utf8)
        let chunk2 = Data(("lem\": \"b\", \"path\": 0, \"text\": \"x\", \"answer\": \"2\", \"mean_logprob\": -1}\n").utf8)
        var emitted: [String] = []
        for line in splitter.append(chunk1) { if let group = try reader.read(line) { emitted.append(group.problem) } }
        #expect(emitted.isEmpty, "a is not complete until another problem begins")
        for line in splitter.append(chunk2) { if let group = try reader.read(line) { emitted.append(group.problem) } }
        #expect(emitted == ["a"])
        #expect(splitter.finish() == nil)
        #expect(reader.finish()?.problem == "b")
    }

    @Test func missingMeanLogprobRejectsTheProblemWithItsLine() throws {
        let text = Self.line("a", 0) + "\n{\"problem\": \"a\", \"path\": 1, \"text\": \"t\", \"answer\": \"1\"}\n" + Self.line("b", 0) + "\n"
        let (groups, _) = try Self.read(text)
        #expect(!groups[0].isUsable)
        #expect(groups[0].rejections.map(\.description) == ["paths.jsonl:2: missing field \"mean_logprob\""])
        #expect(groups[1].isUsable, "other problems are unaffected")
    }

    @Test func nanAndPositiveLogprobsAreRejected() throws {
        let text = [Self.line("a", 0, logprob: "NaN"), Self.line("a", 1, logprob: "0.3"), Self.line("a", 2, logprob: "\"x\"")]
            .joined(separator: "\n") + "\n"
        let (groups, _) = try Self.read(text)
        #expect(groups[0].rejections.map(\.description) == [
            "paths.jsonl:1: mean_logprob is NaN",
            "paths.jsonl:2: mean_logprob 0.3 is above 0, so it is not a log-probability",
            "paths.jsonl:3: field \"mean_logprob\" is not a number",
        ])
    }

    @Test func negativeInfinityIsAZeroProbabilityPath() throws {
        let (groups, _) = try Self.read(Self.line("a", 0, logprob: "-Infinity") + "\n")
        #expect(groups[0].isUsable)
        #expect(groups[0].paths[0].meanLogprob == -.infinity)
        #expect(groups[0].paths[0].probability == 0)
    }

    @Test func truncatedLastLineIsReportedAndIgnored() throws {
        let text = Self.line("a", 0) + "\n" + Self.line("a", 1) + "\n{\"problem\": \"a\", \"path\": 2, \"te"
        let (groups, warnings) = try Self.read(text)
        #expect(groups[0].paths.count == 2)
        #expect(groups[0].isUsable)
        #expect(warnings.count == 1)
        #expect(warnings[0].location == SourceLocation(file: "paths.jsonl", line: 3))
        #expect(warnings[0].reason.contains("truncated"))
    }

    @Test func malformedLineInTheMiddleIsAnError() {
        let text = Self.line("a", 0) + "\n{\"problem\": \"a\", \n" + Self.line("a", 1) + "\n"
        #expect(throws: PathsFileError.unreadableLine(
            SourceLocation(file: "paths.jsonl", line: 2, column: 18), reason: "not valid JSON: expected a string key")) {
            try Self.read(text)
        }
        #expect(throws: PathsFileError.self) { try Self.read("[1, 2]\n") }
        #expect(throws: PathsFileError.self) { try Self.read("{\"path\": 0}\n") }
    }

    @Test func interleavedProblemsAreAnError() {
        let text = [Self.line("a", 0), Self.line("b", 0), Self.line("a", 1)].joined(separator: "\n") + "\n"
        #expect(throws: PathsFileError.interleaved(
            SourceLocation(file: "paths.jsonl", line: 3), problem: "a", firstLine: 1, interruptedBy: "b")) {
            try Self.read(text)
        }
        let error = PathsFileError.interleaved(
            SourceLocation(file: "paths.jsonl", line: 3), problem: "a", firstLine: 1, interruptedBy: "b")
        #expect(error.description.hasPrefix("paths.jsonl:3: paths of problem a (which began at line 1)"))
    }

    @Test func duplicatePathIndexAndConflictingGoldAreRejected() throws {
        let text = [
            Self.line("a", 0, extra: ", \"gold\": \"1\""), Self.line("a", 0), Self.line("a", 1, extra: ", \"gold\": \"2\""),
        ].joined(separator: "\n") + "\n"
        let (groups, _) = try Self.read(text)
        #expect(groups[0].rejections.map(\.description) == [
            "paths.jsonl:2: path 0 appears twice in problem a (lines 1 and 2)",
            "paths.jsonl:3: gold \"2\" differs from this problem's earlier gold \"1\"",
        ])
    }

    @Test func splitterMatchesWholeFileSplitting() {
        let text = "{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}"
        var splitter = JSONLinesSplitter()
        var lines: [NumberedLine] = []
        for byte in Data(text.utf8) { lines += splitter.append(Data([byte])) }
        if let last = splitter.finish() { lines.append(last) }
        #expect(lines == JSONLines.lines(of: Data(text.utf8)))
    }
}
