import Foundation
import Testing
import QuorumTasks

/// `--field` mappings for layouts the loader does not know, in JSON and XML.
@Suite struct FieldMappingTests {
    @Test func jsonPathsJoinNestAndIndex() throws {
        let text = """
            {"meta": {"uid": "x1"}, "Body": "Tom has 3 apples.", "Question": "How many?", "Answer": "1,003.0", "sol": [3]}
            {"meta": {"uid": "x2"}, "Body": "B.", "Question": "Q?", "sol": [4]}

            """
        let set = try LoaderFixtures.load(
            "own.jsonl", text,
            fields: ["question=Body+Question", "answer=Answer", "id=meta.uid", "meta.solution=sol.0"])
        #expect(set.layout == "mapped")
        #expect(set.name == "own")
        #expect(set.problems.map(\.id) == ["own/x1"])
        #expect(set.problems[0].question == "Tom has 3 apples. How many?")
        #expect(set.problems[0].gold == "1003")
        #expect(set.problems[0].metadata == ["solution": "3"])
        #expect(set.rejections.map(\.reason) == ["missing field 'Answer'"])
    }

    @Test func jsonChoicesFromParallelArraysOrObjects() throws {
        // ARC's parallel arrays, mapped by hand, give what the ARC loader gives.
        let text = """
            {"id": "q", "question": "Q?", "choices": {"text": ["x", "y", "z"], "label": ["A", "B", "C"]}, "answerKey": "B"}

            """
        let mapped = try LoaderFixtures.load(
            "c.jsonl", text,
            fields: ["question=question", "choices=choices.text", "labels=choices.label", "answer=answerKey", "id=id"])
        #expect(mapped.problems.first?.kind == .choice)
        #expect(mapped.problems.first?.choices == [Choice(label: "A", text: "x"), Choice(label: "B", text: "y"), Choice(label: "C", text: "z")])
        #expect(mapped.problems.first?.gold == "B")
        // Objects with label and text, as in CommonsenseQA; plain strings get A, B, C ….
        let objects = try LoaderFixtures.load(
            "o.jsonl", "{\"q\": {\"stem\": \"S?\", \"choices\": [{\"label\": \"A\", \"text\": \"a\"}, {\"label\": \"B\", \"text\": \"b\"}]}, \"k\": \"B\"}\n",
            fields: ["question=q.stem", "choices=q.choices", "answer=k"])
        #expect(objects.problems.first?.choices.map(\.label) == ["A", "B"])
        let plain = try LoaderFixtures.load(
            "p.jsonl", "{\"q\": \"Q?\", \"opts\": [\"yes\", \"no\"], \"k\": \"C\"}\n",
            fields: ["question=q", "choices=opts", "answer=k"])
        #expect(plain.problems.isEmpty)
        #expect(plain.rejections.map(\.reason) == ["invalid 'k': 'C' is not one of the labels A, B"])
    }

