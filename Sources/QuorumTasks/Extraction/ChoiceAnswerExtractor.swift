import Foundation

/// Extracts the chosen option of a multiple-choice problem, as the option's label.
///
/// The text is cut like a math completion (few-shot continuations, end-of-turn markers). Then the first
/// rule that yields an option wins:
/// 1. ``ExtractionRule/wholeLabel``: the whole text is a label (`B`, `(b)`, `**C.**`, `Option 2`);
/// 2. ``ExtractionRule/answerIs``: after the last "answer is", "Answer:", "answer seems to be",
///    "correct option is", "I choose"…: a label (`B`, `(B)`, `**B**`, `option B`), or else the text of
///    exactly one option ("the answer is a magnet");
/// 3. ``ExtractionRule/boldLabel``: the last `**B**` (also `**B.**`, `**(B)**`);
/// 4. ``ExtractionRule/bracketedLabel``: the last `(B)` or `B)`;
/// 5. ``ExtractionRule/optionText``: the last sentence that mentions option texts, when it mentions
///    exactly one option.
///
/// Labels compare case-insensitively. The article "a" is not the label `A`: in "the answer is a magnet"
/// the `a` is followed by a word, so the option whose text is "a magnet" (or "magnet") is meant. Lines
/// that list the options ("A. the atom: …", "* **B.** …") are not answers. A sentence that names two
/// labels or two options ("options (A) and (C) are wrong") is not an answer either. When nothing applies
/// the outcome is ``ExtractionOutcome/noAnswer``.
public struct ChoiceAnswerExtractor: AnswerExtractor {
    /// The options; labels `A`–`E` with empty texts when the problem gave none.
    public let choices: [Choice]

    /// - Parameter choices: the problem's options in order; empty means labels `A`–`E` without texts.
    public init(choices: [Choice]) {
        self.choices = choices.isEmpty ? ["A", "B", "C", "D", "E"].map { Choice(label: $0, text: "") } : choices
    }

