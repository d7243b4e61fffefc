/// What an ``AnswerExtractor`` found in a model's text: an answer and the rule that found it, or the
/// explicit statement that there is none. There is no third case: an extractor never guesses silently.
public enum ExtractionOutcome: Sendable, Hashable {
    /// An answer, with the rule that produced it.
    case answer(Answer, rule: ExtractionRule)
    /// The text holds no answer the extractor recognises (empty text, a refusal, a truncated path, a
    /// choice answer that names no option or names several).
    case noAnswer

    /// The answer, or `nil` for ``noAnswer``.
    public var answer: Answer? {
        if case .answer(let answer, _) = self { return answer }
        return nil
    }

    /// The rule that produced the answer, or `nil` for ``noAnswer``.
    public var rule: ExtractionRule? {
        if case .answer(_, let rule) = self { return rule }
        return nil
    }

    /// The normalised answer, or `""` for ``noAnswer`` (the form `paths.jsonl` stores).
    public var normalized: String { answer?.normalized ?? "" }
}

/// Which rule of an extractor produced an answer; the math rules are listed in priority order.
public enum ExtractionRule: String, Sendable, Codable, CaseIterable, Hashable {
    /// Math: text after "final answer is" / "Final answer:".
    case finalAnswer = "final-answer"
    /// Math: the content of the last brace-matched `\boxed{…}`.
    case boxed
    /// Math and choice: text after "the answer is", "Answer:", "answer seems to be" and similar.
    case answerIs = "answer-is"
    /// Math: text after the last `####` (GSM8K style).
    case hashes
    /// Math: the last number of the text.
    case lastNumber = "last-number"
    /// Choice: the whole text is a label (`B`, `(b)`, `**C.**`).
    case wholeLabel = "whole-label"
    /// Choice: a bold label, `**B**`.
    case boldLabel = "bold-label"
    /// Choice: a bracketed label, `(B)` or `B)`.
    case bracketedLabel = "bracketed-label"
    /// Choice: the text of exactly one option.
    case optionText = "option-text"
    /// Text: the whole text, normalised.
    case wholeText = "whole-text"
    /// Code: a fenced code block (see ``CodeAnswerExtractor`` for which).
    case codeBlock = "code-block"
    /// Code: a completion of the prompt, cut at the first stop sequence.
    case completion
}
