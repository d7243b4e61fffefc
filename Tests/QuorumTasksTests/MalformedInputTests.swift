import Foundation
import Testing
import QuorumTasks

/// Bad input for every loader: each bad record is rejected with its place and reason while the good ones
/// load; what spoils a whole file is thrown with a clear message. Nothing crashes, nothing is dropped.
@Suite struct MalformedInputTests {
    /// `file:line[:col]: reason` of every rejection, with the temporary directory cut off.
    private func described(_ set: TaskSet) -> [String] {
        set.rejections.map { "\(($0.location.file as NSString).lastPathComponent):\($0.location.line.map(String.init) ?? "-")\($0.location.column.map { ":\($0)" } ?? ""): \($0.reason)" }
    }

    // MARK: JSON Lines (shared by every JSON layout), with GSM8K records

    @Test func jsonLinesRejectEachBadLineAndKeepTheRest() throws {
        let text = """
            {"question": "q1", "answer": "x #### 1"}
            {"question": "q2", "answer": 2}
            {"question": "q3"}
            {"question": "q4", "answer": "no marker"}
            {"question": "q5",
            [1]

            {"question": "q8", "answer": "y\\n#### 1,234"}
            {"question": "q9", "ans
            """
        let set = try LoaderFixtures.load("gsm.jsonl", text)
        #expect(set.layout == "gsm8k")
        // Ids count records (blank lines are not records), rejected ones included.
        #expect(set.problems.map(\.id) == ["gsm8k/1", "gsm8k/7"])
        #expect(set.problems.map(\.gold) == ["1", "1234"])
        #expect(
            described(set) == [
                "gsm.jsonl:2: wrong type for 'answer': expected a string, found a number",
                "gsm.jsonl:3: missing field 'answer'",
                "gsm.jsonl:4: invalid 'answer': no '####' before the final answer",
                "gsm.jsonl:5: malformed JSON: unexpected end of file during JSON parse",
                "gsm.jsonl:6: not a JSON object: found an array",
                "gsm.jsonl:9: truncated record: the last line has no newline and is not valid JSON (an interrupted write?)",
            ])
    }

    @Test func invalidUTF8IsRejectedWithLineAndColumn() throws {
        var bytes = Array("{\"question\": \"q1\", \"answer\": \"#### 1\"}\n".utf8)
        bytes += Array("{\"question\": \"caf".utf8) + [0xC3] + Array("\", \"answer\": \"#### 2\"}\n".utf8)
        bytes += Array("{\"question\": \"q3\", \"answer\": \"#### 3\"}\n".utf8)
        let set = try TaskLoader.load(file: try LoaderFixtures.temporaryFile("utf8.jsonl", bytes))
        #expect(set.problems.map(\.id) == ["gsm8k/1", "gsm8k/3"])
        #expect(described(set) == ["utf8.jsonl:2:18: invalid UTF-8: byte 0xC3"])
    }

    @Test func malformedJSONPointsAtTheBadCharacter() throws {
        let set = try LoaderFixtures.load(
            "bad.jsonl", "{\"question\": \"q1\", \"answer\": \"#### 1\"}\n{\"question\": \"q2\" \"answer\": \"#### 2\"}\n")
        #expect(described(set) == ["bad.jsonl:2:19: malformed JSON: invalid value"])
    }

    @Test func math500NeedsAnAnswerOrABoxedSolution() throws {
        let text = """
            {"problem": "p1", "solution": "so $\\\\boxed{\\\\frac{1}{2}}$ and \\\\boxed{3}.", "unique_id": "a"}
            {"problem": "p2", "solution": "no box here", "unique_id": "b"}
            {"problem": "p3", "solution": "\\\\boxed{4", "unique_id": "c"}
            {"problem": "p4", "solution": 7, "unique_id": "d"}
            {"problem": "p5", "solution": "", "answer": " 5 ", "unique_id": "e"}
            {"problem": "", "solution": "", "answer": "6", "unique_id": "f"}

            """
        let set = try LoaderFixtures.load("math.jsonl", text)
        #expect(set.layout == "math500")
        #expect(set.problems.map(\.id) == ["math500/a", "math500/e"])
        #expect(set.problems.map(\.gold) == ["3", "5"])  // the last \boxed{}, braces matched
        #expect(
            described(set) == [
                "math.jsonl:2: invalid 'solution': no 'answer' field and no closed \\boxed{} in the solution",
                "math.jsonl:3: invalid 'solution': no 'answer' field and no closed \\boxed{} in the solution",
                "math.jsonl:4: wrong type for 'solution': expected a string, found a number",
                "math.jsonl:6: invalid 'problem': empty",
            ])
    }

    // MARK: JSON arrays (SVAMP, MultiArith, sanitized MBPP)

    @Test func jsonArrayElementsAreRejectedWithLineAndColumn() throws {
        let text = """
            [
              {"ID": "a", "Body": "b1", "Question": "q1", "Answer": 1.0},
              {"ID": "b", "Body": "b2", "Question": "q2", "Answer": "2"},
              {"ID": "c", "Body": "b3" "Question": "q3", "Answer": 3.0},
              7,
              {"ID": "d", "Body": "b4", "Question": "q4", "Answer": 4.5},
              {"ID": "e", "Question": "q5", "Answer": 5}
            ] x
            """
        let set = try LoaderFixtures.load("svamp.json", text)
        #expect(set.layout == "svamp")
        #expect(set.problems.map(\.id) == ["svamp/a", "svamp/d"])
        #expect(set.problems.map(\.gold) == ["1", "4.5"])
        #expect(set.problems[0].question == "b1 q1")
        #expect(
            described(set) == [
                "svamp.json:3:3: wrong type for 'Answer': expected a number, found a string",
                "svamp.json:4:28: malformed JSON: invalid value",
                "svamp.json:5:3: not a JSON object: found a number",
                "svamp.json:7:3: missing field 'Body'",
                "svamp.json:8:3: trailing content: bytes after the closing ] of the JSON array",
            ])
    }

    @Test func truncatedJSONArrayRejectsItsLastElement() throws {
        let text = "[\n  {\"ID\": \"a\", \"Body\": \"b\", \"Question\": \"q\", \"Answer\": 1.0},\n  {\"ID\": \"b\", \"Body\": \"b\", \"Qu"
        let set = try LoaderFixtures.load("cut.json", text)
        #expect(set.problems.map(\.id) == ["svamp/a"])
        #expect(described(set) == ["cut.json:3:3: truncated record: the last line has no newline and is not valid JSON (an interrupted write?)"])
        // Cut right after a complete element: the array is not closed.
        let open = try LoaderFixtures.load("open.json", "[\n  {\"ID\": \"a\", \"Body\": \"b\", \"Question\": \"q\", \"Answer\": 1.0}\n")
        #expect(open.problems.count == 1)
        #expect(described(open) == ["open.json:3:1: truncated record: the JSON array is not closed"])
    }

    @Test func multiarithSolutionsMustBeNumbers() throws {
        let text = """
            [
             {"iIndex": 0, "sQuestion": " q0 ", "lSolutions": [39.0]},
             {"iIndex": 1, "sQuestion": "q1", "lSolutions": []},
             {"iIndex": 2, "sQuestion": "q2", "lSolutions": ["7"]},
             {"iIndex": 3, "sQuestion": "q3", "lSolutions": 8.0},
             {"iIndex": 4, "sQuestion": "q4", "lSolutions": [1.0, 2.5]}
            ]
            """
        let set = try LoaderFixtures.load("ma.json", text)
        #expect(set.problems.map(\.id) == ["multiarith/0", "multiarith/4"])
        #expect(set.problems.map(\.gold) == ["39", "1; 2.5"])
        #expect(set.problems[0].question == "q0")
        #expect(
            described(set) == [
                "ma.json:3:2: invalid 'lSolutions': empty",
                "ma.json:4:2: wrong type for 'lSolutions[0]': expected a number, found a string",
                "ma.json:5:2: wrong type for 'lSolutions': expected an array, found a number",
            ])
    }

    @Test func sanitizedMBPPNeedsStringTests() throws {
        let text = """
            [
              {"task_id": 2, "prompt": "Write f.", "code": "def f(): pass", "test_list": ["assert f() is None"], "test_imports": []},
              {"task_id": 3, "prompt": "Write g.", "code": "def g(): pass", "test_list": ["assert g() is None", 5]},
              {"task_id": 4, "prompt": "Write h.", "test_list": []}
            ]
            """
        let set = try LoaderFixtures.load("mbpp.json", text)
        #expect(set.layout == "mbpp-sanitized")
        #expect(set.problems.map(\.id) == ["mbpp-sanitized/2"])
        #expect(set.problems[0].metadata["tests"] == "assert f() is None")
        #expect(
            described(set) == [
                "mbpp.json:3:3: wrong type for 'test_list[1]': expected a string, found a number",
                "mbpp.json:4:3: missing field 'code'",
            ])
    }

    @Test func mbppJSONLinesNeedsTaskIDs() throws {
        let text = """
            {"text": "Write f.", "code": "c", "task_id": 1, "test_setup_code": "", "test_list": ["assert f()"], "challenge_test_list": []}
            {"text": "Write g.", "code": "c", "task_id": 1.5, "test_list": ["assert g()"]}
            {"text": "Write h.", "code": "c", "task_id": 1, "test_list": ["assert h()"]}

            """
        let set = try LoaderFixtures.load("mbpp.jsonl", text)
        #expect(set.layout == "mbpp")
        #expect(set.problems.map(\.id) == ["mbpp/1"])
        #expect(
            described(set) == [
                "mbpp.jsonl:2: wrong type for 'task_id': expected a string or an integer, found a number",
                "mbpp.jsonl:3: duplicate id: 'mbpp/1' was first used at mbpp.jsonl:1"
                    .replacingOccurrences(of: "mbpp.jsonl:1", with: set.source + ":1"),
            ])
    }

    // MARK: ASDiv JSON Lines, ARC, CommonsenseQA, HumanEval

    @Test func asdivJSONLinesAnswersMustBeText() throws {
        let text = """
            {"body": "b0.", "question": "q0?", "answer": "9 (apples)", "idx": 0}
            {"body": "b1.", "question": "q1?", "answer": ["9"], "idx": 1}
            {"body": "b2.", "question": "q2?", "answer": 12, "idx": 2}

            """
        let set = try LoaderFixtures.load("asdiv.jsonl", text)
        #expect(set.problems.map(\.gold) == ["9", "12"])
        #expect(described(set) == ["asdiv.jsonl:2: wrong type for 'answer': expected a string or a number, found an array"])
    }

    @Test func arcChoicesMustMatchTheirLabelsAndTheKey() throws {
        let text = """
            {"id": "ok", "question": "Q?", "choices": {"text": ["x", "y"], "label": ["A", "B"]}, "answerKey": "B"}
            {"id": "n", "question": "Q?", "choices": {"text": ["x", "y"], "label": ["A"]}, "answerKey": "A"}
            {"id": "k", "question": "Q?", "choices": {"text": ["x", "y"], "label": ["A", "B"]}, "answerKey": "E"}
            {"id": "t", "question": "Q?", "choices": ["x", "y"], "answerKey": "A"}

            """
        let set = try LoaderFixtures.load("arc.jsonl", text)
        #expect(set.layout == "arc")
        #expect(set.problems.map(\.id) == ["arc-challenge/ok"])
        #expect(
            described(set) == [
                "arc.jsonl:2: invalid 'choices': 2 texts but 1 labels",
                "arc.jsonl:3: invalid 'answerKey': 'E' is not one of the labels A, B",
                "arc.jsonl:4: wrong type for 'choices': expected an object, found an array",
            ])
    }

    @Test func commonsenseQANamesNestedFields() throws {
        let text = """
            {"answerKey": "A", "id": "1", "question": {"stem": "S?", "choices": [{"label": "A", "text": "a"}, {"label": "B", "text": "b"}]}}
            {"answerKey": "A", "id": "2", "question": {"choices": [{"label": "A", "text": "a"}]}}
            {"answerKey": "A", "id": "3", "question": {"stem": "S?", "choices": [{"label": "A", "text": "a"}, "b"]}}
            {"answerKey": "A", "id": "4", "question": {"stem": "S?", "choices": [{"text": "a"}]}}

            """
        let set = try LoaderFixtures.load("csqa.jsonl", text)
        #expect(set.layout == "commonsenseqa")
        #expect(set.problems.map(\.id) == ["commonsenseqa/1"])
        #expect(
            described(set) == [
                "csqa.jsonl:2: missing field 'question.stem'",
                "csqa.jsonl:3: wrong type for 'question.choices[1]': expected an object, found a string",
                "csqa.jsonl:4: missing field 'question.choices[0].label'",
            ])
    }

    @Test func humanevalGzipTruncatedOrGarbled() throws {
        let real = try Data(contentsOf: URL(fileURLWithPath: LoaderFixtures.sharedTask("humaneval/HumanEval.jsonl.gz")))
        let cut = LoaderFixtures.loadError("cut.jsonl.gz", Array(real.prefix(3000)))
        #expect(cut?.reason == "corrupt gzip: unexpected end of data (truncated .gz file?)")
        var garbled = Array(real)
        for i in 100..<200 { garbled[i] ^= 0x5A }
        let bad = LoaderFixtures.loadError("bad.jsonl.gz", garbled)
        #expect(bad?.category == "corrupt gzip")
    }

    @Test func humanevalRecordsNeedPromptAndEntryPoint() throws {
        let text = """
            {"task_id": "HumanEval/0", "prompt": "def f():\\n", "entry_point": "f", "canonical_solution": "  pass\\n", "test": "t"}
            {"task_id": "HumanEval/1", "entry_point": "g"}
            {"task_id": "HumanEval/2", "prompt": "def h():\\n", "entry_point": null}

            """
        let set = try LoaderFixtures.load("he.jsonl", text)
        #expect(set.problems.map(\.id) == ["humaneval/0"])
        #expect(set.problems[0].question == "def f():\n")
        #expect(described(set) == ["he.jsonl:2: missing field 'prompt'", "he.jsonl:3: missing field 'entry_point'"])
    }

    // MARK: XML (ASDiv, COPA, Quorum)

    @Test func asdivXMLRejectsProblemsWithTheirLineAndColumn() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8" ?>
            <Machine-Reading-Corpus-File>
            <ProblemSet>
            \t<Problem ID="p1" Grade="1"><Body>B.</Body><Question>Q?</Question><Answer>9 (apples)</Answer></Problem>
            \t<Problem ID="p2"><Body>B.</Body><Question>Q?</Question></Problem>
            \t<Problem ID="p3"><Body> </Body><Question>Q?</Question><Answer>3</Answer></Problem>
            \t<Problem ID="p4"><Body>B.</Body><Question>Q?</Question><Answer>1</Answer><Answer>2</Answer></Problem>
            \t<Note>not a problem</Note>
            </ProblemSet>
            </Machine-Reading-Corpus-File>
            """
        let set = try LoaderFixtures.load("asdiv.xml", text)
        #expect(set.layout == "asdiv-xml")
        #expect(set.problems.map(\.id) == ["asdiv/p1"])
        #expect(set.problems[0].gold == "9")
        #expect(set.problems[0].metadata["Grade"] == "1")
        #expect(
            described(set) == [
                "asdiv.xml:5:2: missing field '<Answer>'",
                "asdiv.xml:6:19: invalid '<Body>': empty",
                "asdiv.xml:7:75: invalid '<Answer>': 2 elements, expected one",
                "asdiv.xml:8:2: unexpected element: <Note> in <ProblemSet>",
            ])
    }

    @Test func copaItemsMustNameCauseOrEffectAndOneOfTwo() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE copa-corpus SYSTEM "copa.dtd">
            <copa-corpus version="1.0">
              <item id="1" asks-for="cause" most-plausible-alternative="1"><p>P.</p><a1>A.</a1><a2>B.</a2></item>
              <item id="2" asks-for="why" most-plausible-alternative="1"><p>P.</p><a1>A.</a1><a2>B.</a2></item>
              <item id="3" asks-for="effect" most-plausible-alternative="3"><p>P.</p><a1>A.</a1><a2>B.</a2></item>
              <item id="4" asks-for="effect" most-plausible-alternative="2"><p>P.</p><a1>A.</a1></item>
              <item asks-for="effect" most-plausible-alternative="2"><p>P.</p><a1>A.</a1><a2>B.</a2></item>
            </copa-corpus>
            """
        let set = try LoaderFixtures.load("copa.xml", text)
        #expect(set.layout == "copa")
        #expect(set.problems.map(\.id) == ["copa/1"])
        #expect(
            described(set) == [
                "copa.xml:5:3: invalid '@asks-for': 'why' is neither cause nor effect",
                "copa.xml:6:3: invalid '@most-plausible-alternative': '3' is neither 1 nor 2",
                "copa.xml:7:3: missing field '<a2>'",
                "copa.xml:8:3: missing field '@id'",
            ])
    }

    @Test func xmlThatIsNotWellFormedIsThrownWithLineAndColumn() {
        let mismatch = LoaderFixtures.loadError(
            "m.xml",
            "<?xml version=\"1.0\"?>\n<taskset name=\"t\">\n  <problem id=\"1\">\n    <question>Q</question>\n  </problm>\n</taskset>\n")
        #expect(mismatch?.description.hasSuffix("m.xml:5:12: XML not well-formed: closing tag does not match the open element (libxml2 error 76)") == true)
        let unclosed = LoaderFixtures.loadError("u.xml", "<taskset>\n  <problem id=\"1\">\n    <question>Q</question>\n")
        #expect(unclosed?.location?.line == 3)
        #expect(unclosed?.location?.column == 27)
        #expect(unclosed?.reason == "XML not well-formed: the document ends inside <problem> opened at 2:3")
        let entity = LoaderFixtures.loadError("e.xml", "<taskset>\n  <problem id=\"1\"><question>Q &amp R</question></problem>\n</taskset>\n")
        #expect(entity?.location?.line == 2)
        #expect(entity?.reason.hasPrefix("XML not well-formed: entity reference without ';'") == true)
        let twice = LoaderFixtures.loadError("a.xml", "<taskset>\n  <problem id=\"1\" id=\"2\"/>\n</taskset>\n")
        #expect(twice?.location?.line == 2)
        #expect(twice?.reason.hasPrefix("XML not well-formed: attribute given twice") == true)
        let two = LoaderFixtures.loadError("r.xml", "<taskset></taskset>\n<taskset/>\n")
        #expect(two?.location?.line == 2)
        #expect(two?.category == "XML not well-formed")
    }

    /// A document on one long line: every record keeps its own column.
    @Test func xmlOnOneLineKeepsColumns() throws {
        var text = "<taskset name=\"one\">"
        var columns: [Int] = []
        for i in 1...3000 {
            columns.append(text.count + 1)
            text += i % 1000 == 0 ? "<problem id=\"\(i)\"/>" : "<problem id=\"\(i)\"><question>Q\(i)é?</question><answer>\(i)</answer></problem>"
        }
        text += "</taskset>"
        let set = try LoaderFixtures.load("line.xml", text)
        #expect(set.problems.count == 2997)
        #expect(set.rejections.map(\.location.line) == [1, 1, 1])
        #expect(set.rejections.map(\.location.column) == [columns[999], columns[1999], columns[2999]])
        #expect(set.rejections.allSatisfy { $0.reason == "missing field '<question>'" })
    }

    @Test func xmlWithInvalidUTF8IsThrownAtTheByte() {
        let bytes = Array("<taskset>\n  <problem id=\"1\"><question>café ".utf8) + [0xFF] + Array("</question></problem>\n</taskset>\n".utf8)
        let error = LoaderFixtures.loadError("bad.xml", bytes)
        #expect(error == .invalidUTF8(SourceLocation(file: error?.location?.file ?? "", line: 2, column: 34), byte: 0xFF))
    }

    @Test func quorumXMLRejectsWhatTheSchemaDoesNotAllow() throws {
        let text = """
            <taskset name="mine" kind="math">
              <problem id="1"><question>One?</question><answer>1</answer></problem>
              <problem id="2"><question>Two?</question><answer>2</answer><hint>h</hint></problem>
              <problem id="3" kind="choice"><question>Three?</question><answer>A</answer></problem>
              <problem id="4" kind="choice"><question>Four?</question><choice label="A">a</choice><answer>B</answer></problem>
              <problem id="5" kind="poem"><question>Five?</question></problem>
              <problem id="6" level="2"><question>Six?</question></problem>
              <problem id="7"><answer>7</answer></problem>
              <problem id="1"><question>Again?</question></problem>
              <problems/>
              <problem><question>Ten?</question><answer>1,000.0</answer><meta name="source">me</meta></problem>
            </taskset>
            """
        let set = try LoaderFixtures.load("mine.xml", text)
        #expect(set.layout == "quorum-xml")
        #expect(set.name == "mine")
        #expect(set.problems.map(\.id) == ["mine/1", "mine/10"])
        #expect(set.problems[1].gold == "1000")
        #expect(set.problems[1].metadata == ["source": "me"])
        #expect(
            described(set) == [
                "mine.xml:3:62: unexpected element: <hint> in <problem>",
                "mine.xml:4:3: missing field '<choice>'",
                "mine.xml:5:87: invalid '<answer>': 'B' is not one of the labels A",
                "mine.xml:6:3: invalid '@kind': 'poem' is not one of math, choice, text, code",
                "mine.xml:7:3: unexpected attribute: level on <problem>",
                "mine.xml:8:3: missing field '<question>'",
                "mine.xml:9:3: duplicate id: 'mine/1' was first used at \(set.source):2:3",
                "mine.xml:10:3: unexpected element: <problems> in <taskset>",
            ])
    }

    @Test func quorumJSONLinesRejectsBadKindsAndChoices() throws {
        let text = """
            {"id": "1", "kind": "math", "question": "One?", "answer": "1.50"}
            {"id": "2", "kind": "poem", "question": "Two?"}
            {"id": "3", "kind": "choice", "question": "Three?", "answer": "A"}
            {"id": "4", "kind": "choice", "question": "Four?", "choices": [{"label": "A", "text": "a"}], "answer": "A"}
            {"kind": "text", "question": "Five?"}

            """
        let set = try LoaderFixtures.load("own.jsonl", text)
        #expect(set.layout == "quorum-jsonl")
        #expect(set.problems.map(\.id) == ["own/1", "own/4"])
        #expect(set.problems.map(\.gold) == ["1.5", "A"])
        #expect(
            described(set) == [
                "own.jsonl:2: invalid 'kind': 'poem' is not one of math, choice, text, code",
                "own.jsonl:3: missing field 'choices'",
                "own.jsonl:5: missing field 'id'",
            ])
    }

    // MARK: Whole files

    @Test func emptyFilesAndEmptyContainers() {
        #expect(LoaderFixtures.loadError("empty.jsonl", "")?.reason == "empty file: no records")
        #expect(LoaderFixtures.loadError("blank.jsonl", " \n\n\t\n")?.category == "empty file")
        #expect(LoaderFixtures.loadError("empty.json", "[ ]")?.reason == "no records: the file holds no problems (an empty JSON array)")
        #expect(LoaderFixtures.loadError("empty.xml", "<taskset name=\"x\"/>")?.reason == "no records: the file holds no problems (quorum-xml)")
        #expect(LoaderFixtures.loadError("bom.jsonl", [0xEF, 0xBB, 0xBF, 0x0A])?.category == "empty file")
    }

    @Test func unknownLayoutsListTheKnownOnesAndSuggestAMapping() {
        let json = LoaderFixtures.loadError("other.jsonl", "{\"prompt_text\": \"q\", \"label\": 1}\n")
        guard case .unknownLayout(let location, let found)? = json else {
            Issue.record("expected unknownLayout, got \(String(describing: json))")
            return
        }
        #expect(location.line == 1)
        #expect(found == "the first record has fields label, prompt_text")
        let reason = json?.reason ?? ""
        for layout in TaskLayout.detectable { #expect(reason.contains(layout.rawValue)) }
        #expect(reason.contains("--field question=Body+Question --field answer=Answer"))
        let xml = LoaderFixtures.loadError("other.xml", "<?xml version=\"1.0\"?>\n<quiz><q>1</q></quiz>\n")
        #expect(xml?.location?.line == 2)
        #expect(xml?.location?.column == 1)
        #expect(xml?.reason.hasPrefix("unknown layout: XML root element <quiz>. Known layouts:") == true)
        let object = LoaderFixtures.loadError("object.json", "{\n  \"data\": [1, 2]\n}\n")
        #expect(object?.reason.hasPrefix("unknown layout: one JSON object spanning lines (fields data)") == true)
        let text = LoaderFixtures.loadError("notes.txt", "What is 2 + 2?\n")
        #expect(text?.reason.hasPrefix("unknown layout: not JSON Lines, a JSON array or XML (it starts with 'W')") == true)
    }

    @Test func missingFileAndUnreadableRecordsEverywhere() {
        let missing: TaskLoadError?
        do throws(TaskLoadError) {
            _ = try TaskLoader.load(file: "/nonexistent/quorum/tasks.jsonl")
            missing = nil
        } catch {
            missing = error
        }
        #expect(missing == .unreadableFile(SourceLocation(file: "/nonexistent/quorum/tasks.jsonl"), detail: "no such file"))
        // No line of the file can be read at all: the first failure is thrown (the layout is unknowable).
        let garbage = LoaderFixtures.loadError("garbage.jsonl", "{oops\n{nope\n")
        #expect(garbage?.category == "malformed JSON")
        #expect(garbage?.location?.line == 1)
    }

    @Test func everyRecordIsAProblemOrARejection() throws {
        // 5 records, each bad in a different way or good: counts add up.
        let text = """
            {"id": "1", "kind": "math", "question": "a", "answer": "1"}
            {"id": "2", "kind": "math", "question": 2, "answer": "2"}
            {"id": "3", "kind": "math", "question": "c", "answer": {"v": 3}}
            {"id": "4", "kind": "math", "question": "   ", "answer": "4"}
            {"id": "5", "kind": "math", "question": "e", "answer": "5"}

            """
        let set = try LoaderFixtures.load("sum.jsonl", text)
        #expect(set.problems.count + set.rejections.count == 5)
        #expect(set.problems.map(\.id) == ["sum/1", "sum/5"])
    }
}
