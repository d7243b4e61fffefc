import Foundation

/// Extracts a math answer (a number or an expression) from a model's text.
///
/// The text is first cut where the model starts a new few-shot exchange (`\n\nQ: …`) or emits an
/// end-of-turn marker, and GSM8K calculator notes (`<<6*4=24>>`) are removed. Then the first rule that
/// yields an answer wins:
/// 1. ``ExtractionRule/finalAnswer``: the text after the last "final answer is" / "Final answer:";
/// 2. ``ExtractionRule/boxed``: the content of the last brace-matched `\boxed{…}` (or `\fbox{…}`);
/// 3. ``ExtractionRule/answerIs``: the text after the last "the answer is", "Answer:", "answer would be"…;
/// 4. ``ExtractionRule/hashes``: the text after the last `####`;
/// 5. ``ExtractionRule/lastNumber``: the last number of the text (a trailing `\frac{a}{b}` as a whole;
///    list markers such as the `3` of "3. Subtract …" are not numbers of the text).
///
/// The text after a phrase is read up to the end of its sentence and unwrapped: markdown (`**73**`),
/// math delimiters (`$73$`), `\text{73}`, currency (`\$`, `$`), units (`9 apples`, `10\text{ cm}`),
/// degree signs, thousands separators and a trailing period. After `=` only the right side is kept
/// (`8 + 5 = 13` → `13`); before `\approx` only the left. A phrase followed by prose instead of a value
/// ("the answer is N where N is a number") yields nothing, and the next rule is tried. When no rule
/// applies, the outcome is ``ExtractionOutcome/noAnswer``.
public struct MathAnswerExtractor: AnswerExtractor {
    public init() {}

    public func extract(from text: String) -> ExtractionOutcome {
        let body = CompletionText.prepared(text)
        guard body.contains(where: { !$0.isWhitespace }) else { return .noAnswer }
        if let answer = afterPhrase(body, .finalAnswer) { return .answer(answer, rule: .finalAnswer) }
        if let answer = boxed(body) { return .answer(answer, rule: .boxed) }
        if let answer = afterPhrase(body, .answerIs) { return .answer(answer, rule: .answerIs) }
        if let answer = afterPhrase(body, .hashes) { return .answer(answer, rule: .hashes) }
        if let answer = lastNumber(body) { return .answer(answer, rule: .lastNumber) }
        return .noAnswer
    }

    /// Normalises a math answer given directly (a gold answer, a boxed content, a user's string) the way
    /// extraction normalises what it finds; `nil` when nothing is left.
    public static func answer(fromValue text: String) -> Answer? {
        let normalized = MathText.normalize(text)
        guard !normalized.isEmpty else { return nil }
        return Answer(raw: text, normalized: normalized, numericValue: numericValue(of: normalized))
    }

    /// The numeric value of a normalised answer: plain numbers (a `%` divides by 100), fractions and
    /// other constant expressions (`2\sqrt{3}`); `nil` for expressions with variables, lists and text.
    public static func numericValue(of normalized: String) -> Double? {
        let chars = Array(normalized)
        if let token = NumberToken.scan(chars, from: 0), token.end == chars.count { return token.value }
        guard let expression = MathExpression.parse(normalized, syntax: .latex), expression.variables.isEmpty
        else { return nil }
        let value = expression.evaluate()
        return value.isFinite ? value : nil
    }

    // MARK: - Phrases

    /// The answer after the last occurrence of `phrase` that is followed by a value (earlier occurrences
    /// are tried when the last one is followed by prose, at most ``ExtractionLimits/phraseTries`` of them).
    private func afterPhrase(_ body: String, _ phrase: PhrasePattern) -> Answer? {
        for end in phrase.matchEnds(in: body).suffix(ExtractionLimits.phraseTries).reversed() {
            let fragment = Self.fragment(after: end, in: body)
            if let answer = Self.interpret(fragment) { return answer }
        }
        return nil
    }

