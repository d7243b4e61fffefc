/// Equality of multiple-choice answers: labels compared case-insensitively and without decoration, so
/// `B`, `b`, `(B)`, `B)`, `B.`, `**B**`, `Option B` and `[B]` are all the same answer.
///
/// Answers that are not a bare label (an option's text, when a caller stores texts) are compared as text
/// with ``TextEquivalence``. Symmetric; the empty answer equals only itself.
public struct ChoiceEquivalence: AnswerEquivalence {
    public init() {}

    public func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let x = Self.label(a)
        let y = Self.label(b)
        if let x, let y { return x == y }
        if x != nil || y != nil { return false }
        return TextEquivalence().equal(a, b)
    }

    /// The bare label of a decorated one (`"(b)"` → `"B"`, `"Option 2"` → `"2"`), or `nil` when the text
    /// is not a single label of one letter or up to two digits.
    public static func label(_ text: String) -> String? {
        var s = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        s = s.trimmingPrefix(while: { "*_`".contains($0) })
        while let last = s.last, "*_`.:".contains(last) { s = s.dropLast() }
        for word in ["option", "choice", "answer"] where s.lowercased().hasPrefix(word + " ") {
            s = s.dropFirst(word.count + 1)
        }
        s = Substring(String(s).trimmingCharacters(in: .whitespaces))
        if (s.hasPrefix("(") && s.hasSuffix(")")) || (s.hasPrefix("[") && s.hasSuffix("]")) {
            s = s.dropFirst().dropLast()
        } else if s.hasSuffix(")") {
            s = s.dropLast()
        }
        if s.count == 1, let c = s.first, c.isASCIILetter { return c.uppercased() }
        if (1...2).contains(s.count), s.allSatisfy(\.isASCIIDigit) { return String(Int(s) ?? 0) }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        var s = self
        while let first = s.first, predicate(first) { s = s.dropFirst() }
        return s
    }
}
