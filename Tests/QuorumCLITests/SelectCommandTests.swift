import Foundation
import QuorumTestSupport
import Testing

/// `quorum select`: selections JSONL, streaming, and bad input reported per problem or as a stop.
@Suite struct SelectCommandTests {
    static func line(_ problem: String, _ path: Int, answer: String, logprob: String = "-0.5", gold: String = "1") -> String {
        "{\"problem\": \"\(problem)\", \"path\": \(path), \"text\": \"t\(path)\", \"answer\": \"\(answer)\", "
            + "\"mean_logprob\": \(logprob), \"gold\": \"\(gold)\"}"
    }

    static func write(_ lines: [String], trailingNewline: Bool = true) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-select-\(UUID()).jsonl").path
        try Data((lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func selections(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func selectsEveryProblemInOrder() throws {
        let file = try Self.write([
            Self.line("a", 1, answer: "1"), Self.line("a", 0, answer: "2"), Self.line("a", 2, answer: "1.0"),
            Self.line("b", 0, answer: "3", gold: "3"),
        ])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try CLI.run(["select", file, "--method", "sc", "--equality", "reference"])
        #expect(r.status == 0, "\(r.stderr)")
        let selections = try Self.selections(r.stdout)
        #expect(selections.map { $0["problem"] as? String } == ["a", "b"])
        #expect(selections[0]["method"] as? String == "sc")
        // 1 and 1.0 are equal; candidates list path indices in sampling order: 2 (path 0), then 1 and 1.0.
        #expect(selections[0]["answer"] as? String == "1.0")
        let candidates = try #require(selections[0]["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["paths"] as? [Int] } == [[0], [1, 2]])
        #expect(selections[0]["correct"] as? Double == 1)
        #expect(selections[1]["correct"] as? Double == 1)
    }

    @Test func rpcWritesDiagnostics() throws {
        let lines = (0..<12).map { Self.line("p", $0, answer: $0 % 3 == 0 ? "7" : "1", logprob: String(-0.05 * Double($0 + 1))) }
        let file = try Self.write(lines)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try CLI.run(["select", file])
        #expect(r.status == 0, "\(r.stderr)")
        let selection = try #require(try Self.selections(r.stdout).first)
        #expect(selection["method"] as? String == "rpc")
        let diagnostics = try #require(selection["diagnostics"] as? [String: Double])
        #expect(diagnostics["cut"] != nil && diagnostics["fit_w"] != nil && diagnostics["w_high"] != nil)
    }

    /// A problem is written as soon as the next problem begins, before the input ends.
    @Test func streamsEachProblemWhenComplete() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = ["select", "-", "--method", "ppl"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let first = [Self.line("a", 0, answer: "1"), Self.line("a", 1, answer: "2", logprob: "-0.1"), Self.line("b", 0, answer: "1")]
        input.fileHandleForWriting.write(Data((first.joined(separator: "\n") + "\n").utf8))
        // Read until problem a's line arrives, with the input still open.
        var received = Data()
        let deadline = Date().addingTimeInterval(60)
        while !received.contains(UInt8(ascii: "\n")) && Date() < deadline {
            received.append(output.fileHandleForReading.availableData)
        }
        let early = String(decoding: received, as: UTF8.self)
        #expect(early.contains("\"problem\":\"a\""))
        #expect(!early.contains("\"problem\":\"b\""), "b is not complete yet")
        #expect(early.contains("\"answer\":\"2\""), "PPL picks the path with mean_logprob -0.1")
        input.fileHandleForWriting.write(Data((Self.line("b", 1, answer: "1") + "\n").utf8))
        try input.fileHandleForWriting.close()
        received.append(output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: received, as: UTF8.self).split(separator: "\n").count == 2)
    }

    @Test func unusableProblemIsSkippedAndReported() throws {
        let file = try Self.write([
            Self.line("a", 0, answer: "1"),
            "{\"problem\": \"bad\", \"path\": 0, \"text\": \"x\", \"answer\": \"1\"}",
            Self.line("bad", 1, answer: "1", logprob: "NaN"),
            Self.line("c", 0, answer: "1"),
        ])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try CLI.run(["select", file, "--method", "pc"])
        #expect(r.status == 1)
        #expect(try Self.selections(r.stdout).map { $0["problem"] as? String } == ["a", "c"])
        #expect(r.stderr.contains("problem bad skipped"))
        #expect(r.stderr.contains("\(file):2: missing field \"mean_logprob\""))
        #expect(r.stderr.contains("\(file):3: mean_logprob is NaN"))
    }

    @Test func truncatedLastLineIsAWarning() throws {
        let file = try Self.write([Self.line("a", 0, answer: "1"), "{\"problem\": \"a\", \"pa"], trailingNewline: false)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try CLI.run(["select", file, "--method", "sc"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: \(file):2: truncated last line"))
        #expect(try Self.selections(r.stdout).count == 1)
    }

    @Test func interleavedProblemsStopTheRun() throws {
        let file = try Self.write([Self.line("a", 0, answer: "1"), Self.line("b", 0, answer: "1"), Self.line("a", 1, answer: "1")])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try CLI.run(["select", file, "--method", "sc"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(file):3: paths of problem a (which began at line 1) resume after problem b began"))
    }

    @Test func rejectsUnknownMethodAndMissingFile() throws {
        let unknown = try CLI.run(["select", "x.jsonl", "--method", "vote"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--method"))
        let missing = try CLI.run(["select", "/nonexistent/paths.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/paths.jsonl: cannot open"))
        let help = try CLI.run(["select", "--help"])
        #expect(help.stdout.contains("values: sc, ppl, pc, rpc,"))
    }
}
