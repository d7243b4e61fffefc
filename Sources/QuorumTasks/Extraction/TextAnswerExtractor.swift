import Foundation

/// Extracts a free-text answer: the whole completion (cut at end-of-turn markers and few-shot
/// continuations), Unicode-normalised (NFC), with runs of whitespace collapsed to one space and the ends
/// trimmed. Empty or blank text is ``ExtractionOutcome/noAnswer``.
public struct TextAnswerExtractor: AnswerExtractor {
    public init() {}

    public func extract(from text: String) -> ExtractionOutcome {
        let body = CompletionText.prepared(text)
        let normalized = body.precomposedStringWithCanonicalMapping
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
        guard !normalized.isEmpty else { return .noAnswer }
        let raw = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return .answer(Answer(raw: raw, normalized: normalized), rule: .wholeText)
    }
}