    public func extract(from text: String) -> ExtractionOutcome {
        let body = CompletionText.prepared(text)
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .noAnswer }
        if let bare = ChoiceEquivalence.label(trimmed), let choice = choice(labelled: bare) {
            return answer(choice, raw: trimmed, rule: .wholeLabel)
        }
        let chars = Array(body)
        if let (choice, raw) = afterAnswerPhrase(body, chars) { return answer(choice, raw: raw, rule: .answerIs) }
        if let (choice, raw) = lastDecoratedLabel(chars, bold: true) {
            return answer(choice, raw: raw, rule: .boldLabel)
        }
        if let (choice, raw) = lastDecoratedLabel(chars, bold: false) {
            return answer(choice, raw: raw, rule: .bracketedLabel)
        }
        if let (choice, raw) = lastOptionMention(body) { return answer(choice, raw: raw, rule: .optionText) }
        return .noAnswer
    }

    private func answer(_ choice: Choice, raw: String, rule: ExtractionRule) -> ExtractionOutcome {
        .answer(Answer(raw: raw, normalized: choice.label), rule: rule)
    }

    /// The option whose label is `label` (case-insensitive for letters, `01` = `1` for numbers).
    func choice(labelled label: String) -> Choice? {
        choices.first { ChoiceEquivalence.label($0.label) == label || $0.label.lowercased() == label.lowercased() }
    }

    // MARK: - Answer phrases

    private func afterAnswerPhrase(_ body: String, _ chars: [Character]) -> (Choice, String)? {
        var ends: [Int] = []
        for pattern in [PhrasePattern.choiceAnswer, .choose] {
            // Character offsets counted on from the previous match (one pass over the text, not one per match).
            var offset = 0
            var previous = body.startIndex
            for end in pattern.matchEnds(in: body) {
                offset += body.distance(from: previous, to: end)
                previous = end
                ends.append(offset)
            }
        }
        for end in ends.sorted().suffix(ExtractionLimits.phraseTries).reversed() {
            if let found = labelOrOption(chars, at: end) { return found }
        }
        return nil
    }

    /// A label right at `index` (after spaces, markup, an opening bracket and the words "option" or
    /// "choice"), or else the only option whose text the rest of the sentence mentions.
    private func labelOrOption(_ chars: [Character], at index: Int) -> (Choice, String)? {
        var i = index
        func skip(_ allowed: (Character) -> Bool) { while i < chars.count, allowed(chars[i]) { i += 1 } }
        skip { $0 == " " || $0 == "\t" || "*_`:".contains($0) }
        // The label may sit alone on the next line ("Answer:\nB").
        if i < chars.count, chars[i] == "\n" {
            var lineEnd = i + 1
            while lineEnd < chars.count, chars[lineEnd] != "\n", lineEnd - i <= ExtractionLimits.fragmentCharacters {
                lineEnd += 1
            }
            let nextLine = String(chars[(i + 1)..<lineEnd]).trimmingCharacters(in: .whitespaces)
            guard nextLine.count <= 14 else { return nil }
            i += 1
            skip { $0 == " " || $0 == "\t" || "*_`".contains($0) }
        }
        for word in ["option", "choice", "letter"] {
            let w = Array(word)
            if i + w.count < chars.count, chars[i..<(i + w.count)].map({ Character($0.lowercased()) }) == w,
                !chars[i + w.count].isLetter
            {
                i += w.count
                skip { $0 == " " }
            }
        }
        skip { "*_`([".contains($0) || $0 == " " }
        let sentenceEnd = Self.sentenceEnd(chars, from: i)
        let sentence = String(chars[i..<sentenceEnd])
        if let (label, end) = labelToken(chars, at: i) {
            // "a"/"A" followed by a word may be the article: "the answer is a magnet".
            var isArticle = false
            if label.lowercased() == "a", let word = Self.followingWord(chars, after: end),
                !Self.wordsAfterALabel.contains(word.lowercased())
            {
                let named = optionStarting(chars, at: end + 1)
                if let named, ChoiceEquivalence.label(named.label) != label {
                    return (named, sentence.trimmingCharacters(in: .whitespaces))
                }
                // Lower-case "a" before a word is the article; upper-case "A" is the label unless the
                // words after it are another option's text (handled above).
                isArticle = chars[i] == "a" && named == nil
            }
            if !isArticle, let choice = choice(labelled: label) {
                return (choice, String(chars[index..<min(end + 1, chars.count)]).trimmingCharacters(in: .whitespaces))
            }
        }
        if let choice = uniqueOption(in: sentence) { return (choice, sentence.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// A single-letter label, or a label of one or two digits, at `index` and not part of a longer word.
    private func labelToken(_ chars: [Character], at index: Int) -> (String, Int)? {
        guard index < chars.count else { return nil }
        var end = index
        if chars[index].isASCIILetter {
            end = index + 1
        } else {
            while end < chars.count, chars[end].isASCIIDigit, end - index < 2 { end += 1 }
        }
        guard end > index else { return nil }
        if end < chars.count, chars[end].isLetter || chars[end].isASCIIDigit || chars[end] == "'" { return nil }
        let token = String(chars[index..<end])
        guard let label = ChoiceEquivalence.label(token), choice(labelled: label) != nil else { return nil }
        return (label, end)
    }

    /// The word that follows `end` after one space (a label followed by a word may be an article).
    private static func followingWord(_ chars: [Character], after end: Int) -> String? {
        guard end + 1 < chars.count, chars[end] == " ", chars[end + 1].isLetter else { return nil }
        var wordEnd = end + 1
        while wordEnd < chars.count, chars[wordEnd].isLetter { wordEnd += 1 }
        return String(chars[(end + 1)..<wordEnd])
    }

    /// The end of the sentence that starts at `from`: `.`/`!`/`?` followed by a space, or a line break
    /// (at most ``ExtractionLimits/fragmentCharacters`` on).
    private static func sentenceEnd(_ chars: [Character], from: Int) -> Int {
        var index = from
        while index < chars.count, index - from < ExtractionLimits.fragmentCharacters {
            let c = chars[index]
            if c == "\n" { break }
            if ".!?".contains(c), index + 1 == chars.count || chars[index + 1].isWhitespace { break }
            index += 1
        }
        return index
    }

    // MARK: - Decorated labels

    /// The `**B**`-style (bold) or `(B)`/`B)`-style (bracketed) label of the concluding line (see
    /// ``concludingLine(_:)``); `nil` when there is none or when that line names another label the same way.
    private func lastDecoratedLabel(_ chars: [Character], bold: Bool) -> (Choice, String)? {
        guard let line = Self.concludingLine(chars) else { return nil }
        var found: [(start: Int, end: Int, label: String)] = []
        var index = line.lowerBound
        while index < line.upperBound {
            if let hit = bold ? boldLabel(chars, at: index) : bracketedLabel(chars, at: index), hit.end <= line.upperBound {
                if !Self.isRuledOut(chars, before: hit.start) { found.append(hit) }
                index = hit.end
            } else {
                index += 1
            }
        }
        guard let last = found.last, Set(found.map(\.label)).count == 1, let choice = choice(labelled: last.label) else {
            return nil
        }
        return (choice, String(chars[last.start..<last.end]))
    }

    /// Whether the words just before `index` rule the label out ("eliminating (A)", "not (B)").
    static func isRuledOut(_ chars: [Character], before index: Int) -> Bool {
        let window = String(chars[max(0, index - 24)..<index]).lowercased()
        return ["eliminat", "not ", "except", "rule out", "rules out", "ruling out", "rather than", "instead of"]
            .contains { window.contains($0) }
    }

    /// The range of the text's last non-empty line when it reads as a conclusion: not an item of a list
    /// (bullets, `1.`, `A.`), and either the whole text or holding a word that concludes ("answer",
    /// "correct", "best", "therefore", "only", …). Mentions of labels and options elsewhere (the model
    /// weighing each option in turn) are never taken as its answer.
    static func concludingLine(_ chars: [Character]) -> Range<Int>? {
        var end = chars.count
        while end > 0, chars[end - 1].isWhitespace { end -= 1 }
        guard end > 0 else { return nil }
        var start = end
        while start > 0, chars[start - 1] != "\n" { start -= 1 }
        var content = start
        while content < end, chars[content].isWhitespace { content += 1 }
        let line = String(chars[content..<end])
        let wholeText = !chars[..<start].contains(where: { !$0.isWhitespace })
        if wholeText { return content..<end }
        if let first = line.first, "*-•>".contains(first), line.count > 1, line.dropFirst().first == " " { return nil }
        if line.range(of: #"^\(?[0-9]{1,2}[.)]\s"#, options: .regularExpression) != nil { return nil }
        if line.range(of: #"^\**\(?[A-Za-z][.):]\**\s+\S"#, options: .regularExpression) != nil { return nil }
        let lowered = line.lowercased()
        let cues = [
            "answer", "correct", "best", "therefore", "thus", "hence", "so the", "only", "choose", "pick",
            "select", "right one", "most likely", "conclusion",
        ]
        return cues.contains(where: { lowered.contains($0) }) ? content..<end : nil
    }

    /// `**B**`, `**B.**`, `**B)**`, `**(B)**` at `index`.
    private func boldLabel(_ chars: [Character], at index: Int) -> (start: Int, end: Int, label: String)? {
        guard index + 4 < chars.count, chars[index] == "*", chars[index + 1] == "*" else { return nil }
        var i = index + 2
        let open = i < chars.count && chars[i] == "("
        if open { i += 1 }
        guard let (label, end) = labelToken(chars, at: i) else { return nil }
        var j = end
        if open {
            guard j < chars.count, chars[j] == ")" else { return nil }
            j += 1
        } else if j < chars.count, ".):".contains(chars[j]) {
            j += 1
        }
        guard j + 1 < chars.count, chars[j] == "*", chars[j + 1] == "*" else { return nil }
        return (index, j + 2, label)
    }

    /// `(B)` or `B)` at `index`, not inside a word.
    private func bracketedLabel(_ chars: [Character], at index: Int) -> (start: Int, end: Int, label: String)? {
        let before: Character = index > 0 ? chars[index - 1] : " "
        if chars[index] == "(" {
            guard let (label, end) = labelToken(chars, at: index + 1), end < chars.count, chars[end] == ")" else {
                return nil
            }
            return (index, end + 1, label)
        }
        guard !before.isLetter, !before.isASCIIDigit, let (label, end) = labelToken(chars, at: index),
            end < chars.count, chars[end] == ")"
        else { return nil }
        return (index, end + 1, label)
    }

    /// Whether the label at `start..<end` begins a line (after bullets and markup) and more text follows
    /// it on that line: a listing of the options, not an answer.
    private static func isListing(_ chars: [Character], start: Int, end: Int) -> Bool {
        var lineStart = start
        while lineStart > 0, chars[lineStart - 1] != "\n" { lineStart -= 1 }
        let prefix = chars[lineStart..<start]
        guard prefix.allSatisfy({ $0.isWhitespace || "*-•>#_`".contains($0) || $0.isASCIIDigit || $0 == "." })
        else { return false }
        var lineEnd = end
        while lineEnd < chars.count, chars[lineEnd] != "\n" { lineEnd += 1 }
        let rest = String(chars[end..<lineEnd]).trimmingCharacters(in: CharacterSet(charactersIn: " \t*_.:)"))
        return !rest.isEmpty
    }

    private static func sentenceStart(_ chars: [Character], before index: Int) -> Int {
        var i = index
        while i > 0 {
            let c = chars[i - 1]
            if c == "\n" { break }
            if ".!?".contains(c), i < chars.count, chars[i].isWhitespace { break }
            i -= 1
        }
        return i
    }

    // MARK: - Option texts

    /// The comparison key of an option text: lower-cased, whitespace collapsed, a leading article and
    /// trailing punctuation removed.
    static func optionKey(_ text: String) -> String {
        var words = text.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
        if let first = words.first, ["a", "an", "the"].contains(first), words.count > 1 { words.removeFirst() }
        return words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?\"'"))
    }

    /// Where each option's key occurs in `text`, word-bounded; a mention inside a longer option's mention
    /// is dropped ("dog" inside "hot dog").
    private func optionMentions(in text: String) -> [(choice: Int, range: Range<Int>)] {
        let lowered = Array(text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " "))
        var mentions: [(choice: Int, range: Range<Int>)] = []
        for (index, choice) in choices.enumerated() {
            let key = Array(Self.optionKey(choice.text))
            guard key.count >= 2 else { continue }
            var start = 0
            while start + key.count <= lowered.count {
                if lowered[start] == key[0], Array(lowered[start..<(start + key.count)]) == key {
                    let before: Character = start > 0 ? lowered[start - 1] : " "
                    let afterIndex = start + key.count
                    let after: Character = afterIndex < lowered.count ? lowered[afterIndex] : " "
                    if !before.isLetter && !before.isNumber && !after.isLetter && !after.isNumber {
                        mentions.append((index, start..<afterIndex))
                    }
                }
                start += 1
            }
        }
        return mentions.filter { mention in
            !mentions.contains { other in
                other.choice != mention.choice && other.range.count > mention.range.count
                    && other.range.lowerBound <= mention.range.lowerBound
                    && other.range.upperBound >= mention.range.upperBound
            }
        }
    }

    /// The only option mentioned in `sentence`, or `nil` for none or several.
    private func uniqueOption(in sentence: String) -> Choice? {
        let distinct = Set(optionMentions(in: sentence).map(\.choice))
        guard distinct.count == 1, let index = distinct.first else { return nil }
        return choices[index]
    }

    /// Words that follow a label but never follow the article "a" ("A because …", "a since …").
    static let wordsAfterALabel: Set<String> = [
        "because", "since", "as", "and", "or", "is", "was", "which", "due", "given", "so", "but", "seems",
        "appears", "fits", "matches", "here", "too", "also",
    ]

    /// The option whose text starts at `index` (compared like ``optionKey(_:)``, word-bounded).
    private func optionStarting(_ chars: [Character], at index: Int) -> Choice? {
        guard index < chars.count else { return nil }
        let rest = Array(String(chars[index..<min(chars.count, index + 400)]).lowercased())
        let candidates = choices.filter { !Self.optionKey($0.text).isEmpty }.sorted {
            Self.optionKey($0.text).count > Self.optionKey($1.text).count
        }
        for choice in candidates {
            let key = Array(Self.optionKey(choice.text))
            guard rest.count >= key.count, Array(rest[0..<key.count]) == key else { continue }
            if key.count < rest.count, rest[key.count].isLetter || rest[key.count].isNumber { continue }
            return choice
        }
        return nil
    }

    /// The option named in the concluding line, when it names exactly one.
    private func lastOptionMention(_ body: String) -> (Choice, String)? {
        let chars = Array(body)
        guard let line = Self.concludingLine(chars) else { return nil }
        let text = String(chars[line])
        // "Option B is wrong because heat does not …": a negated line names options it rejects.
        let lowered = text.lowercased()
        let negations = ["not ", "n't", "wrong", "incorrect", "eliminat", "cannot", "unlikely", "rule out", "rules out"]
        guard !negations.contains(where: { lowered.contains($0) }) else { return nil }
        guard let choice = uniqueOption(in: text) else { return nil }
        return (choice, text)
    }

    /// A label followed by `.`, `)` or `:` at `index` (how listings start: `A.`, `B)`, `(C)`, `D:`).
    private func labelPrefix(_ chars: [Character], at index: Int) -> (String, Int)? {
        var i = index
        let open = i < chars.count && chars[i] == "("
        if open { i += 1 }
        guard let (label, end) = labelToken(chars, at: i), end < chars.count, ".):".contains(chars[end]) else {
            return nil
        }
        return (label, end + 1)
    }
}