    /// The rest of the line after `index`; when that is empty (or only markup), the next non-empty line
    /// (within ``ExtractionLimits/fragmentCharacters`` of `index`).
    static func fragment(after index: String.Index, in body: String) -> String {
        let rest = body[index...].prefix(ExtractionLimits.fragmentCharacters)
        let lineEnd = rest.firstIndex(of: "\n") ?? rest.endIndex
        let line = rest[..<lineEnd]
        if line.contains(where: { !$0.isWhitespace && !"*_:$`#".contains($0) }) { return String(line) }
        let following = rest[lineEnd...].split(separator: "\n").first(where: {
            $0.contains(where: { !$0.isWhitespace && !"*_:$`#".contains($0) })
        })
        return following.map { String(line) + " " + String($0) } ?? String(line)
    }

    // MARK: - Boxed

    private func boxed(_ body: String) -> Answer? {
        let chars = Array(body)
        for (start, content) in Self.boxedContents(chars).reversed() {
            if let answer = Self.interpretBoxed(content, raw: String(chars[start.lowerBound..<start.upperBound])) {
                return answer
            }
        }
        return nil
    }

    /// Every `\boxed{…}` / `\fbox{…}` with balanced braces (or `\boxed 5`), as (range of the whole
    /// command, content), in text order. Unbalanced ones (a truncated path) are skipped.
    static func boxedContents(_ chars: [Character]) -> [(Range<Int>, String)] {
        var found: [(Range<Int>, String)] = []
        // Each brace's partner, found in one pass when the first `\boxed{` needs it: searching from every
        // `\boxed{` of an unbalanced text would read the rest of the text once per command.
        var partners: [Int]?
        var index = 0
        while index < chars.count {
            guard chars[index] == "\\", let (name, next) = MathText.commandName(chars, at: index),
                name == "boxed" || name == "fbox"
            else {
                index += 1
                continue
            }
            if next < chars.count, chars[next] == "{" {
                if partners == nil { partners = MathText.matchingBraces(chars) }
                if let close = partners.map({ $0[next] }), close >= 0 {
                    found.append((index..<(close + 1), String(chars[(next + 1)..<close])))
                    index = close + 1
                    continue
                }
            } else if next > index + name.count + 1 {
                // `\boxed 5`: the argument is the next token.
                var end = next
                while end < chars.count, !chars[end].isWhitespace, chars[end] != "$" { end += 1 }
                if end > next { found.append((index..<end, String(chars[next..<end]))) }
            }
            index = next
        }
        return found
    }

    private static func interpretBoxed(_ content: String, raw: String) -> Answer? {
        let normalized = MathText.normalize(content)
        guard !normalized.isEmpty else { return nil }
        return Answer(raw: raw, normalized: normalized, numericValue: numericValue(of: normalized))
    }

    // MARK: - Reading the text after a phrase

    /// Reads the value at the start of `fragment` (see the type's documentation); `nil` for prose.
    static func interpret(_ fragment: String) -> Answer? {
        let sentence = cutSentence(trimLeadingNoise(fragment))
        let raw = sentence.trimmingCharacters(in: .whitespaces)
        guard !raw.isEmpty else { return nil }
        let chars = Array(raw)
        if let (_, content) = boxedContents(chars).last {
            return interpretBoxed(content, raw: raw)
        }
        var value = raw.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
        value = value.replacingOccurrences(of: "`", with: "")
        value = leadingMathSpan(value)
        value = afterLastEquals(value)
        if let number = leadingNumber(value) {
            return Answer(raw: raw, normalized: number, numericValue: numericValue(of: number))
        }
        if let word = MathText.numberWordValue(MathText.unwrap(value)) {
            return Answer(raw: raw, normalized: String(word), numericValue: Double(word))
        }
        let normalized = MathText.normalize(value)
        guard !normalized.isEmpty, isPlausibleValue(value, normalized: normalized) else { return nil }
        return Answer(raw: raw, normalized: normalized, numericValue: numericValue(of: normalized))
    }

