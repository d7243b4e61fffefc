/// Finds the answer in a model's text.
///
/// Implementations are pure functions of the text (and of their configuration, such as a problem's
/// options): the same text always gives the same outcome, and nothing is ever thrown: text a model wrote
/// is not an error, at worst it holds ``ExtractionOutcome/noAnswer``.
public protocol AnswerExtractor: Sendable {
    /// The answer in `text`, or ``ExtractionOutcome/noAnswer``.
    func extract(from text: String) -> ExtractionOutcome
}

/// The extractor for problems of `kind`.
///
/// - Parameters:
///   - kind: decides the rules: ``MathAnswerExtractor``, ``ChoiceAnswerExtractor`` (with `choices`),
///     ``TextAnswerExtractor`` or ``CodeAnswerExtractor``.
///   - choices: the problem's options, for `.choice`; when empty, labels `A`–`E` without texts are
///     assumed. Ignored for other kinds.
public func makeExtractor(kind: TaskKind, choices: [Choice] = []) -> any AnswerExtractor {
    switch kind {
    case .math: MathAnswerExtractor()
    case .choice: ChoiceAnswerExtractor(choices: choices)
    case .text: TextAnswerExtractor()
    case .code: CodeAnswerExtractor()
    }
}
