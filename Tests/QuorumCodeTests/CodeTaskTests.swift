import Foundation
import Testing
@testable import QuorumCode

/// Program assembly for HumanEval and MBPP, and the prompt templates.
@Suite struct CodeTaskTests {
    static let humanEval = Result { try CodeTestSupport.problems("humaneval/HumanEval.jsonl.gz") }
    static let sanitized = Result { try CodeTestSupport.problems("mbpp/sanitized-mbpp.json") }

    func humanEvalTask(_ number: Int) throws -> CodeTask {
        let problem = try #require(try Self.humanEval.get().first { $0.id == "humaneval/\(number)" })
        return try CodeTask(problem: problem)
    }

    func mbppTask(_ number: Int) throws -> CodeTask {
        let problem = try #require(try Self.sanitized.get().first { $0.id == "mbpp-sanitized/\(number)" })
        return try CodeTask(problem: problem)
    }

    @Test func readsHumanEvalMetadata() throws {
        let task = try humanEvalTask(0)
        #expect(task.layout == .humanEval)
        #expect(task.entryPoint == "has_close_elements")
        #expect(task.testSource.contains("def check(candidate):"))
        #expect(task.canonicalAnswer?.hasPrefix("    for idx, elem in enumerate(numbers):") == true)
        #expect(task.setupSource.isEmpty)
    }