    /// Drops whitespace, colons, equals signs and markup before the value.
    static func trimLeadingNoise(_ text: String) -> String {
        var s = Substring(text)
        while let first = s.first, first.isWhitespace || ":=*_`#".contains(first) { s = s.dropFirst() }
        return String(s)
    }

    /// The text up to the end of its sentence: a `.`, `!` or `?` followed by a space or the end, a line
    /// break, or a `,`/`;` followed by a word of three or more letters, outside brackets and braces.
    static func cutSentence(_ text: String) -> String {
        let chars = Array(text)
        var depth = 0
        var index = 0
        while index < chars.count {
            let c = chars[index]
            let next: Character? = index + 1 < chars.count ? chars[index + 1] : nil
            if c == "\\", next != nil, "{}".contains(next!) {
                index += 2
                continue
            }
            if "({[".contains(c) { depth += 1 }
            if ")}]".contains(c) { depth = max(0, depth - 1) }
            if c == "\n" { break }
            if depth == 0 {
                if ".!?".contains(c), next == nil || next!.isWhitespace || next == "$" || next == "*" {
                    if !(c == "." && index > 0 && chars[index - 1] == "\\") { break }
                }
                if ",;".contains(c), next == " ", startsWord(chars, at: index + 2, minimum: 3) { break }
            }
            index += 1
        }
        return String(chars[..<index])
    }

    private static func startsWord(_ chars: [Character], at index: Int, minimum: Int) -> Bool {
        var end = index
        while end < chars.count, chars[end].isLetter { end += 1 }
        return end - index >= minimum && (index == 0 || chars[index - 1] != "\\")
    }

    /// When `text` starts with `$…$`, `$$…$$`, `\(…\)` or `\[…\]`, the content of that span (or the rest
    /// when it is not closed); otherwise `text`.
    static func leadingMathSpan(_ text: String) -> String {
        let s = text.trimmingCharacters(in: .whitespaces)
        for (open, close) in [("$$", "$$"), ("\\(", "\\)"), ("\\[", "\\]"), ("$", "$")] where s.hasPrefix(open) {
            let rest = s.dropFirst(open.count)
            if let end = rest.range(of: close) { return String(rest[..<end.lowerBound]) }
            return String(rest)
        }
        return s
    }

    /// The part after the last top-level `=` (`8+5=13` → `13`, `x = 3` → `3`), and before a top-level
    /// `\approx` or `≈`.
    static func afterLastEquals(_ text: String) -> String {
        var s = text
        for approx in ["\\approx", "≈"] {
            if let range = s.range(of: approx), !s[..<range.lowerBound].trimmingCharacters(in: .whitespaces).isEmpty {
                s = String(s[..<range.lowerBound])
            }
        }
        let chars = Array(s)
        var depth = 0
        var lastEquals: Int?
        for (index, c) in chars.enumerated() {
            if "({[".contains(c) { depth += 1 }
            if ")}]".contains(c) { depth = max(0, depth - 1) }
            let partOfComparison = index > 0 && "<>!=\\".contains(chars[index - 1])
                || index + 1 < chars.count && chars[index + 1] == "="
            if c == "=", depth == 0, !partOfComparison { lastEquals = index }
        }
        guard let lastEquals, lastEquals + 1 < chars.count else { return s }
        let right = String(chars[(lastEquals + 1)...])
        return right.trimmingCharacters(in: .whitespaces).isEmpty ? s : right
    }

