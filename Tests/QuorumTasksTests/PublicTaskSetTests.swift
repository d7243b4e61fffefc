import Foundation
import Testing
import QuorumTasks

/// Every public task file in ../shared/tasks loads with no options, with all records, and with the gold
/// answers the files give (spot-checked by hand against the files).
@Suite struct PublicTaskSetTests {
    static let counts: [(file: String, layout: String, count: Int)] = [
        ("gsm8k/test.jsonl", "gsm8k", 1319),
        ("math500/test.jsonl", "math500", 500),
        ("svamp/SVAMP.json", "svamp", 1000),
        ("multiarith/MultiArith.json", "multiarith", 600),
        ("asdiv/ASDiv.xml", "asdiv-xml", 2305),
        ("asdiv/asdiv-filtered.jsonl", "asdiv-jsonl", 2215),
        ("arc-challenge/test.jsonl", "arc", 1172),
        ("commonsenseqa/dev_rand_split.jsonl", "commonsenseqa", 1221),
        ("copa/balanced-copa-dev-all.xml", "copa", 1000),
        ("humaneval/HumanEval.jsonl.gz", "humaneval", 164),
        ("mbpp/mbpp.jsonl", "mbpp", 974),
        ("mbpp/sanitized-mbpp.json", "mbpp-sanitized", 427),
    ]