    @Test func readsMBPPMetadataAndFindsTheEntryPoint() throws {
        let task = try mbppTask(2)
        #expect(task.layout == .mbpp)
        #expect(task.entryPoint == "similar_elements")
        #expect(task.testSource.split(separator: "\n").count == 3)
        let withImports = try mbppTask(82)
        #expect(withImports.setupSource == "import math")
        #expect(withImports.test("X = 1") == CodeTest(solution: "X = 1", harness: .mbpp(setup: "import math", tests: withImports.testSource)))
        // Full MBPP keeps test_setup_code, and its \r\n reference code still yields the entry point.
        let full = try CodeTestSupport.problems("mbpp/mbpp.jsonl")
        let first = try CodeTask(problem: try #require(full.first { $0.id == "mbpp/1" }))
        #expect(first.entryPoint == "min_cost")
        #expect(CodeTask.calledFunction(definedIn: "def helper(x):\n  pass\ndef main(y):\n  pass", calledBy: "assert main(1) == helper_main(2)") == "main")
        #expect(CodeTask.calledFunction(definedIn: "def f(x): pass", calledBy: "assert g.f(1)") == nil)
    }

    @Test func rejectsProblemsWithoutTests() {
        let math = Problem(id: "m/1", question: "1+1?", kind: .math, gold: "2")
        #expect(throws: CodeError.notACodeProblem(problem: "m/1", kind: .math)) { try CodeTask(problem: math) }
        let bare = Problem(id: "c/1", question: "write f", kind: .code, gold: nil, metadata: ["entry_point": "f"])
        #expect(throws: CodeError.missingTests(problem: "c/1")) { try CodeTask(problem: bare) }
        let noReference = Problem(id: "c/2", question: "write f", kind: .code, gold: nil, metadata: ["tests": "assert f() == 1"])
        #expect(throws: CodeError.missingCanonicalSolution(problem: "c/2")) { try CodeTask(problem: noReference).canonicalTest() }
    }

    @Test func humanEvalAnswersOfEveryShape() throws {
        let task = try humanEvalTask(2)
        let prompt = task.prompt
        // A completion: the body follows the prompt.
        #expect(task.solutionProgram("    return number % 1.0") == prompt + "    return number % 1.0\n")
        // A chat answer: the whole function follows the prompt, whose stub it redefines.
        let function = "def truncate_number(number: float) -> float:\n    return number % 1.0"
        #expect(task.solutionProgram(function) == prompt + "\n\n" + function + "\n")
        // Nothing: the prompt alone (its function returns None).
        #expect(task.solutionProgram("") == prompt)
        #expect(task.solutionProgram("\n  \n") == prompt)
        // Other top-level code follows the prompt too.
        #expect(task.solutionProgram("x = 1") == prompt + "\n\nx = 1\n")
        #expect(task.test("    return 0.5") == CodeTest(
            solution: prompt + "    return 0.5\n",
            harness: .humanEval(prompt: prompt, test: task.testSource, entryPoint: "truncate_number")))
    }

    @Test func assembledProgramsRunAsExpected() async throws {
        let sandbox = try CodeTestSupport.sandbox()
        let task = try humanEvalTask(0)
        let body = try #require(task.canonicalAnswer)
        let chat = """
            Here is the function:

            ```python
            from typing import List

            def has_close_elements(numbers: List[float], threshold: float) -> bool:
                return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])
            ```

            Example:

            ```python
            print(has_close_elements([1.0, 2.0], 0.5))
            ```
            """
        let extracted = CodePromptTemplate.humanEvalChat.extractor(for: task).extract(from: chat).normalized
        #expect(extracted.hasPrefix("from typing import List"))
        let completion = CodePromptTemplate.humanEvalCompletion.extractor(for: task)
            .extract(from: body + "\n\ndef test():\n    pass\n").normalized
        let answers = [body, extracted, completion, "", "    return False"]
        let results = try await ExecutionPool(width: 2).map(answers) { (answer) throws(CodeError) in
            try sandbox.run(task.test(answer))
        }
        #expect(results.map(\.status) == [.pass, .pass, .pass, .fail, .fail])
        // The failed assertion is reported at its line of the tests (tests.py), as the tests' process saw it.
        #expect(results[4].message == "AssertionError at tests.py:\(Self.line(of: "    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True", in: task.testSource)): assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True")
    }

    /// The 1-based line of `line` in `program`.
    static func line(of line: String, in program: String) -> Int {
        (program.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == line } ?? -1) + 1
    }

    // MARK: - Templates

    @Test func completionTemplatesRenderAsThePapersDo() throws {
        let humanEval = try humanEvalTask(0)
        #expect(try CodePromptTemplate.humanEvalCompletion.render(humanEval) == humanEval.prompt)
        #expect(CodePromptTemplate.humanEvalCompletion.stops == ["\nclass", "\ndef", "\n#", "\nif", "\nprint"])
        let mbpp = try mbppTask(2)
        #expect(
            try CodePromptTemplate.mbppCompletion.render(mbpp) == """
                You are an expert Python programmer, and here is your task: Write a function to find the shared elements from the given two lists. Your code should pass these tests:

                assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))
                assert set(similar_elements((1, 2, 3, 4),(5, 4, 3, 7))) == set((3, 4))
                assert set(similar_elements((11, 12, 14, 13),(17, 15, 14, 13))) == set((13, 14))
                [BEGIN]

                """)
        let extractor = CodePromptTemplate.mbppCompletion.extractor(for: mbpp)
        #expect(extractor.extract(from: "def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n[DONE]\nYou are").normalized
            == "def similar_elements(a, b):\n    return tuple(set(a) & set(b))")
    }

    @Test func chatTemplatesRender() throws {
        let humanEval = try humanEvalTask(0)
        let text = try CodePromptTemplate.humanEvalChat.render(humanEval)
        #expect(text.hasPrefix("Complete the following Python function. Reply with the complete function `has_close_elements`"))
        #expect(text.contains("```python\n" + humanEval.prompt + "```\n"))
        let mbpp = try CodePromptTemplate.mbppChat.render(try mbppTask(3))
        #expect(mbpp.hasPrefix("Write a python function to identify non-prime numbers.\nYour code should pass these tests:\n\n```python\nassert is_not_prime(2) == False\n"))
        #expect(CodePromptTemplate.builtIns.map(\.name) == ["humaneval-completion", "humaneval-chat", "mbpp-completion", "mbpp-chat"])
        #expect(CodePromptTemplate.named("mbpp-chat") == .mbppChat)
        #expect(CodePromptTemplate.standard(for: .humanEval, style: .chat) == .humanEvalChat)
    }

    @Test func templateErrorsSayWhere() throws {
        let task = try humanEvalTask(0)
        func template(_ text: String) -> CodePromptTemplate { CodePromptTemplate(name: "t", style: .chat, text: text) }
        #expect(try template("{{literal}} {prompt}}}").render(task) == "{literal} \(task.prompt)}")
        #expect(throws: CodeError.unknownPlaceholder(template: "t", placeholder: "question", offset: 4)) {
            try template("Do: {question}").render(task)
        }
        #expect(throws: CodeError.unclosedPlaceholder(template: "t", offset: 2)) { try template("a {prompt").render(task) }
        #expect(throws: CodeError.strayClosingBrace(template: "t", offset: 1)) { try template("a}").render(task) }
        #expect(throws: CodeError.missingPlaceholderValue(template: "t", placeholder: "tests", problem: "humaneval/0")) {
            try template("{tests}").render(task)
        }
        #expect(CodeError.unknownPlaceholder(template: "t", placeholder: "q", offset: 0).description.contains("known: prompt, entry_point, tests"))
    }
}