    /// A number at the start of `text` followed only by units, words or punctuation: `18`, `$18.00`,
    /// `1,250 dollars`, `3/4 cup`, `2 1/2`, `50\%`, `90^\circ`. Returns its canonical spelling; `nil`
    /// when the number continues into an expression (`2\sqrt{3}`, `4a-2`, `12\frac{3}{5}`).
    static func leadingNumber(_ text: String) -> String? {
        var chars = Array(text.trimmingCharacters(in: .whitespaces))
        for prefix in ["\\$", "US$", "$", "USD", "£", "€", "~"] where chars.starts(with: Array(prefix)) {
            chars.removeFirst(prefix.count)
            chars.removeFirst(chars.prefix(while: { $0 == " " }).count)  // at once: one by one is quadratic
            break
        }
        // `-$18`, `$-18`: a sign before the currency.
        if chars.starts(with: Array("-$")) || chars.starts(with: Array("-\\$")) {
            chars.removeSubrange(1..<(chars[1] == "$" ? 2 : 3))
        }
        guard let token = NumberToken.scan(chars, from: 0) else { return nil }
        var end = token.end
        var spelled = token.canonical
        if !token.percent, chars[end...].starts(with: Array("\\%")) {
            spelled += "%"
            end += 2
        }
        if !token.percent, !token.hasExponent, token.fractionDigits.isEmpty, end < chars.count, chars[end] == "/",
            let denominator = NumberToken.scan(chars, from: end + 1, allowThousands: false),
            !denominator.negative, denominator.fractionDigits.isEmpty, !denominator.hasExponent,
            !denominator.percent, chars.count > end + 1, chars[end + 1].isASCIIDigit
        {
            spelled += "/" + denominator.canonical
            end = denominator.end
        } else if !token.percent, token.fractionDigits.isEmpty, end + 1 < chars.count, chars[end] == " ",
            let numerator = NumberToken.scan(chars, from: end + 1, allowThousands: false), !numerator.negative,
            numerator.fractionDigits.isEmpty, numerator.end < chars.count, chars[numerator.end] == "/",
            let denominator = NumberToken.scan(chars, from: numerator.end + 1, allowThousands: false),
            !denominator.negative, denominator.fractionDigits.isEmpty
        {
            spelled = "\(token.canonical)\\frac{\(numerator.canonical)}{\(denominator.canonical)}"
            end = denominator.end
        }
        guard restIsTerminal(Array(chars[end...])) else { return nil }
        return spelled
    }

    /// Whether what follows a number ends it: nothing, punctuation, a closing `$`, a degree sign, a
    /// `\text{…}`-style unit, or a space and a word.
    private static func restIsTerminal(_ rest: [Character]) -> Bool {
        guard let first = rest.first else { return true }
        if ".,;:!?)]$'\"".contains(first) { return true }
        let text = String(rest)
        for degree in ["^\\circ", "^{\\circ}", "°", "\\circ", "^\\degree", "\\degree"] where text.hasPrefix(degree) {
            return true
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return true }
        for command in MathText.textCommands where trimmed.hasPrefix(command + "{") || trimmed.hasPrefix(command + " {") {
            return true
        }
        if first.isWhitespace, let word = trimmed.first, word.isLetter || "($".contains(word) { return true }
        if first.isWhitespace, trimmed.hasPrefix("\\$") || trimmed.hasPrefix("\\(") || trimmed.hasPrefix("\\quad") {
            return true
        }
        return false
    }

    /// Whether a fragment that is not a plain number still reads as a value rather than prose: no more
    /// than two words, and no words at all next to digits ("8 + 5 is 13" is prose).
    static func isPlausibleValue(_ value: String, normalized: String) -> Bool {
        guard normalized.count <= 120 else { return false }
        let words = proseWords(in: value)
        if words >= 3 { return false }
        if words >= 1 && value.contains(where: \.isASCIIDigit) { return false }
        if words >= 1 { return true }
        if MathExpression.parse(normalized, syntax: .latex) != nil { return true }
        if MathList(normalized) != nil { return true }
        return normalized.contains("\\") || normalized.count <= 24
    }

    /// Runs of two or more letters standing alone between spaces, punctuation or the text's ends (so
    /// command names such as `\frac`, `\text{…}` arguments and products such as `2xy` are not words).
    static func proseWords(in text: String) -> Int {
        let chars = Array(text)
        var count = 0
        var index = 0
        while index < chars.count {
            guard chars[index].isLetter else {
                index += 1
                continue
            }
            var end = index
            while end < chars.count, chars[end].isLetter || chars[end] == "'" { end += 1 }
            let before: Character = index > 0 ? chars[index - 1] : " "
            let after: Character = end < chars.count ? chars[end] : " "
            let standsAlone =
                (before.isWhitespace || "(\"'".contains(before)) && (after.isWhitespace || ".,;:!?)\"'".contains(after))
            if end - index >= 2, standsAlone { count += 1 }
            index = end
        }
        return count
    }

