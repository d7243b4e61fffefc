import Foundation
import QuorumTasks
import Testing

/// The extractors' rules one at a time: priority order, the outcome's fields, and robustness.
@Suite struct ExtractionRuleTests {
    let math = MathAnswerExtractor()

    @Test func mathRulesApplyInPriorityOrder() {
        let all = "The answer is 3. #### 4\n\\boxed{5} Final answer: 6. And 7."
        #expect(math.extract(from: all).rule == .finalAnswer)
        #expect(math.extract(from: all).normalized == "6")
        #expect(math.extract(from: "The answer is 3. #### 4\n\\boxed{5}. And 7.").normalized == "5")
        #expect(math.extract(from: "#### 4\nThe answer is 3. And 7.").normalized == "3")
        #expect(math.extract(from: "#### 4\nAnd 7.").normalized == "4")
        #expect(math.extract(from: "And 7.").rule == .lastNumber)
    }

    @Test func outcomeFields() {
        let outcome = math.extract(from: "So the total is $\\$1,250.00$.")
        let answer = outcome.answer
        #expect(answer?.normalized == "1250")
        #expect(answer?.numericValue == 1250)
        #expect(answer?.raw == "1,250.00")
        #expect(ExtractionOutcome.noAnswer.answer == nil)
        #expect(ExtractionOutcome.noAnswer.normalized == "")
        #expect(ExtractionOutcome.noAnswer.rule == nil)
        #expect(math.extract(from: "The answer is 50%.").answer?.numericValue == 0.5)
        #expect(math.extract(from: "\\boxed{\\frac{3}{4}}").answer?.numericValue == 0.75)
        #expect(math.extract(from: "\\boxed{x+1}").answer?.numericValue == nil)
        #expect(math.extract(from: "\\boxed{x+1}").answer?.raw == "\\boxed{x+1}")
    }

    @Test func goldAnswersNormaliseLikeExtractedOnes() {
        #expect(MathAnswerExtractor.answer(fromValue: "\\dfrac{1}{2}")?.normalized == "\\frac{1}{2}")
        #expect(MathAnswerExtractor.answer(fromValue: "1,000")?.numericValue == 1000)
        #expect(MathAnswerExtractor.answer(fromValue: "   ") == nil)
        #expect(MathAnswerExtractor.numericValue(of: "2\\frac{1}{2}") == 2.5)
        #expect(MathAnswerExtractor.numericValue(of: "(1,2)") == nil)
    }

    @Test func factoryPicksTheExtractorPerKind() {
        #expect(makeExtractor(kind: .math) is MathAnswerExtractor)
        #expect(makeExtractor(kind: .choice, choices: [Choice(label: "A", text: "x")]) is ChoiceAnswerExtractor)
        #expect(makeExtractor(kind: .text) is TextAnswerExtractor)
        #expect(makeExtractor(kind: .code) is CodeAnswerExtractor)
        #expect(ChoiceAnswerExtractor(choices: []).choices.map(\.label) == ["A", "B", "C", "D", "E"])
    }

    @Test func codeExtraction() {
        let code = CodeAnswerExtractor()
        let fenced = code.extract(from: "Here:\n```python\ndef f():\n    return 1\n```\nDone.")
        #expect(fenced.normalized == "def f():\n    return 1")
        #expect(fenced.rule == .codeBlock)
        #expect(code.extract(from: "```python\ndef g():\n    return 2").normalized == "def g():\n    return 2")
        #expect(code.extract(from: "    if n <= 0:\n        return 0  \n").normalized == "    if n <= 0:\n        return 0")
        #expect(code.extract(from: "  \n ") == .noAnswer)
    }

    @Test func extractorsAgreeUnderConcurrency() async {
        let texts = (0..<200).map { "Step \($0): so the answer is **\($0 * 7)** apples.\n\nQ: next" }
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, MathAnswerExtractor().extract(from: text).normalized) }
            }
            return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        for index in texts.indices { #expect(results[index] == String(index * 7)) }
    }

    /// Random strings of the characters that matter to the scanners (braces, backslashes, dollars, digits,
    /// markers) never crash an extractor or an equivalence, and equivalence stays symmetric on them.
    @Test func randomTextNeverCrashes() {
        var generator = ExtractionFuzzGenerator(seed: 20_251_129)
        let pieces = [
            "\\boxed{", "{", "}", "\\frac", "\\", "$", "$$", "**", "(", ")", "[", "]", "1", "0", "9", ",", ".", "-", "/",
            "%", "=", " ", "\n", "answer is ", "Answer: ", "####", "final answer is", "a ", "A", "(B)", "B)", "e", "x",
            "^", "\\text{", "\\left(", "\\right)", "\\sqrt", "<<", ">>", "Q: ", "\\%", "°", "é", "🙂",
        ]
        let choices = [Choice(label: "A", text: "a dog"), Choice(label: "B", text: "heat")]
        let extractors: [any AnswerExtractor] = [
            MathAnswerExtractor(), ChoiceAnswerExtractor(choices: choices), TextAnswerExtractor(), CodeAnswerExtractor(),
        ]
        let relations: [any AnswerEquivalence] = [MathEquivalence(), ReferenceMathEquivalence(), ChoiceEquivalence()]
        var previous = ""
        var asymmetric: [String] = []
        for _ in 0..<1000 {
            let count = Int(generator.next() % 12)
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            for extractor in extractors { _ = extractor.extract(from: text) }
            for relation in relations where relation.equal(text, previous) != relation.equal(previous, text) {
                asymmetric.append("\(type(of: relation)): \(text) ~ \(previous)")
            }
            previous = text
        }
        #expect(asymmetric.isEmpty, "\(asymmetric.prefix(10))")
    }
}

/// A small seeded generator (ExtractionFuzzGenerator) so the random test is the same on every run.
struct ExtractionFuzzGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
