import Foundation
import QuorumTestSupport
import Testing

/// `quorum extract` end to end.
@Suite struct ExtractionCLITests {
    @Test func addsAnswersKeepingEveryOtherByte() throws {
        let input = """
            {"id": 1, "text": "So the answer is **73**.", "mean_logprob": -0.31000000000000000}
            {"text":"The final answer is $\\\\boxed{\\\\dfrac{1}{2}}$.","z":[1,{"a":"}"}]}
            {"text": "I do not know.", "answer": "stale"}

            {"text": "Tom has 3 apples, buys 5: 3 + 5 = 8. The answer is 8.\\n\\nQ: A bat costs $1.10."}

            """
        let result = try CLI.run(["extract", "--kind", "math"], stdin: input)
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                {"id": 1, "text": "So the answer is **73**.", "mean_logprob": -0.31000000000000000,"answer":"73"}
                {"text":"The final answer is $\\\\boxed{\\\\dfrac{1}{2}}$.","z":[1,{"a":"}"}],"answer":"\\\\frac{1}{2}"}
                {"text": "I do not know.", "answer": null}
                {"text": "Tom has 3 apples, buys 5: 3 + 5 = 8. The answer is 8.\\n\\nQ: A bat costs $1.10.","answer":"8"}

                """)
        #expect(result.stderr == "4 records: 3 answers, 1 without an answer\n")
    }

    @Test func choiceRecordsUseTheirOwnOptionsOrTheCommandLines() throws {
        let input = """
            {"text": "The answer is a magnet.", "choices": ["oil.", "heat.", "a magnet.", "rubbing alcohol."]}
            {"text": "Answer seems to be A", "choices": {"label": ["1", "2"], "text": ["x", "y"]}}
            {"text": "I would go with the cat."}
            {"text": "**C**"}

            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-extract-\(UUID()).jsonl")
        try Data(input.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CLI.run(["extract", "--kind", "choice", file.path, "--with-rule", "--choices", "dog", "cat"])
        #expect(result.status == 0, "\(result.stderr)")
        let answers = result.stdout.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
        }
        #expect(answers.count == 4)
        #expect(answers[0]["answer"] as? String == "C")
        #expect(answers[0]["answer_rule"] as? String == "answer-is")
        #expect(answers[1]["answer"] is NSNull, "A is not a label of 1/2")
        #expect(answers[2]["answer"] as? String == "B")
        #expect(answers[3]["answer"] is NSNull, "C is not a label of the two --choices")
    }

    @Test func reportsEveryBadLineAndWritesNothing() throws {
        let input = "{\"text\": \"7\"}\n{\"text\": \"x\"\n[1, 2]\n{\"id\": 3}\n{\"text\": 5}\n{\"text\": \"a\", \"choices\": 3}\n{\"text\": \"trunc"
        let result = try CLI.run(["extract", "--kind", "choice"], stdin: input)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        for expected in [
            "<stdin>:2: malformed JSON", "<stdin>:3: not a JSON object", "<stdin>:4: no \"text\" field",
            "<stdin>:5: \"text\" is not a string", "<stdin>:6: \"choices\":", "<stdin>:7: truncated last line",
            "6 records could not be used; nothing was written",
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected) in \(result.stderr)")
        }
        #expect(!result.stderr.contains("<stdin>:1:"))
    }

    @Test func invalidUTF8AndMissingFilesAreErrors() throws {
        let missing = try CLI.run(["extract", "--kind", "math", "/nonexistent/paths.jsonl"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/paths.jsonl: cannot read"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-utf8-\(UUID()).jsonl")
        try Data([0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D, 0x0A]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let bad = try CLI.run(["extract", "--kind", "math", file.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("\(file.path):1: invalid UTF-8"))
    }

    @Test func optionsAreValidated() throws {
        let wrongKind = try CLI.run(["extract", "--kind", "code"])
        #expect(wrongKind.status == 64)
        let stray = try CLI.run(["extract", "--kind", "math", "--choices", "x"])
        #expect(stray.status == 64)
        #expect(stray.stderr.contains("--choices applies to --kind choice only"))
    }

    @Test func helpIsExactlyThis() throws {
        let help = try CLI.run(["extract", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == Self.help)
    }

    static let help = #"""
            OVERVIEW: Extract the answer from each record's "text" and add it as "answer".

            Reads JSON Lines (one object per line with a string field "text"; choice
            records may carry "choices") and writes the same objects, byte for byte, with
            "answer" set to the extracted answer in normalised form, or null when the text
            holds no answer. An existing "answer" is replaced. If any line cannot be used,
            every such line is reported as FILE:LINE: reason and nothing is written (exit
            status 1).

            "choices" may be a list of option texts (labelled A, B, C, …), a list of
            {"label", "text"} objects, {"label": [...], "text": [...]}, or an object
            mapping labels to texts. --choices gives the options for records without them:
            each value is TEXT or LABEL=TEXT. Without any options, choice extraction
            assumes labels A-E. Put FILE before --choices, or end the list with --.

            USAGE: quorum extract --kind <kind> [--choices <choices> ...] [--with-rule] [<file>]

            ARGUMENTS:
              <file>                  JSON Lines file, or - for standard input. (default: -)

            OPTIONS:
              --kind <kind>           How answers are found. (values: math, choice, text)
              --choices <choices>     Options for records without "choices" (TEXT or
                                      LABEL=TEXT).
              --with-rule             Also add "answer_rule": the rule that found the
                                      answer (null when none did).
              --version               Show the version.
              -h, --help              Show help information.


            """#

}
