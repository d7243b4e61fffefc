import Foundation
import Testing
@testable import QuorumTasks

/// Code extraction: fenced blocks in chat answers, HumanEval stop sequences in completions.
@Suite struct CodeExtractionTests {
    let chat = CodeAnswerExtractor()

    @Test func fencedBlocksWithAndWithoutLanguageTag() {
        let tagged = chat.extract(from: "Sure!\n```python\ndef f(x):\n    return x + 1\n```\nThis adds one.")
        #expect(tagged.normalized == "def f(x):\n    return x + 1")
        #expect(tagged.rule == .codeBlock)
        let bare = chat.extract(from: "```\ndef g():\n    return 2\n```")
        #expect(bare.normalized == "def g():\n    return 2")
        let indentedFence = chat.extract(from: "1. Code:\n   ```py\n   def h():\n       pass\n   ```\n")
        #expect(indentedFence.normalized == "   def h():\n       pass")
        let unclosed = chat.extract(from: "```python3\ndef k():\n    return [")
        #expect(unclosed.normalized == "def k():\n    return [")
    }

    @Test func choosesTheBlockThatDefinesTheEntryPoint() {
        let text = """
            ```python
            def add(a, b):
                return a + b
            ```
            Helper used above:
            ```python
            def helper():
                return 0
            ```
            Usage:
            ```python
            print(add(1, 2))
            ```
            """
        #expect(CodeAnswerExtractor(entryPoint: "add").extract(from: text).normalized.hasPrefix("def add(a, b):"))
        // Without an entry point: the last block that defines something, not the usage example.
        #expect(chat.extract(from: text).normalized == "def helper():\n    return 0")
        // An entry point defined nowhere falls back the same way.
        #expect(CodeAnswerExtractor(entryPoint: "mul").extract(from: text).normalized.hasPrefix("def helper"))
        // Only blocks without definitions: the last one.
        #expect(chat.extract(from: "```\nx = 1\n```\n```\ny = 2\n```").normalized == "y = 2")
    }

    @Test func entryPointMatchIsExactAndTopLevel() {
        #expect(CodeAnswerExtractor.defines("def add(a):\n  pass", function: "add"))
        #expect(CodeAnswerExtractor.defines("async def  add (a):\n  pass", function: "add"))
        #expect(!CodeAnswerExtractor.defines("def add_one(a):\n  pass", function: "add"))
        #expect(!CodeAnswerExtractor.defines("class A:\n    def add(self):\n        pass", function: "add"))
    }

    @Test func chatWithoutFenceIsTheWholeText() {
        let outcome = chat.extract(from: "\n\ndef f():\n    return 1   \n\n")
        #expect(outcome.normalized == "def f():\n    return 1")
        #expect(outcome.rule == .wholeText)
        #expect(chat.extract(from: "  \n ") == .noAnswer)
        #expect(chat.extract(from: "```python\n```") == .noAnswer)
    }

    @Test func completionIsCutAtTheHumanEvalStops() {
        let humanEval = CodeAnswerExtractor(style: .completion(stops: CodeAnswerExtractor.humanEvalStops))
        let body = "    total = 0\n    for x in xs:\n        # running sum\n        if x > 0:\n            total += x\n    return total\n"
        for tail in ["\ndef other():\n    pass", "\nclass A:\n    pass", "\n# test\n", "\nif __name__ == '__main__':\n    main()", "\nprint(f([1]))"] {
            let outcome = humanEval.extract(from: body + tail)
            #expect(outcome.normalized == String(body.dropLast()), "\(tail)")
            #expect(outcome.rule == .completion)
        }
        // Indented comments, ifs and nested functions are part of the body.
        let nested = "    def inner(y):\n        return y\n    if xs:\n        print(xs)\n    return inner(1)"
        #expect(humanEval.extract(from: nested).normalized == nested)
        // The first stop wins, and end-of-turn markers cut first.
        #expect(humanEval.extract(from: "    return 1\nprint(2)\ndef g(): pass").normalized == "    return 1")
        #expect(humanEval.extract(from: "    return 1<|endoftext|>\n    junk").normalized == "    return 1")
        #expect(humanEval.extract(from: "\ndef g(): pass") == .noAnswer)
    }

    @Test func completionWithOtherStopsAndCarriageReturns() {
        let mbpp = CodeAnswerExtractor(style: .completion(stops: ["[DONE]"]))
        let outcome = mbpp.extract(from: "def f(a):\r\n    return a\r\n\r\ndef g():\r\n    pass\r\n[DONE]\nmore")
        #expect(outcome.normalized == "def f(a):\n    return a\n\ndef g():\n    pass")
        #expect(CodeAnswerExtractor(style: .completion(stops: [])).extract(from: "x = 1\n# c").normalized == "x = 1\n# c")
    }

    /// A real greedy continuation of qwen2.5-coder-0.5b (reference/engine/qwen2.5-coder-0.5b/forward.json):
    /// the body is kept, indented, as it came (it stops at the token budget).
    @Test func realCompletionKeepsItsIndentation() throws {
        let data = try ExtractionTestSupport.sharedData("reference/engine/qwen2.5-coder-0.5b/forward.json")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let prompts = try #require(json["prompts"] as? [[String: Any]])
        let fibonacci = try #require(prompts.first { ($0["prompt"] as? String)?.hasPrefix("def fibonacci") == true })
        let text = try #require(fibonacci["generated_text"] as? String)
        let outcome = CodeAnswerExtractor(style: .completion(stops: CodeAnswerExtractor.humanEvalStops)).extract(from: text)
        #expect(outcome.normalized.hasPrefix("    if n <= 0:\n        return 0\n"))
        #expect(outcome.normalized == CodeAnswerExtractor.trimmingBlankEdges(text))
    }
}
