import Foundation

/// How gold answers are taken from task files and put into normalised form.
///
/// Only what the files themselves need: richer normalisation of model answers (LaTeX, units in running
/// text, fractions) belongs to answer extraction and equivalence, which compare against these golds.
enum GoldAnswer {
    /// A math gold as a task file writes it, normalised: white space trimmed; a plain decimal numeral in
    /// canonical form (`"1,250.00"` → `"1250"`, `"39.0"` → `"39"`); a trailing unit in parentheses removed
    /// (ASDiv: `"9 (apples)"` → `"9"`); several answers separated by `;` each treated so
    /// (`"36 (years old); 12 (years old)"` → `"36; 12"`). Anything else (`"3:4"`, `"5/2"`, `"Yes"`, LaTeX)
    /// is kept as it is, trimmed.
    static func math(_ raw: String) -> String {
        let parts = raw.split(separator: ";", omittingEmptySubsequences: false)
        if parts.count > 1 {
            let each = parts.map { single(String($0)) }
            if !each.contains(where: \.isEmpty) { return each.joined(separator: "; ") }
        }
        return single(raw)
    }

    private static func single(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        // A trailing "(unit)" after a value, as in ASDiv's "9 (apples)"; never a whole "(3, 4)".
        if text.hasSuffix(")"), let open = text.lastIndex(of: "("), open > text.startIndex {
            let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
            let before = text[..<open].trimmingCharacters(in: .whitespaces)
            if !before.isEmpty, !inner.contains("("), !inner.contains(")"), text[text.index(before: open)] == " " {
                text = before
            }
        }
        return GoldNumber.canonical(numeral: text) ?? text
    }

    /// GSM8K: the text after the last `####` of a worked solution, normalised as ``math(_:)``
    /// (`"… #### 1,600"` → `"1600"`), and the solution before it; `nil` when there is no `####`.
    static func gsm8k(_ answer: String) -> (gold: String, solution: String)? {
        guard let marker = answer.range(of: "####", options: .backwards) else { return nil }
        let gold = math(String(answer[marker.upperBound...]))
        let solution = answer[..<marker.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return (gold, solution)
    }

    /// The content of the last `\boxed{…}` (or `\fbox{…}`) of a LaTeX text, braces matched (escaped `\{`
    /// and `\}` do not count); `\boxed 5` takes the token after the space. `nil` when there is none or
    /// its braces are not closed.
    static func lastBoxed(in text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        var starts: [(position: Int, end: Int)] = []
        for command in ["\\boxed", "\\fbox"] {
            let needle = Array(command.unicodeScalars)
            for position in occurrences(of: needle, in: scalars) {
                starts.append((position, position + needle.count))
            }
        }
        for start in starts.sorted(by: { $0.position > $1.position }) {
            if let content = boxedContent(scalars, after: start.end) { return content }
        }
        return nil
    }

    private static func boxedContent(_ s: [Unicode.Scalar], after index: Int) -> String? {
        var i = index
        if i < s.count, s[i] == " " {
            // "\boxed 5": the token up to white space or `$`.
            i += 1
            var token = String.UnicodeScalarView()
            while i < s.count, s[i] != " ", s[i] != "$", s[i] != "\n" {
                token.append(s[i])
                i += 1
            }
            return token.isEmpty ? nil : String(token)
        }
        guard i < s.count, s[i] == "{" else { return nil }
        var depth = 0
        var content = String.UnicodeScalarView()
        while i < s.count {
            let c = s[i]
            let escaped = i > 0 && s[i - 1] == "\\"
            if c == "{", !escaped {
                depth += 1
                if depth == 1 {
                    i += 1
                    continue
                }
            } else if c == "}", !escaped {
                depth -= 1
                if depth == 0 { return String(content) }
            }
            content.append(c)
            i += 1
        }
        return nil
    }

    private static func occurrences(of needle: [Unicode.Scalar], in hay: [Unicode.Scalar]) -> [Int] {
        guard hay.count >= needle.count else { return [] }
        var found: [Int] = []
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { found.append(i) }
        }
        return found
    }
}