    @Test(arguments: counts)
    func loadsEveryRecord(file: String, layout: String, count: Int) throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask(file))
        #expect(set.layout == layout)
        #expect(set.problems.count == count)
        #expect(set.rejections.isEmpty, "\(set.rejections.prefix(3))")
        #expect(Set(set.problems.map(\.id)).count == count)
        #expect(set.problems.allSatisfy { !$0.question.isEmpty })
    }

    @Test func gsm8k() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("gsm8k/test.jsonl"))
        #expect(set.name == "gsm8k")
        let first = try #require(set["gsm8k/1"])
        #expect(first.gold == "18")
        #expect(first.kind == .math)
        #expect(first.question.hasPrefix("Janet’s ducks lay 16 eggs per day."))
        #expect(first.metadata["solution"]?.hasSuffix("$<<9*2=18>>18 every day at the farmer’s market.") == true)
        #expect(set["gsm8k/3"]?.gold == "70000")
        #expect(set["gsm8k/147"]?.gold == "2125")  // "#### 2,125"
        #expect(set["gsm8k/1319"]?.gold == "14")
    }

    @Test func math500() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("math500/test.jsonl"))
        #expect(set["math500/test/precalculus/807.json"]?.gold == #"\left( 3, \frac{\pi}{2} \right)"#)
        #expect(set["math500/test/algebra/2584.json"]?.gold == #"\frac{14}{3}"#)
        let last = try #require(set.problems.last)
        #expect(last.id == "math500/test/geometry/615.json")
        #expect(last.gold == #"106^\circ"#)
        #expect(last.metadata["subject"] == "Geometry")
        // Where the file gives `answer`, it agrees with the last \boxed{} of the solution for these.
        #expect(set.problems[2].metadata["solution"].map { $0.contains(#"\boxed{\frac{14}{3}}"#) } == true)
    }

    @Test func svamp() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("svamp/SVAMP.json"))
        let first = try #require(set["svamp/chal-1"])
        #expect(first.gold == "51")  // 51.0
        #expect(
            first.question
                == "Each pack of dvds costs 76 dollars. If there is a discount of 25 dollars on each pack"
                + " How much do you have to pay to buy each pack?")
        #expect(first.metadata["Equation"] == "( 76.0 - 25.0 )")
        #expect(set["svamp/chal-1000"]?.gold == "11")
    }

    @Test func multiarith() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("multiarith/MultiArith.json"))
        let first = try #require(set["multiarith/0"])
        #expect(first.gold == "39")  // [39.0]
        #expect(first.question.hasPrefix("For Halloween Debby and her sister"))  // leading space trimmed
        #expect(first.metadata["lEquations"] == "X=((32.0+42.0)-35.0)")
        #expect(set["multiarith/599"]?.gold == "2")
    }

    @Test func asdivXML() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("asdiv/ASDiv.xml"))
        let first = try #require(set["asdiv/nluds-0001"])
        #expect(first.gold == "9")  // "9 (apples)"
        #expect(first.question == "Seven red apples and two green apples are in the basket. How many apples are in the basket?")
        #expect(first.metadata["Formula"] == "7+2=9")
        #expect(first.metadata["Grade"] == "1")
        #expect(set["asdiv/nluds-2305"]?.gold == "40")
        #expect(set["asdiv/nluds-0851"]?.gold == "3:4")
        #expect(set["asdiv/nluds-1296"]?.gold == "17; 12")  // "17 (years old); 12 (years old)"
        #expect(set["asdiv/nluds-1439"]?.gold == "3.5; 1.8")
        #expect(set["asdiv/nluds-0166"]?.gold == "3:30 p.m.")
    }

    @Test func asdivJSONL() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("asdiv/asdiv-filtered.jsonl"))
        #expect(set["asdiv/0"]?.gold == "9")
        #expect(set["asdiv/0"]?.question == "Seven red apples and two green apples are in the basket. How many apples are in the basket?")
        #expect(set["asdiv/2214"]?.gold == "40")
    }

    @Test func arc() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("arc-challenge/test.jsonl"))
        let first = try #require(set["arc-challenge/Mercury_7175875"])
        #expect(first.kind == .choice)
        #expect(first.gold == "C")
        #expect(first.choices.map(\.label) == ["A", "B", "C", "D"])
        #expect(first.choices[2].text == "Planetary days will become shorter.")
        #expect(set["arc-challenge/MEA_2013_8_15"]?.gold == "A")
        let three = try #require(set["arc-challenge/NYSEDREGENTS_2010_4_4"])
        #expect(three.choices.map(\.label) == ["A", "B", "C"])
        #expect(three.gold == "A")
    }

    @Test func commonsenseqa() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("commonsenseqa/dev_rand_split.jsonl"))
        let first = try #require(set["commonsenseqa/1afa02df02c908a558b4036e80242fac"])
        #expect(first.gold == "A")
        #expect(first.choices.count == 5)
        #expect(first.choices[0] == Choice(label: "A", text: "bank"))
        #expect(first.metadata["question_concept"] == "revolving door")
        let last = try #require(set.problems.last)
        #expect(last.id == "commonsenseqa/5af7c7860e3be61d4cfd814cc109f9d9")
        #expect(last.gold == "C")
        #expect(last.question == "What is another name for a disk for storing information?")
    }

    @Test func copa() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("copa/balanced-copa-dev-all.xml"))
        let first = try #require(set["copa/1"])
        #expect(first.question == "My body cast a shadow over the grass. What was the cause?")
        #expect(first.choices == [Choice(label: "1", text: "The sun was rising."), Choice(label: "2", text: "The grass was cut.")])
        #expect(first.gold == "1")
        #expect(set["copa/3"]?.gold == "2")
        let last = try #require(set.problems.last)
        #expect(last.id == "copa/1500")
        #expect(last.gold == "2")
        #expect(last.question == "The woman was in a good mood. What happened as a result?")
        #expect(last.metadata["asks-for"] == "effect")
    }

    @Test func humaneval() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.sharedTask("humaneval/HumanEval.jsonl.gz"))
        let first = try #require(set["humaneval/0"])
        #expect(first.kind == .code)
        #expect(first.gold == nil)
        #expect(first.question.hasPrefix("from typing import List\n\n\ndef has_close_elements("))
        #expect(first.question.hasSuffix("    \"\"\"\n"))  // code prompts are kept exactly
        #expect(first.metadata["entry_point"] == "has_close_elements")
        #expect(first.metadata["test"]?.contains("def check(candidate):") == true)
        #expect(set["humaneval/163"]?.metadata["entry_point"] == "generate_integers")
    }

    @Test func mbpp() throws {
        let full = try TaskLoader.load(file: LoaderFixtures.sharedTask("mbpp/mbpp.jsonl"))
        let last = try #require(full["mbpp/974"])
        #expect(last.kind == .code)
        #expect(last.metadata["tests"]?.hasPrefix("assert min_sum_path([[ 2 ], [3, 9 ], [1, 6, 7 ]]) == 6\n") == true)
        #expect(last.metadata["code"] != nil)
        let sanitized = try TaskLoader.load(file: LoaderFixtures.sharedTask("mbpp/sanitized-mbpp.json"))
        let first = try #require(sanitized.problems.first)
        #expect(first.id == "mbpp-sanitized/2")
        #expect(first.question == "Write a function to find the shared elements from the given two lists.")
        #expect(first.metadata["tests"]?.components(separatedBy: "\n").count == 3)
        #expect(sanitized["mbpp-sanitized/809"]?.metadata["tests"]?.hasPrefix("assert check_smaller((1, 2, 3), (2, 3, 4)) == False") == true)
    }

    /// The samples/ files are sampled solutions, not task sets: they are reported as an unknown layout
    /// (listing their fields and the known layouts), and can be read through a field mapping.
    @Test func samplesAreAnUnknownLayoutButMappable() throws {
        for file in ["samples/gsm8k-example-model-solutions.jsonl", "samples/qwen-math-cot-100-8samples.jsonl"] {
            do throws(TaskLoadError) {
                _ = try TaskLoader.load(file: LoaderFixtures.sharedTask(file))
                Issue.record("\(file) loaded; expected an unknown layout")
            } catch {
                guard case .unknownLayout(let location, let found) = error else {
                    Issue.record("expected unknownLayout, got \(error)")
                    continue
                }
                #expect(location.line == 1)
                #expect(found.contains("question"))
                #expect(error.reason.contains("gsm8k (question, answer ending in '#### N')"))
                #expect(error.reason.contains("--field question="))
            }
        }
        let mapping = try FieldMapping(parsing: ["question=question", "answer=gt", "id=idx", "meta.level=level"])
        let qwen = try TaskLoader.load(
            file: LoaderFixtures.sharedTask("samples/qwen-math-cot-100-8samples.jsonl"),
            options: TaskLoadOptions(mapping: mapping))
        #expect(qwen.layout == "mapped")
        #expect(qwen.problems.count == 100)
        #expect(qwen.rejections.isEmpty)
        #expect(qwen["qwen-math-cot-100-8samples/0"]?.gold == "420")
        #expect(qwen["qwen-math-cot-100-8samples/0"]?.metadata["level"] == "Level 3")
    }
}
