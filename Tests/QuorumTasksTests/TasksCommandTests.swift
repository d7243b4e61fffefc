import Foundation
import QuorumTestSupport
import Testing

/// End to end: the built `quorum` binary's `tasks inspect` and `tasks validate`.
@Suite struct TasksCommandTests {
    static let fileWithARejection = """
        {"question": "Tom has 3 apples and buys 4 more. How many?", "answer": "3 + 4 = 7\\n#### 7"}
        {"question": "Anna has 5 pears.", "answer": "no final answer"}
        {"question": "Ben has 2 cards and gets 2 more. How many?", "answer": "#### 4"}

        """

    @Test func inspectShowsLayoutCountsExamplesAndRejections() throws {
        let path = try LoaderFixtures.temporaryFile("two-good-one-bad.jsonl", Self.fileWithARejection)
        let result = try CLI.run(["tasks", "inspect", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("layout:      gsm8k (question, answer ending in '#### N')"))
        #expect(result.stdout.contains("problems:    2 (math 2)"))
        #expect(result.stdout.contains("rejections:  1"))
        #expect(result.stdout.contains("  gsm8k/1  [math]  gold: 7"))
        #expect(result.stdout.contains("  gsm8k/3  [math]  gold: 4"))
        #expect(result.stdout.contains("       1  invalid 'answer'"))
        #expect(result.stdout.contains("  \(path):2: invalid 'answer': no '####' before the final answer"))
    }

    @Test func inspectReadsAPublicFileAsItIs() throws {
        let result = try CLI.run(["tasks", "inspect", LoaderFixtures.sharedTask("copa/balanced-copa-dev-all.xml")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("layout:      copa"))
        #expect(result.stdout.contains("problems:    1000 (choice 1000)"))
        #expect(result.stdout.contains("  copa/1  [choice]  gold: 1"))
        #expect(result.stdout.contains("choices: (1) The sun was rising.  (2) The grass was cut."))
    }

    @Test func validateStrictFailsOnARejection() throws {
        let path = try LoaderFixtures.temporaryFile("two-good-one-bad.jsonl", Self.fileWithARejection)
        let lenient = try CLI.run(["tasks", "validate", path])
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("\(path):2: invalid 'answer': no '####' before the final answer\n"))
        #expect(lenient.stdout.contains("problems: 2, rejected: 1"))
        let strict = try CLI.run(["tasks", "validate", "--strict", path])
        #expect(strict.status != 0)
        #expect(strict.stdout.contains("\(path):2: invalid 'answer'"))
        let clean = try CLI.run(["tasks", "validate", "--strict", LoaderFixtures.repositoryFile("tasks/arith-easy.xml")])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("layout quorum-xml, problems: 150, rejected: 0"))
    }

    @Test func validateReportsXMLErrorsWithLineAndColumn() throws {
        let path = try LoaderFixtures.temporaryFile(
            "broken.xml", "<taskset name=\"b\">\n  <problem id=\"1\"><question>Q</question></problm>\n</taskset>\n")
        let result = try CLI.run(["tasks", "validate", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: \(path):2:"))
        #expect(result.stderr.contains("XML not well-formed: closing tag does not match the open element"))
    }

    @Test func fieldMappingFromTheCommandLine() throws {
        let path = try LoaderFixtures.temporaryFile(
            "svamp-like.jsonl", "{\"ID\": \"a\", \"Body\": \"Tom has 3 apples.\", \"Ask\": \"How many?\", \"Sol\": 3.0}\n")
        let unknown = try CLI.run(["tasks", "inspect", path])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown layout: the first record has fields Ask, Body, ID, Sol"))
        let mapped = try CLI.run([
            "tasks", "inspect", path, "--field", "question=Body+Ask", "--field", "answer=Sol", "--field", "id=ID",
        ])
        #expect(mapped.status == 0)
        #expect(mapped.stdout.contains("  svamp-like/a  [math]  gold: 3"))
        #expect(mapped.stdout.contains("    Tom has 3 apples. How many?"))
        let bad = try CLI.run(["tasks", "inspect", path, "--field", "question"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("invalid --field 'question': expected TARGET=SOURCE"))
    }
}
