import Foundation

/// Math answer equality that reads LaTeX: the default mode.
///
/// Both answers are normalised first (``MathText``: markdown and `$…$` unwrapped, `\left`/`\right`, `\!`
/// and spaces removed, `\dfrac`/`\tfrac` spelled `\frac`, `\text{…}` unwrapped, units after numbers,
/// degree signs and currency dropped). Then, in order:
/// 1. identical, or equal ignoring case → equal; one empty and the other not → not equal;
/// 2. `x = 3` (a short variable on the left) is compared as `3`; `x = 3` and `y = 3` differ;
/// 3. choice letters: `(C)` and `C` are equal;
/// 4. tuples and intervals `(…)`, `[…]`, `(…]`, `[…)`: same brackets, same length, element-wise equal;
///    sets `\{…\}` and bare lists `1, 2`: equal as multisets;
/// 5. values: both parse as expressions (numbers, thousands separators, scientific notation, `a/b`,
///    `\frac{a}{b}`, mixed numbers `2\frac{1}{2}` and `2 1/2`, `\sqrt`, `\pi`, powers, `%` as ÷100):
///    two constants are equal when `|a − x| ≤ tolerance` for `x` in `{b/100, b, b·100}` (the
///    percent-insensitive rule of spec/rpc.md, checked in both directions) or, with
///    ``percentInsensitive`` off, `|a − b| ≤ tolerance`; expressions with variables are equal when they
///    agree at sample points (`x^2+7x+10` and `10+7x+x^2`).
///
/// The relation is symmetric and not transitive (`8 ~ 8.0009 ~ 8.0018` but not `8 ~ 8.0018`).
public struct MathEquivalence: AnswerEquivalence {
    /// Absolute tolerance for numbers; default `1e-3` (as the reference). `0` asks for exact values.
    public var tolerance: Double
    /// Whether `b/100` and `b·100` also count as equal to `b` (default `true`, as the reference);
    /// `false` disables the rule, so `50` and `0.5` differ.
    public var percentInsensitive: Bool

    /// - Parameters:
    ///   - tolerance: absolute tolerance for numeric values, default `1e-3`.
    ///   - percentInsensitive: accept ×100 and ÷100 of a number, default `true`.
    public init(tolerance: Double = 1e-3, percentInsensitive: Bool = true) {
        self.tolerance = tolerance
        self.percentInsensitive = percentInsensitive
    }

    public func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        return equalNormalized(MathText.normalize(a), MathText.normalize(b), depth: 0)
    }

    private func equalNormalized(_ x: String, _ y: String, depth: Int) -> Bool {
        guard depth < 6 else { return x == y }
        if x == y || x.lowercased() == y.lowercased() { return true }
        if x.isEmpty || y.isEmpty { return false }

        let (xName, xs) = Self.splitAssignment(x)
        let (yName, ys) = Self.splitAssignment(y)
        if let xName, let yName, xName != yName { return false }
        if xName != nil || yName != nil { return equalNormalized(xs, ys, depth: depth + 1) }

        if let p = Self.choiceLabel(x), let q = Self.choiceLabel(y) { return p == q }

        let xl = MathList(x)
        let yl = MathList(y)
        if xl != nil || yl != nil {
            guard let xl, let yl, xl.kind == yl.kind, xl.items.count == yl.items.count else { return false }
            if xl.kind.isOrdered {
                return zip(xl.items, yl.items).allSatisfy { equalNormalized($0, $1, depth: depth + 1) }
            }
            return Self.multisetMatch(xl.items, yl.items) { equalNormalized($0, $1, depth: depth + 1) }
        }

        guard let ex = MathExpression.parse(x, syntax: .latex), let ey = MathExpression.parse(y, syntax: .latex)
        else { return false }
        if ex == ey { return true }
        let vx = ex.variables
        let vy = ey.variables
        if vx.isEmpty && vy.isEmpty { return numbersEqual(ex.evaluate(), ey.evaluate()) }
        return MathExpression.identical(ex, ey)
    }

    /// Whether two values are equal under ``tolerance`` and, when on, the percent-insensitive rule.
    func numbersEqual(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return false }
        if a.isInfinite || b.isInfinite { return a == b }
        let close = { (u: Double, v: Double) in Swift.abs(u - v) <= self.tolerance }
        if close(a, b) { return true }
        guard percentInsensitive else { return false }
        return close(a, b / 100) || close(a, b * 100) || close(b, a / 100) || close(b, a * 100)
    }

    /// `x=3` → (`x`, `3`) when the left side is a short variable name (a letter and at most two more
    /// letters, digits or `_`, braces ignored, e.g. `x`, `y`, `x_1`) or a Greek-letter command; else
    /// (`nil`, text).
    static func splitAssignment(_ text: String) -> (String?, String) {
        let parts = text.split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return (nil, text) }
        let left = parts[0].replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
        let shortName = left.count <= 3 && left.first?.isASCIILetter == true
            && left.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" })
        let greek = left.hasPrefix("\\") && left.dropFirst().allSatisfy(\.isASCIILetter) && left.count <= 8
        guard shortName || greek, !parts[1].isEmpty else { return (nil, text) }
        return (left, String(parts[1]))
    }

    /// `A`, `(A)`, `A)`, `(a)` as an upper-case letter; `nil` for anything else.
    static func choiceLabel(_ text: String) -> String? {
        var s = Substring(text)
        if s.hasPrefix("(") && s.hasSuffix(")") { s = s.dropFirst().dropLast() } else if s.hasSuffix(")") {
            s = s.dropLast()
        }
        guard s.count == 1, let c = s.first, c.isASCIILetter else { return nil }
        // A bare lower-case letter is a variable, not a label; `(a)` is a label.
        if c.isLowercase && s.count == text.count { return nil }
        return c.uppercased()
    }

    /// The most items of two unordered lists left to pair by value once the items written alike are paired.
    /// Pairing by value compares every item with every other one: a set of 5,000 numbers took minutes.
    static let maximumItemsPairedByValue = 200

    /// Whether every item of `a` can be paired with a distinct equal item of `b` (same counts). Items written
    /// alike are paired first, by counting; the rest, at most ``maximumItemsPairedByValue`` of them (else the
    /// lists are not equal), are paired greedily by `equal`.
    static func multisetMatch(_ a: [String], _ b: [String], equal: (String, String) -> Bool) -> Bool {
        guard a.count == b.count else { return false }
        var unpaired: [String: Int] = [:]
        for item in b { unpaired[item, default: 0] += 1 }
        var rest: [String] = []
        for item in a {
            if let count = unpaired[item], count > 0 { unpaired[item] = count - 1 } else { rest.append(item) }
        }
        guard !rest.isEmpty else { return true }
        guard rest.count <= maximumItemsPairedByValue else { return false }
        var remaining = b.filter { item in
            guard let count = unpaired[item], count > 0 else { return false }
            unpaired[item] = count - 1
            return true
        }
        for item in rest {
            guard let index = remaining.firstIndex(where: { equal(item, $0) }) else { return false }
            remaining.remove(at: index)
        }
        return remaining.isEmpty
    }
}