    @Test func jsonMappingRejectsWrongShapes() throws {
        let text = """
            {"q": ["a", "b"], "a": "1"}
            {"q": {"x": 1}, "a": "1"}
            {"q": "fine", "a": null}
            {"q": "ok", "a": 7}

            """
        let set = try LoaderFixtures.load("s.jsonl", text, fields: ["question=q", "answer=a", "kind=text"])
        #expect(set.problems.map(\.gold) == ["7"])
        #expect(set.problems.first?.kind == .text)
        #expect(
            set.rejections.map(\.reason) == [
                "invalid 'q': 2 values, expected one",
                "wrong type for 'q': expected a string or a number, found an object",
                "missing field 'a'",
            ])
    }

    @Test func xmlElementAndAttributePaths() throws {
        // ASDiv through a mapping: the record element is inferred from the paths.
        let set = try TaskLoader.load(
            file: LoaderFixtures.sharedTask("asdiv/ASDiv.xml"),
            options: TaskLoadOptions(
                name: "asdiv-mapped",
                mapping: try FieldMapping(parsing: [
                    "id=Problem/@ID", "question=Problem/Body+Problem/Question", "answer=Problem/Answer",
                    "meta.grade=Problem/@Grade",
                ])))
        let detected = try TaskLoader.load(file: LoaderFixtures.sharedTask("asdiv/ASDiv.xml"))
        #expect(set.problems.count == 2305)
        #expect(set.rejections.isEmpty)
        #expect(set.problems.map(\.question) == detected.problems.map(\.question))
        #expect(set.problems.map(\.gold) == detected.problems.map(\.gold))
        #expect(set.problems.first?.id == "asdiv-mapped/nluds-0001")
        #expect(set.problems.first?.metadata == ["grade": "1"])
    }

    @Test func xmlRecordElementGivenExplicitly() throws {
        let text = """
            <quiz>
              <item n="1" key="B"><p>P one.</p><a1>x</a1><a2>y</a2></item>
              <item n="2"><p>P two.</p><a1>x</a1><a2>y</a2></item>
              <item n="3" key="A"><p>P three.</p><a1>x</a1></item>
              <item n="4" key="2"><p>P four.</p><a1>x</a1><a2>y</a2></item>
            </quiz>
            """
        let set = try LoaderFixtures.load(
            "quiz.xml", text,
            fields: ["record=item", "id=@n", "question=p", "choices=a1+a2", "answer=@key"])
        #expect(set.problems.map(\.id) == ["quiz/1"])
        #expect(set.problems[0].kind == .choice)
        #expect(set.problems[0].choices == [Choice(label: "A", text: "x"), Choice(label: "B", text: "y")])
        #expect(set.problems[0].gold == "B")
        #expect(
            set.rejections.map { ($0.description as NSString).lastPathComponent } == [
                "quiz.xml:3:3: missing field '@key'",
                "quiz.xml:4:3: missing field 'a2'",
                "quiz.xml:5:3: invalid '@key': '2' is not one of the labels A, B",
            ])
    }

    @Test func xmlPathsNeedARecordElement() {
        let error = LoaderFixtures.loadError(
            "q.xml", "<quiz><item><p>x</p></item></quiz>", fields: ["question=p", "answer=@key"])
        #expect(error?.category == "invalid --field 'p @key'")
        #expect(error?.reason.contains("--field record=ELEMENT") == true)
    }

    @Test func badSpecificationsAreRefused() {
        func refusal(_ specs: [String]) -> String? {
            do throws(TaskLoadError) {
                _ = try FieldMapping(parsing: specs)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(refusal(["question"]) == "invalid --field 'question': expected TARGET=SOURCE, e.g. question=Body+Question")
        #expect(refusal(["question="]) == "invalid --field 'question=': empty source")
        #expect(refusal(["question=a+"]) == "invalid --field 'question=a+': empty path in 'a+'")
        #expect(refusal(["answer=a"]) == "invalid --field 'answer=a': no question=… given")
        #expect(refusal(["question=a", "question=b"]) == "invalid --field 'question=b': 'question' is mapped twice")
        #expect(refusal(["question=a", "kind=poem"])?.hasPrefix("invalid --field 'kind=poem': kind must be one of") == true)
        #expect(refusal(["question=a", "gold=b"])?.contains("unknown target 'gold'") == true)
        #expect(refusal(["question=a", "labels=b"]) == "invalid --field 'question=a labels=b': labels=… needs choices=…")
        #expect(refusal(["question=a", "answer=b", "meta.x=c"]) == nil)
    }
}

extension FieldMappingTests {
    @Test func xmlMappingThatMatchesNoRecord() {
        let error = LoaderFixtures.loadError(
            "none.xml", "<quiz><item><p>x</p></item></quiz>", fields: ["record=question", "question=p"])
        #expect(error?.reason == "no records: the file holds no problems (mapped XML: no element is a record of the mapping)")
    }
}
