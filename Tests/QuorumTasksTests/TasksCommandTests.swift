import Foundation
import Testing

/// End to end: the built `quorum` binary's `tasks inspect` and `tasks validate`.
@Suite struct TasksCommandTests {
    /// The `quorum` executable built next to this test bundle.
    static func quorumBinary() throws -> URL {
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("quorum"))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("quorum"))
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("quorum"))
        }
        candidates.append(LoaderFixtures.packageRoot.appendingPathComponent(".build/debug/quorum"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "no built quorum binary in \(candidates.map(\.path))")
    }

    /// Runs `quorum` with `arguments`; returns exit status, standard output and standard error.
    static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = try quorumBinary()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    static let fileWithARejection = """
        {"question": "Tom has 3 apples and buys 4 more. How many?", "answer": "3 + 4 = 7\\n#### 7"}
        {"question": "Anna has 5 pears.", "answer": "no final answer"}
        {"question": "Ben has 2 cards and gets 2 more. How many?", "answer": "#### 4"}

        """

    @Test func inspectShowsLayoutCountsExamplesAndRejections() throws {
        let path = try LoaderFixtures.temporaryFile("two-good-one-bad.jsonl", Self.fileWithARejection)
        let result = try Self.run(["tasks", "inspect", path])
        #expect(result.status == 0)
        #expect(result.out.contains("layout:      gsm8k (question, answer ending in '#### N')"))
        #expect(result.out.contains("problems:    2 (math 2)"))
        #expect(result.out.contains("rejections:  1"))
        #expect(result.out.contains("  gsm8k/1  [math]  gold: 7"))
        #expect(result.out.contains("  gsm8k/3  [math]  gold: 4"))
        #expect(result.out.contains("       1  invalid 'answer'"))
        #expect(result.out.contains("  \(path):2: invalid 'answer': no '####' before the final answer"))
    }

    @Test func inspectReadsAPublicFileAsItIs() throws {
        let result = try Self.run(["tasks", "inspect", LoaderFixtures.sharedTask("copa/balanced-copa-dev-all.xml")])
        #expect(result.status == 0)
        #expect(result.out.contains("layout:      copa"))
        #expect(result.out.contains("problems:    1000 (choice 1000)"))
        #expect(result.out.contains("  copa/1  [choice]  gold: 1"))
        #expect(result.out.contains("choices: (1) The sun was rising.  (2) The grass was cut."))
    }

    @Test func validateStrictFailsOnARejection() throws {
        let path = try LoaderFixtures.temporaryFile("two-good-one-bad.jsonl", Self.fileWithARejection)
        let lenient = try Self.run(["tasks", "validate", path])
        #expect(lenient.status == 0)
        #expect(lenient.out.contains("\(path):2: invalid 'answer': no '####' before the final answer\n"))
        #expect(lenient.out.contains("problems: 2, rejected: 1"))
        let strict = try Self.run(["tasks", "validate", "--strict", path])
        #expect(strict.status != 0)
        #expect(strict.out.contains("\(path):2: invalid 'answer'"))
        let clean = try Self.run(["tasks", "validate", "--strict", LoaderFixtures.repositoryFile("tasks/arith-easy.xml")])
        #expect(clean.status == 0)
        #expect(clean.out.contains("layout quorum-xml, problems: 150, rejected: 0"))
    }

    @Test func validateReportsXMLErrorsWithLineAndColumn() throws {
        let path = try LoaderFixtures.temporaryFile(
            "broken.xml", "<taskset name=\"b\">\n  <problem id=\"1\"><question>Q</question></problm>\n</taskset>\n")
        let result = try Self.run(["tasks", "validate", path])
        #expect(result.status == 1)
        #expect(result.err.contains("error: \(path):2:"))
        #expect(result.err.contains("XML not well-formed: closing tag does not match the open element"))
    }

    @Test func fieldMappingFromTheCommandLine() throws {
        let path = try LoaderFixtures.temporaryFile(
            "svamp-like.jsonl", "{\"ID\": \"a\", \"Body\": \"Tom has 3 apples.\", \"Ask\": \"How many?\", \"Sol\": 3.0}\n")
        let unknown = try Self.run(["tasks", "inspect", path])
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("unknown layout: the first record has fields Ask, Body, ID, Sol"))
        let mapped = try Self.run([
            "tasks", "inspect", path, "--field", "question=Body+Ask", "--field", "answer=Sol", "--field", "id=ID",
        ])
        #expect(mapped.status == 0)
        #expect(mapped.out.contains("  svamp-like/a  [math]  gold: 3"))
        #expect(mapped.out.contains("    Tom has 3 apples. How many?"))
        let bad = try Self.run(["tasks", "inspect", path, "--field", "question"])
        #expect(bad.status == 1)
        #expect(bad.err.contains("invalid --field 'question': expected TARGET=SOURCE"))
    }
}
