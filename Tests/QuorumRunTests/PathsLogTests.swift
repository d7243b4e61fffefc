import Foundation
import QuorumCore
import QuorumRun
import Testing

/// The paths file of a run folder: whole lines, flushed; a truncated last line repaired; damage refused.
@Suite struct PathsLogTests {
    static func line(_ problem: String, _ path: Int, text: String = "x") -> String {
        try! PathLine.encode(
            ReasoningPath(problem: problem, path: path, text: text, answer: "", meanLogprob: -0.5, model: "m"),
            gold: "1")
    }

    static func contents(_ file: String) -> String {
        String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
    }

    @Test func appendsWholeLinesGroupedByProblemAndReportsWhatIsThere() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/paths.jsonl"
        let log = try PathsLog(path: file, problems: ["a", "b"], samples: 3)
        try log.add(problem: "a", lines: [1: Self.line("a", 1), 0: Self.line("a", 0)])
        try log.add(problem: "b", lines: [0: Self.line("b", 0), 1: Self.line("b", 1), 2: Self.line("b", 2)])
        #expect(Self.contents(file) == [("a", 0), ("a", 1), ("b", 0), ("b", 1), ("b", 2)].map { Self.line($0.0, $0.1) + "\n" }.joined())
        let again = try PathsLog(path: file, problems: ["a", "b"], samples: 4)
        #expect(again.paths(of: "a") == [0, 1])
        #expect(again.paths(of: "b") == [0, 1, 2])
        #expect(again.count == 5)
        #expect(again.notes.isEmpty)
        // The last problem's missing path is appended after it.
        let before = Self.contents(file)
        try again.add(problem: "b", lines: [3: Self.line("b", 3)])
        #expect(Self.contents(file) == before + Self.line("b", 3) + "\n")
    }

    @Test func aTruncatedLastLineIsRemovedWithANote() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/paths.jsonl"
        let whole = Self.line("a", 0) + "\n" + Self.line("a", 1) + "\n"
        let cut = String(Self.line("a", 2).prefix(40))
        try (whole + cut).write(toFile: file, atomically: true, encoding: .utf8)
        let log = try PathsLog(path: file, problems: ["a"], samples: 3)
        #expect(Self.contents(file) == whole)
        #expect(log.paths(of: "a") == [0, 1])
        #expect(log.notes == [
            "\(file):3: removed a truncated last line (40 bytes without a newline: an interrupted write); its path is sampled again"
        ])
        // Even a complete JSON object without its newline counts as cut short: its path is sampled again.
        try (whole + Self.line("a", 2)).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try PathsLog(path: file, problems: ["a"], samples: 3).paths(of: "a") == [0, 1])
    }

    @Test func damagedLinesAreRefusedAndNothingIsChanged() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/paths.jsonl"
        let cases: [(String, String)] = [
            (Self.line("a", 0) + "\n{not json\n" + Self.line("a", 1) + "\n", "\(file):2: not a path record (not valid JSON)"),
            (Self.line("zz", 0) + "\n", "\(file):1: problem zz is not among this run's problems"),
            (Self.line("a", 3) + "\n", "\(file):1: path index 3 is outside 0..<3"),
            (Self.line("a", 0) + "\n" + Self.line("a", 0) + "\n", "\(file):2: path 0 of problem a appears twice"),
            ("{\"problem\": \"a\", \"path\": 0}\n", "\(file):1: not a path record (missing field \"text\")"),
        ]
        for (content, message) in cases {
            try content.write(toFile: file, atomically: true, encoding: .utf8)
            do throws(RunError) {
                _ = try PathsLog(path: file, problems: ["a"], samples: 3)
                Issue.record("accepted: \(content)")
            } catch {
                #expect(error.description.hasPrefix(message), "\(error.description)")
                #expect(error.description.contains("--force"))
            }
            #expect(Self.contents(file) == content)
        }
    }

    @Test func linesOfAnEarlierProblemAreMergedByRewritingTheFile() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/paths.jsonl"
        // Interleaved problems (not what the writer makes) are regrouped on opening, nothing dropped.
        try [Self.line("a", 0), Self.line("b", 0), Self.line("a", 1)].map { $0 + "\n" }.joined()
            .write(toFile: file, atomically: true, encoding: .utf8)
        let log = try PathsLog(path: file, problems: ["a", "b"], samples: 3)
        #expect(log.notes.count == 1)
        #expect(Self.contents(file) == [Self.line("a", 0), Self.line("a", 1), Self.line("b", 0)].map { $0 + "\n" }.joined())
        // Adding to problem a, which is not last, rewrites the file with a's lines together.
        try log.add(problem: "a", lines: [2: Self.line("a", 2)])
        try log.add(problem: "b", lines: [1: Self.line("b", 1)])
        #expect(Self.contents(file) == [("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1)].map { Self.line($0.0, $0.1) + "\n" }.joined())
        #expect(throws: RunError.self) { try log.add(problem: "b", lines: [1: Self.line("b", 1)]) }
    }

    @Test func pathLinesKeepTheDocumentedKeyOrderAndNumberForms() throws {
        let path = ReasoningPath(
            problem: "p/1", path: 2, text: "a \"q\"\n", answer: "7", meanLogprob: -0.25, sumLogprob: -0.5,
            tokens: [5, 6], logprobs: [-0.5, -.infinity], model: "m@1", decoder: "sample",
            params: ["seed": 17, "temperature": 0.7, "top_p": 1], finish: .stop,
            cost: Cost(promptTokens: 3, generatedTokens: 2, flops: 1e3, seconds: 0.125,
                       perModel: ["m": Cost.ModelUsage(generated: 2, prefilled: 3, flops: 1e3)]))
        #expect(try PathLine.encode(path, gold: "7") == #"{"problem":"p/1","path":2,"model":"m@1","decoder":"sample","params":{"temperature":0.7,"top_p":1,"seed":17},"text":"a \"q\"\n","answer":"7","gold":"7","finish":"stop","tokens":[5,6],"logprobs":[-0.5,"-Infinity"],"mean_logprob":-0.25,"sum_logprob":-0.5,"cost":{"prompt_tokens":3,"generated_tokens":2,"flops":1000,"per_model":{"m":{"generated":2,"prefilled":3,"flops":1000}},"seconds":0.125}}"#)
        var foreal = path
        foreal.cost?.leaderShare = 0.25
        foreal.cost?.switches = 3
        foreal.cost?.pausedFraction = 0.5
        foreal.cost?.extraForwardPasses = 7
        #expect(try PathLine.encode(foreal, gold: nil).hasSuffix(
            #""seconds":0.125,"leader_share":0.25,"switches":3,"paused_fraction":0.5,"extra_forward_passes":7}}"#))
        let decoder = JSONDecoder.pathsDecoder()
        let decoded = try decoder.decode(ReasoningPath.self, from: Data(try PathLine.encode(foreal, gold: nil).utf8))
        #expect(decoded.cost == foreal.cost)
    }
}
