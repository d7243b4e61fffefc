import Foundation

/// A case-insensitive phrase pattern compiled once and shared: `NSRegularExpression` is immutable and
/// safe to use from many threads (Swift's `Regex` is not `Sendable`, and compiling one per call made
/// extraction several times slower).
struct PhrasePattern: Sendable {
    private let expression: NSRegularExpression

    /// - Parameter pattern: an ICU regular expression; a constant of this module, checked by the tests.
    init(_ pattern: String) {
        do {
            expression = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        } catch {
            preconditionFailure("invalid built-in pattern \(pattern): \(error)")
        }
    }

    /// Where each match of the pattern in `text` ends, in text order.
    func matchEnds(in text: String) -> [String.Index] {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range, in: text)?.upperBound
        }
    }

    /// "final answer is", "Final answer:".
    static let finalAnswer = PhrasePattern(#"final\s+answer\s*(?:is\b|:)"#)
    /// "the answer is", "Answer:", "answer would be", "answer seems to be", "answer = ".
    static let answerIs = PhrasePattern(
        #"\banswer\b\s*(?:(?:is\s+therefore|is|would\s+be|should\s+be|will\s+be|must\s+be|seems\s+to\s+be|appears\s+to\s+be|comes\s+out\s+to)\b\s*:?|:|=)"#
    )
    /// "####" (GSM8K's answer line).
    static let hashes = PhrasePattern("####")
    /// The answer phrases of choice problems: `answerIs`, plus "correct option is", "choice:".
    static let choiceAnswer = PhrasePattern(
        #"\b(?:answer|option|choice)\b\s*(?:(?:is\s+therefore|is|would\s+be|should\s+be|will\s+be|must\s+be|seems\s+to\s+be|appears\s+to\s+be)\b\s*:?|:|=)"#
    )
    /// "I choose", "I'd pick", "I will go with".
    static let choose = PhrasePattern(#"\bI(?:\s+would|'d|\s+will|'ll)?\s+(?:choose|pick|select|go\s+with)\b"#)
}
