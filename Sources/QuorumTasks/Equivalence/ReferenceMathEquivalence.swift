import Foundation

/// Math answer equality as the RPC reference computed it (spec/rpc.md, "Answer equality used by the
/// reference"): the relation that `fixtures/rpc/fixture.equal_cache.json` records.
///
/// The rules, in order, for a prediction `p` and a reference `r`:
/// 1. `p` and `r` equal after trimming whitespace and lowercasing → equal.
/// 2. `r` is one of `A`…`E` and the last standalone `A`…`E` in `p` is `r` → equal.
/// 3. Both parse as numbers (commas removed; a trailing `%` or `\%` divides by 100) → equal iff
///    `|p − x| ≤ 1e-3` for some `x` in `{r/100, r, r·100}` (percent-insensitive), and nothing else is tried.
/// 4. An empty `p` → not equal.
/// 5. Outer brackets dropped and `{ } ( )` removed, case-insensitively equal → equal.
/// 6. Both bracketed (`(…)`/`[…]`): split at every comma, element-wise equal → equal.
/// 7. Equations: `x = 3` vs `3` compares `3` with `3` when the left side has at most two characters.
/// 8. Otherwise a symbolic comparison of Python-syntax expressions (the reference's LaTeX parser was
///    disabled, so `\frac{1}{2}` is *not* read): two constants are equal within `1e-3`, two
///    expressions with variables are equal when they agree at sample points.
///
/// The reference applies these to (prediction, gold) in that order and is not symmetric in corner cases
/// of rules 3 and 5; this type answers `true` when either order does, which makes it symmetric. On the
/// fixture's answers (numbers, decimals, fractions `p/q`, percentages, thousands separators, the empty
/// string) it reproduces the cache exactly; beyond those, rule 8 approximates sympy (no simplification of
/// symbolic expressions beyond evaluation at sample points).
public struct ReferenceMathEquivalence: AnswerEquivalence {
    /// The absolute tolerance of the reference's numeric comparison.
    public static let tolerance = 1e-3

    public init() {}