/// A normalised answer made of several parts: a tuple or interval, a set, or a bare comma list.
struct MathList: Hashable {
    enum Kind: Hashable {
        /// `(…)`, `[…]`, `(…]` or `[…)`, with the bracket characters.
        case bracketed(open: Character, close: Character)
        /// `\{…\}`.
        case set
        /// `1,2,3` without brackets.
        case bare

        var isOrdered: Bool {
            if case .bracketed = self { return true }
            return false
        }
    }

    var kind: Kind
    var items: [String]

    /// Parses `text` as a list; `nil` when it is a single value (including a parenthesised one).
    init?(_ text: String) {
        let chars = Array(text)
        guard chars.count >= 2 else { return nil }
        if text.hasPrefix("\\{"), text.hasSuffix("\\}"), chars.count >= 4 {
            kind = .set
            items = Self.splitTopLevel(Array(chars[2..<(chars.count - 2)]))
            return
        }
        if let first = chars.first, let last = chars.last, "([".contains(first), ")]".contains(last),
            Self.closesAtEnd(chars)
        {
            let inner = Array(chars[1..<(chars.count - 1)])
            let parts = Self.splitTopLevel(inner)
            // A parenthesised single value such as (5) is not a list; [5] is a one-element interval only
            // in name, treat it the same way.
            guard parts.count >= 2 else { return nil }
            kind = .bracketed(open: first, close: last)
            items = parts
            return
        }
        let parts = Self.splitTopLevel(chars)
        guard parts.count >= 2 else { return nil }
        kind = .bare
        items = parts
    }

    /// Whether the bracket at index 0 is closed by the last character (not `(1)+(2)`).
    private static func closesAtEnd(_ chars: [Character]) -> Bool {
        var depth = 0
        for (index, c) in chars.enumerated() {
            if "([{".contains(c) { depth += 1 }
            if ")]}".contains(c) {
                depth -= 1
                if depth == 0 && index != chars.count - 1 { return false }
            }
        }
        return depth == 0
    }

    /// Splits at commas that are not inside brackets or braces.
    static func splitTopLevel(_ chars: [Character]) -> [String] {
        var parts: [String] = []
        var current: [Character] = []
        var depth = 0
        for c in chars {
            if "([{".contains(c) { depth += 1 }
            if ")]}".contains(c) { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(String(current))
                current = []
            } else {
                current.append(c)
            }
        }
        parts.append(String(current))
        return parts
    }
}