    // MARK: - Last number

    private func lastNumber(_ body: String) -> Answer? {
        let chars = Array(body)
        var last: (start: Int, end: Int, spelled: String)?
        var index = 0
        while index < chars.count {
            let c = chars[index]
            let next: Character? = index + 1 < chars.count ? chars[index + 1] : nil
            let startsNumber =
                c.isASCIIDigit || (c == "-" && next?.isASCIIDigit == true)
                || (c == "." && next?.isASCIIDigit == true)
            let before: Character = index > 0 ? chars[index - 1] : " "
            let boundary = !before.isLetter && !before.isASCIIDigit && before != "." && before != "_"
                && !(c == "-" && (before == ")" || before == "}"))
            guard startsNumber, boundary, let token = NumberToken.scan(chars, from: index) else {
                index += 1
                continue
            }
            var end = token.end
            var spelled = token.canonical
            if !token.percent, token.fractionDigits.isEmpty, end + 1 < chars.count, chars[end] == "/",
                chars[end + 1].isASCIIDigit,
                let denominator = NumberToken.scan(chars, from: end + 1, allowThousands: false),
                denominator.fractionDigits.isEmpty, !denominator.percent
            {
                spelled += "/" + denominator.canonical
                end = denominator.end
            }
            if !Self.isListMarker(chars, start: index, end: end) { last = (index, end, spelled) }
            index = max(end, index + 1)
        }
        guard let last else { return nil }
        if let fraction = Self.enclosingFraction(chars, numberStart: last.start, numberEnd: last.end) {
            let normalized = MathText.normalize(fraction)
            return Answer(raw: fraction, normalized: normalized, numericValue: Self.numericValue(of: normalized))
        }
        let raw = String(chars[last.start..<last.end])
        return Answer(raw: raw, normalized: last.spelled, numericValue: Self.numericValue(of: last.spelled))
    }

    /// Whether the number at `start..<end` numbers a list item ("3. Subtract …", "2) Add …"): it begins
    /// its line (after spaces and bullets), is followed by `.` or `)` and a space, and is a small integer.
    static func isListMarker(_ chars: [Character], start: Int, end: Int) -> Bool {
        guard end + 1 < chars.count, ".)".contains(chars[end]), chars[end + 1] == " ",
            end - start <= 2, chars[start..<end].allSatisfy(\.isASCIIDigit)
        else { return false }
        var index = start
        while index > 0, chars[index - 1] != "\n" {
            guard chars[index - 1] == " " || chars[index - 1] == "\t" || chars[index - 1] == "*" else { return false }
            index -= 1
        }
        return true
    }

    /// When the number at `numberStart..<numberEnd` is the denominator of a `\frac{…}{…}` that ends right
    /// after it, that whole fraction (with a sign or whole part written before it).
    static func enclosingFraction(_ chars: [Character], numberStart: Int, numberEnd: Int) -> String? {
        guard numberEnd < chars.count, chars[numberEnd] == "}", numberStart >= 1, chars[numberStart - 1] == "{"
        else { return nil }
        var index = numberStart - 1
        while index >= 0 {
            if chars[index] == "\\", let (name, open) = MathText.commandName(chars, at: index),
                ["frac", "dfrac", "tfrac"].contains(name), let firstClose = MathText.matchingBrace(chars, open: open),
                firstClose + 1 == numberStart - 1, let secondClose = MathText.matchingBrace(chars, open: firstClose + 1),
                secondClose == numberEnd
            {
                var start = index
                if start > 0, chars[start - 1] == "-" { start -= 1 }
                return String(chars[start...secondClose])
            }
            if numberStart - index > 200 { break }
            index -= 1
        }
        return nil
    }
}