    public func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        return mathEqual(prediction: a, reference: b, depth: 0)
            || mathEqual(prediction: b, reference: a, depth: 0)
    }

    private func mathEqual(prediction: String, reference: String, depth: Int) -> Bool {
        guard depth < 8 else { return false }
        if prediction.pythonStripped.lowercased() == reference.pythonStripped.lowercased() { return true }
        if ["A", "B", "C", "D", "E"].contains(reference), Self.choiceAnswerClean(prediction) == reference {
            return true
        }
        if let p = Self.parseDigits(prediction), let r = Self.parseDigits(reference) {
            return [r / 100, r, r * 100].contains { Swift.abs(p - $0) <= Self.tolerance }
        }
        if prediction.isEmpty { return false }

        let pred = prediction.pythonStripped
        let ref = reference.pythonStripped
        var predStr = pred
        var refStr = ref
        if (pred.hasPrefix("[") && pred.hasSuffix("]") && !ref.hasPrefix("("))
            || (pred.hasPrefix("(") && pred.hasSuffix(")") && !ref.hasPrefix("["))
        {
            predStr = predStr.trimmingCharacters(in: CharacterSet(charactersIn: "[]()"))
            refStr = refStr.trimmingCharacters(in: CharacterSet(charactersIn: "[]()"))
        }
        predStr.removeAll { "{}()".contains($0) }
        refStr.removeAll { "{}()".contains($0) }
        if predStr.lowercased() == refStr.lowercased() { return true }

        if Self.looksBracketed(pred), Self.looksBracketed(ref) {
            let predParts = pred.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            let refParts = ref.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            if predParts.count == refParts.count,
                zip(predParts, refParts).allSatisfy({
                    mathEqual(prediction: String($0), reference: String($1), depth: depth + 1)
                })
            {
                return true
            }
        }

        let predEquals = pred.filter { $0 == "=" }.count
        let refEquals = ref.filter { $0 == "=" }.count
        if predEquals == 1 && refEquals == 1 {
            let p = Self.equationAsDifference(pred)
            let r = Self.equationAsDifference(ref)
            if Self.symbolicEqual(p, r) || Self.symbolicEqual("-(\(p))", r) { return true }
        } else if predEquals == 1, refEquals == 0, Self.leftSide(pred).count <= 2 {
            if mathEqual(prediction: Self.rightSide(pred), reference: reference, depth: depth + 1) { return true }
        } else if refEquals == 1, predEquals == 0, Self.leftSide(ref).count <= 2 {
            if mathEqual(prediction: prediction, reference: Self.rightSide(ref), depth: depth + 1) { return true }
        }
        return Self.symbolicEqual(pred, ref)
    }

    // MARK: - The reference's helpers

    /// The reference's number parser: commas removed, then a Python `float`, else a trailing `%`
    /// (and a `\` before it) removed and the rest divided by 100.
    static func parseDigits(_ text: String) -> Double? {
        var s = text.replacingOccurrences(of: ",", with: "")
        if let value = pythonFloat(s) { return value }
        guard s.hasSuffix("%") else { return nil }
        s.removeLast()
        if s.hasSuffix("\\") { s.removeLast() }
        return pythonFloat(s).map { $0 / 100 }
    }

    /// Python's `float(str)`: surrounding whitespace allowed, optional sign, decimal digits with an
    /// optional point and exponent, single underscores between digits, or `inf`/`infinity`/`nan`.
    static func pythonFloat(_ text: String) -> Double? {
        let s = text.pythonStripped
        guard !s.isEmpty else { return nil }
        var body = Substring(s)
        var sign = 1.0
        if body.first == "+" || body.first == "-" {
            sign = body.first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case "inf", "infinity": return sign * .infinity
        case "nan": return .nan
        default: break
        }
        // Validate the grammar by hand (Double(String) accepts hex and other forms Python does not).
        let chars = Array(body)
        var index = 0
        func digits() -> String? {
            var out = ""
            var lastWasDigit = false
            while index < chars.count {
                let c = chars[index]
                if c.isASCIIDigit {
                    out.append(c)
                    lastWasDigit = true
                } else if c == "_", lastWasDigit, index + 1 < chars.count, chars[index + 1].isASCIIDigit {
                    lastWasDigit = false
                } else {
                    break
                }
                index += 1
            }
            return out.isEmpty ? nil : out
        }
        let integer = digits()
        var fraction: String?
        if index < chars.count, chars[index] == "." {
            index += 1
            fraction = digits()
        }
        guard integer != nil || fraction != nil else { return nil }
        var text = (integer ?? "0") + "." + (fraction ?? "0")
        if index < chars.count, chars[index] == "e" || chars[index] == "E" {
            index += 1
            var exponentSign = ""
            if index < chars.count, chars[index] == "+" || chars[index] == "-" {
                exponentSign = String(chars[index])
                index += 1
            }
            guard let exponent = digits() else { return nil }
            text += "e" + exponentSign + exponent
        }
        guard index == chars.count, let value = Double(text) else { return nil }
        return sign * value
    }

    /// The reference's `choice_answer_clean`: the last standalone `A`…`E` of the upper-cased text, else
    /// the text without trailing periods.
    static func choiceAnswerClean(_ text: String) -> String {
        var s = text.trimmingCharacters(in: CharacterSet(charactersIn: "\n"))
        while s.hasSuffix(".") { s.removeLast() }
        while s.hasSuffix("/") { s.removeLast() }
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: " "))
        // Leading runs cut with an index: removing a string's first character copies the rest.
        if let first = s.firstIndex(where: { $0 != ":" }) { s = String(s[first...]) } else { s = "" }
        let upper = Array(s.uppercased())
        var last: Character?
        for (i, c) in upper.enumerated() where "ABCDE".contains(c) {
            let before = i > 0 ? upper[i - 1] : " "
            let after = i + 1 < upper.count ? upper[i + 1] : " "
            if !before.isWordCharacter && !after.isWordCharacter { last = c }
        }
        if let last { return String(last) }
        var cleaned = s.pythonStripped
        while cleaned.hasSuffix(".") { cleaned.removeLast() }
        if let first = cleaned.firstIndex(where: { $0 != "." }) { cleaned = String(cleaned[first...]) } else { cleaned = "" }
        while cleaned.hasSuffix("/") { cleaned.removeLast() }
        return cleaned
    }

    /// `(…)` or `[…]`: starts with a bracket and has a closing bracket at least two characters later on
    /// the first line (the reference's `re.match(r"(\(|\[).+(\)|\])", s)`).
    static func looksBracketed(_ text: String) -> Bool {
        guard let first = text.first, first == "(" || first == "[" else { return false }
        let firstLine = text.prefix(while: { $0 != "\n" })
        return firstLine.dropFirst(2).contains(where: { $0 == ")" || $0 == "]" })
    }

    private static func leftSide(_ equation: String) -> String {
        String(equation.split(separator: "=", omittingEmptySubsequences: false)[0]).pythonStripped
    }

    private static func rightSide(_ equation: String) -> String {
        String(equation.split(separator: "=", omittingEmptySubsequences: false)[1])
    }

    private static func equationAsDifference(_ equation: String) -> String {
        let parts = equation.split(separator: "=", omittingEmptySubsequences: false)
        return "\(String(parts[0]).pythonStripped) - (\(String(parts[1]).pythonStripped))"
    }

    /// Compares two Python-syntax expressions by value (see rule 8 above).
    static func symbolicEqual(_ a: String, _ b: String) -> Bool {
        let unescape = { (s: String) in s.replacingOccurrences(of: "\\\\", with: "\\") }
        guard let x = MathExpression.parse(unescape(a), syntax: .python),
            let y = MathExpression.parse(unescape(b), syntax: .python)
        else { return false }
        if x == y { return true }
        if x.variables.isEmpty && y.variables.isEmpty {
            let u = x.evaluate()
            let v = y.evaluate()
            if u == v { return true }
            return Swift.abs(u - v) <= tolerance
        }
        return MathExpression.identical(x, y)
    }
}

extension String {
    /// The string without leading and trailing whitespace, as Python's `str.strip()`.
    var pythonStripped: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension Character {
    /// A regular-expression word character: letter, digit or underscore.
    var isWordCharacter: Bool { isLetter || isNumber || self == "_" }
}
