import Foundation

/// Equality of free-text answers: equal after Unicode compatibility normalisation, case folding,
/// collapsing whitespace and dropping surrounding punctuation and markdown (`"**Paris.**"` equals
/// `"paris"`). Inner punctuation counts (`"U.S."` vs `"US"` differ only in the dots, and stay different).
///
/// Symmetric and transitive (it compares canonical keys); the empty answer equals only itself.
public struct TextEquivalence: AnswerEquivalence {
    public init() {}

    public func equal(_ a: String, _ b: String) -> Bool {
        a == b || Self.key(a) == Self.key(b)
    }

    /// The comparison key of a text answer.
    public static func key(_ text: String) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        let words = folded.split(whereSeparator: { $0.isWhitespace })
        var joined = words.joined(separator: " ")
        let edge = CharacterSet.punctuationCharacters.union(.symbols).union(.whitespaces)
        joined = joined.trimmingCharacters(in: edge)
        return joined
    }
}
