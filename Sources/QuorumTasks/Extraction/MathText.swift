import Foundation

/// Markdown and LaTeX clean-up shared by math extraction and math equivalence.
///
/// Written by hand: no allowed package parses the loose mix of markdown and LaTeX that models write.
/// Every function here is total: any string goes in, a string comes out, nothing traps.
enum MathText {
    // MARK: - Unwrapping

    /// Removes wrappers around a whole answer, repeatedly: surrounding whitespace, trailing sentence
    /// punctuation, markdown emphasis and code (`**73**`, `` `73` ``), math delimiters (`$73$`, `\(73\)`,
    /// `\[73\]`) and whole-string `\boxed{…}` / `\text{…}` wrappers.
    static func unwrap(_ text: String) -> String {
        var current = text
        for _ in 0..<12 {
            let next = unwrapOnce(current)
            if next == current { break }
            current = next
        }
        return current
    }

    private static func unwrapOnce(_ text: String) -> String {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // Trailing sentence punctuation and the spaces between; a trailing "\." or "\;" is LaTeX spacing,
        // handled elsewhere. Found by moving an index back, not by trimming the whole string per mark:
        // `3!!!…!` of a megabyte used to take hours.
        var end = s.endIndex
        while end > s.startIndex {
            let last = s.index(before: end)
            guard ".,;:!?".contains(s[last]), last == s.startIndex || s[s.index(before: last)] != "\\" else { break }
            end = last
            while end > s.startIndex, s[s.index(before: end)].isHorizontalSpace { end = s.index(before: end) }
        }
        if end < s.endIndex { s = String(s[..<end]) }
        // Markdown emphasis and inline code: strip stray leading/trailing runs of `*`, `_` (only in
        // pairs of two for `_`, since a single `_` may be a LaTeX subscript) and backticks (with an index
        // at the front: removing from a string's start copies the rest).
        var start = s.startIndex
        while s[start...].hasPrefix("**") || s[start...].hasPrefix("__") { start = s.index(start, offsetBy: 2) }
        if start > s.startIndex { s = String(s[start...]) }
        while s.hasSuffix("**") || s.hasSuffix("__") { s.removeLast(2) }
        if s.hasPrefix("*") && !s.hasPrefix("**") { s.removeFirst() }
        if s.hasSuffix("*") && !s.hasSuffix("\\*") { s.removeLast() }
        if let code = s.firstIndex(where: { $0 != "`" }), code > s.startIndex {
            s = String(s[code...])
        } else if s.allSatisfy({ $0 == "`" }) {
            s = ""
        }
        while s.hasSuffix("`") { s.removeLast() }
        // Math delimiters around the whole string.
        for (open, close) in [("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")]
        where s.count >= open.count + close.count && s.hasPrefix(open) && s.hasSuffix(close) {
            s = String(s.dropFirst(open.count).dropLast(close.count))
            break
        }
        // A lone `$` left at either end (the other one was cut away with the sentence).
        if s.hasPrefix("$") && !s.dropFirst().contains("$") { s.removeFirst() }
        if s.hasSuffix("$") && !s.hasSuffix("\\$") && !s.dropLast().contains("$") { s.removeLast() }
        // Whole-string wrappers such as \boxed{…} and \text{…}.
        for command in wrapperCommands {
            if let inner = wholeCommandArgument(s, command: command) {
                s = inner
                break
            }
        }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Commands whose argument is the answer itself when they wrap the whole string.
    static let wrapperCommands = [
        "\\boxed", "\\fbox", "\\text", "\\textbf", "\\textit", "\\textrm", "\\mathrm", "\\mathbf",
        "\\mbox", "\\displaystyle",
    ]

    /// If `s` is exactly `command{…}` with balanced braces, the text between the braces.
    static func wholeCommandArgument(_ s: String, command: String) -> String? {
        guard s.hasPrefix(command) else { return nil }
        let chars = Array(s)
        var index = command.count
        while index < chars.count, chars[index] == " " { index += 1 }
        guard index < chars.count, chars[index] == "{",
            let close = matchingBrace(chars, open: index), close == chars.count - 1
        else { return nil }
        return String(chars[(index + 1)..<close])
    }

    /// The index of the `}` that closes the `{` at `open`, honouring nesting and `\{` / `\}` escapes;
    /// `nil` when the text ends first.
    /// For every `{` the index of its matching `}` (as ``matchingBrace(_:open:)`` finds it), and -1 for
    /// every other character and for a `{` that is never closed; one pass over `chars`.
    static func matchingBraces(_ chars: [Character]) -> [Int] {
        var partners = [Int](repeating: -1, count: chars.count)
        var open: [Int] = []
        var index = 0
        while index < chars.count {
            switch chars[index] {
            case "\\":
                index += 2
                continue
            case "{": open.append(index)
            case "}": if let start = open.popLast() { partners[start] = index }
            default: break
            }
            index += 1
        }
        return partners
    }

    static func matchingBrace(_ chars: [Character], open: Int) -> Int? {
        guard open < chars.count, chars[open] == "{" else { return nil }
        var depth = 0
        var index = open
        while index < chars.count {
            let c = chars[index]
            if c == "\\" {
                index += 2
                continue
            }
            if c == "{" {
                depth += 1
            } else if c == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    // MARK: - Normalisation

    /// The canonical form of a math answer: unwrapped, LaTeX spacing and sizing removed, `\dfrac` and
    /// `\tfrac` spelled `\frac`, `\text{…}` unwrapped (units after a number dropped), degree signs and
    /// currency removed, `\%` spelled `%`, whitespace removed, and plain numbers in canonical decimal form
    /// (`1,250.00` → `1250`, `.5` → `0.5`).
    static func normalize(_ text: String) -> String {
        var s = unwrap(text)
        s = replaceLaTeXSpelling(s)
        s = dropUnitCommands(s)
        s = unwrapTextCommands(s)
        s = unwrap(s)
        if let mixed = mixedNumber(s) { s = mixed }
        if let number = leadingNumberBeforeWords(s) { s = number }
        s = removeWhitespace(s)
        s = unwrap(s)
        if let canonical = canonicalNumber(s) { return canonical }
        return s
    }

    /// Spelling-level LaTeX rewrites that never change meaning.
    static func replaceLaTeXSpelling(_ text: String) -> String {
        // Fast path: most answers are plain numbers, with none of the characters the table rewrites.
        guard text.unicodeScalars.contains(where: { $0.value > 0x7F || latexTriggers.contains($0) }) else {
            return text
        }
        var s = text
        let replacements: [(String, String)] = [
            ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"),
            ("\\dbinom", "\\binom"), ("\\tbinom", "\\binom"),
            ("\\displaystyle", ""), ("\\textstyle", ""),
            ("^{\\circ}", ""), ("^\\circ", ""), ("^{\\circ }", ""), ("\\circ", ""), ("°", ""),
            ("^{\\degree}", ""), ("^\\degree", ""), ("\\degree", ""),
            ("\\%", "%"), ("\\$", ""), ("$", ""),
            ("{,}", ","), ("\\!", ""), ("\\,", " "), ("\\;", " "), ("\\:", " "), ("\\>", " "),
            ("\\qquad", " "), ("\\quad", " "), ("\\ ", " "), ("~", " "),
            ("−", "-"), ("×", "\\times "), ("÷", "\\div "), ("·", "\\cdot "), ("π", "\\pi "),
            ("√", "\\sqrt"), ("∞", "\\infty "), ("\u{00A0}", " "), ("\u{202F}", " "), ("\u{2009}", " "),
        ]
        for (from, to) in replacements where s.contains(from) {
            s = s.replacingOccurrences(of: from, with: to)
        }
        s = removeSizingCommands(s)
        return s
    }

    /// The ASCII characters that start an entry of the rewrite table of ``replaceLaTeXSpelling(_:)``.
    private static let latexTriggers: Set<Unicode.Scalar> = ["\\", "$", "^", "{", "~"]

    /// Removes `\left`, `\right` (with a following `.` null delimiter) and `\big`-style sizing commands.
    static func removeSizingCommands(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        let chars = Array(text)
        var out: [Character] = []
        out.reserveCapacity(chars.count)
        var index = 0
        let sizing: Set<String> = [
            "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
            "Biggl", "Biggr", "middle",
        ]
        while index < chars.count {
            if chars[index] == "\\" {
                var end = index + 1
                while end < chars.count, chars[end].isASCIILetter { end += 1 }
                let name = String(chars[(index + 1)..<end])
                if sizing.contains(name) {
                    index = end
                    // `\left.` and `\right.` are invisible delimiters.
                    if index < chars.count, chars[index] == "." { index += 1 }
                    continue
                }
                out.append(contentsOf: chars[index..<max(end, index + 1)])
                if end == index + 1, index + 1 < chars.count {
                    // A one-character command such as `\{`: keep the escaped character with it.
                    out.append(chars[index + 1])
                    index += 2
                } else {
                    index = max(end, index + 1)
                }
                continue
            }
            out.append(chars[index])
            index += 1
        }
        return String(out)
    }

    /// Text-style commands whose argument is plain text.
    static let textCommands = [
        "\\text", "\\textbf", "\\textit", "\\textrm", "\\mathrm", "\\mathbf", "\\mbox", "\\textnormal",
        "\\operatorname", "\\mathit",
    ]

    /// Drops `\text{ cm}`-style units (letters, spaces and dots only) that follow a digit, a closing
    /// brace or a space, together with a following power (`\text{m}^2`).
    static func dropUnitCommands(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var chars = Array(text)
        var index = 0
        while index < chars.count {
            guard chars[index] == "\\", let (name, open) = commandName(chars, at: index),
                textCommands.contains("\\" + name), open < chars.count, chars[open] == "{",
                let close = matchingBrace(chars, open: open)
            else {
                index += 1
                continue
            }
            let content = String(chars[(open + 1)..<close])
            let before = chars[..<index].last(where: { $0 != " " })
            let isUnit =
                !content.trimmingCharacters(in: .whitespaces).isEmpty
                && content.allSatisfy({ $0.isLetter || $0 == " " || $0 == "." })
                && before.map({ $0.isNumber || $0 == "}" || $0 == ")" }) == true
                && !isNumberWord(content)
            if isUnit {
                var end = close + 1
                // A power on the unit: ^2, ^{2}, ^3.
                if end < chars.count, chars[end] == "^" {
                    if end + 1 < chars.count, chars[end + 1] == "{", let c = matchingBrace(chars, open: end + 1) {
                        end = c + 1
                    } else if end + 1 < chars.count {
                        end += 2
                    }
                }
                chars.removeSubrange(index..<end)
                continue
            }
            index += 1
        }
        return String(chars)
    }

    /// Replaces every `\text{…}`-style command by its argument.
    static func unwrapTextCommands(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var chars = Array(text)
        var index = 0
        while index < chars.count {
            guard chars[index] == "\\", let (name, open) = commandName(chars, at: index),
                textCommands.contains("\\" + name), open < chars.count, chars[open] == "{",
                let close = matchingBrace(chars, open: open)
            else {
                index += 1
                continue
            }
            let inner = Array(chars[(open + 1)..<close])
            chars.replaceSubrange(index...close, with: inner)
        }
        return String(chars)
    }

    /// The letters of the command starting with the backslash at `index`, and the index after them
    /// (skipping spaces before an argument brace).
    static func commandName(_ chars: [Character], at index: Int) -> (String, Int)? {
        guard index < chars.count, chars[index] == "\\" else { return nil }
        var end = index + 1
        while end < chars.count, chars[end].isASCIILetter { end += 1 }
        guard end > index + 1 else { return nil }
        var next = end
        while next < chars.count, chars[next] == " " { next += 1 }
        return (String(chars[(index + 1)..<end]), next)
    }

    /// Removes whitespace, keeping one space where a LaTeX command name would otherwise run into a
    /// following letter (`\pi r` stays `\pi r`).
    static func removeWhitespace(_ text: String) -> String {
        guard text.contains(where: { $0.isWhitespace }) else { return text }
        let chars = Array(text)
        var out: [Character] = []
        // Whether `out` ends with a command name (`\` and letters), kept up to date as characters are
        // appended: looking back over the letters at every space made a text of words without `\` quadratic.
        var endsWithCommandName = false
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if c.isWhitespace {
                var next = index
                while next < chars.count, chars[next].isWhitespace { next += 1 }
                if next < chars.count, chars[next].isASCIILetter, endsWithCommandName {
                    out.append(" ")
                    endsWithCommandName = false
                }
                index = next
                continue
            }
            if c.isASCIILetter {
                if out.last.map({ !$0.isASCIILetter }) ?? true { endsWithCommandName = out.last == "\\" }
            } else {
                endsWithCommandName = false
            }
            out.append(c)
            index += 1
        }
        return String(out)
    }

    // MARK: - Numbers

    /// `2 1/2` and `2\frac{1}{2}` style mixed numbers, written as `2\frac{1}{2}`; `nil` otherwise.
    static func mixedNumber(_ text: String) -> String? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let whole = Int(parts[0]), whole >= 0 || parts[0].hasPrefix("-") else { return nil }
        let fraction = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard fraction.count == 2, let numerator = UInt(fraction[0]), let denominator = UInt(fraction[1]),
            denominator > 0
        else { return nil }
        return "\(parts[0])\\frac{\(numerator)}{\(denominator)}"
    }

    /// A leading number followed only by words (units): `9 apples` → `9`, `5 cm` → `5`.
    /// Single letters (`2 x`) and `pi` are not units.
    static func leadingNumberBeforeWords(_ text: String) -> String? {
        let chars = Array(text)
        guard let token = NumberToken.scan(chars, from: 0), token.end < chars.count, chars[token.end] == " " else {
            return nil
        }
        let rest = String(chars[token.end...]).trimmingCharacters(in: .whitespaces)
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "-" })
        guard !words.isEmpty,
            words.allSatisfy({ word in
                word.count >= 2 && word.allSatisfy({ $0.isLetter || $0 == "." || $0 == "'" })
            }),
            !words.contains(where: { ["pi", "and", "or", "to"].contains($0.lowercased()) })
        else { return nil }
        return String(chars[..<token.end])
    }

    /// The canonical decimal spelling of a plain number, or `nil` when `text` is not one.
    ///
    /// Accepts an optional sign, digits with optional thousands separators (`1,250`), an optional fraction
    /// and an optional trailing `%`. Trailing fraction zeros and a trailing point are dropped, leading zeros
    /// of the integer part are dropped, `-0` becomes `0`. Scientific notation is left as it is.
    static func canonicalNumber(_ text: String) -> String? {
        let chars = Array(text)
        guard let token = NumberToken.scan(chars, from: 0, allowThousands: true), token.end == chars.count,
            !token.hasExponent
        else { return nil }
        return token.canonical
    }

    /// Spelled-out numbers a model may give as its answer.
    static let numberWords: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
        "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    ]

    static func isNumberWord(_ text: String) -> Bool {
        numberWords[text.trimmingCharacters(in: .whitespaces).lowercased()] != nil
    }

    /// The value of a spelled-out number from zero to ninety-nine, or one hundred; `nil` otherwise.
    static func numberWordValue(_ text: String) -> Int? {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        if let value = numberWords[lowered] { return value }
        let parts = lowered.split(whereSeparator: { $0 == "-" || $0 == " " })
        guard parts.count == 2, let tens = numberWords[String(parts[0])], tens >= 20, tens % 10 == 0,
            let units = numberWords[String(parts[1])], (1...9).contains(units)
        else { return nil }
        return tens + units
    }
}

extension Character {
    /// Whether this is one of `a`–`z`, `A`–`Z`.
    var isASCIILetter: Bool {
        guard let ascii = asciiValue else { return false }
        return (ascii >= 65 && ascii <= 90) || (ascii >= 97 && ascii <= 122)
    }

    /// Whether this is one of `0`–`9`.
    var isASCIIDigit: Bool {
        guard let ascii = asciiValue else { return false }
        return ascii >= 48 && ascii <= 57
    }

    /// Whether this is a tab or a space separator (Unicode Zs): what `CharacterSet.whitespaces` trims.
    var isHorizontalSpace: Bool {
        unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
}
