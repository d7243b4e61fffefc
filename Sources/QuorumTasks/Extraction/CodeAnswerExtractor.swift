import Foundation

/// Extracts a program from a model's completion; whether the program is right is decided by running its
/// tests (module `QuorumCode`), not here.
///
/// Two styles, after the two ways code models are prompted:
///
/// - ``Style/chat``: the model answers in prose with fenced code blocks (```` ``` ```` with or without a
///   language tag; an unclosed last fence, from a truncated path, runs to the end). The block taken is the
///   last one that defines ``entryPoint`` (`def NAME(` at the block's top level), else the last one that
///   defines any top-level function or class, else the last block. Without any fence, the whole text.
///   Rule ``ExtractionRule/codeBlock`` or ``ExtractionRule/wholeText``.
/// - ``Style/completion(stops:)``: the text continues the prompt (HumanEval's function body, MBPP's
///   `[BEGIN]` section); it is cut at the first stop sequence, e.g. ``humanEvalStops``, the HumanEval
///   convention of ending the body at the first top-level `class`, `def`, `#`, `if` or `print`. Rule
///   ``ExtractionRule/completion``.
///
/// Both cut at end-of-turn markers (`<|im_end|>`, …) first. Blank lines at both ends and trailing white
/// space of each line are removed; indentation is kept (a completion's body stays indented). A blank result
/// is ``ExtractionOutcome/noAnswer``.
public struct CodeAnswerExtractor: AnswerExtractor {
    /// Where the program is in a completion.
    public enum Style: Sendable, Hashable {
        /// A chat answer: the chosen fenced block, else the whole text.
        case chat
        /// A continuation of the prompt, cut at the first of `stops` (none: the whole text).
        case completion(stops: [String])
    }

    /// The HumanEval stop sequences: a function body ends at the first top-level `class`, `def`, comment,
    /// `if` or `print` (Chen et al. 2021, "Evaluating Large Language Models Trained on Code").
    public static let humanEvalStops = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]

    /// How the model was prompted; default ``Style/chat``.
    public var style: Style
    /// The function the tests call, used to choose among fenced blocks; `nil`: no preference.
    public var entryPoint: String?

    /// - Parameters:
    ///   - style: ``Style/chat`` (the default) or ``Style/completion(stops:)``.
    ///   - entryPoint: the function the tests call (HumanEval's `entry_point`), or `nil`.
    public init(style: Style = .chat, entryPoint: String? = nil) {
        self.style = style
        self.entryPoint = entryPoint
    }

    public func extract(from text: String) -> ExtractionOutcome {
        var body = text.replacingOccurrences(of: "\r\n", with: "\n")
        for marker in CompletionText.stopMarkers {
            if let range = body.range(of: marker) { body = String(body[..<range.lowerBound]) }
        }
        let code: String
        let rule: ExtractionRule
        switch style {
        case .completion(let stops):
            for stop in stops where !stop.isEmpty {
                if let range = body.range(of: stop) { body = String(body[..<range.lowerBound]) }
            }
            code = body
            rule = .completion
        case .chat:
            if let block = Self.chosenBlock(Self.fencedBlocks(body), entryPoint: entryPoint) {
                code = block
                rule = .codeBlock
            } else {
                code = body
                rule = .wholeText
            }
        }
        let trimmed = Self.trimmingBlankEdges(code)
        guard !trimmed.isEmpty else { return .noAnswer }
        return .answer(Answer(raw: trimmed, normalized: trimmed), rule: rule)
    }

    /// The contents of the fenced blocks of `text`, in order. A line whose first non-blank characters are
    /// ```` ``` ```` opens a block (anything after the backticks is its language tag) or closes the open
    /// one; an unclosed last block runs to the end of the text when it has any line.
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("```") {
                if let open = current {
                    blocks.append(open.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else if current != nil {
                current!.append(line)
            }
        }
        if let open = current, !open.isEmpty { blocks.append(open.joined(separator: "\n")) }
        return blocks
    }

    /// The block to take: the last that defines `entryPoint`, else the last that defines any top-level
    /// function or class, else the last; `nil` when there is no block.
    static func chosenBlock(_ blocks: [String], entryPoint: String?) -> String? {
        if let entryPoint, let block = blocks.last(where: { defines($0, function: entryPoint) }) { return block }
        if let block = blocks.last(where: { definesAnything($0) }) { return block }
        return blocks.last
    }

    /// Whether `code` defines the function `name` at top level: a line `def NAME(` or `async def NAME(`
    /// without indentation (a method of a class or a nested function does not count).
    public static func defines(_ code: String, function name: String) -> Bool {
        code.split(separator: "\n").contains { line in
            var rest = line[...]
            if rest.hasPrefix("async ") { rest = rest.dropFirst(6).drop(while: { $0 == " " }) }
            guard rest.hasPrefix("def ") else { return false }
            rest = rest.dropFirst(4).drop(while: { $0 == " " })
            guard rest.hasPrefix(name) else { return false }
            return rest.dropFirst(name.count).drop(while: { $0 == " " }).first == "("
        }
    }

    /// Whether `code` has a top-level `def`, `async def` or `class` line.
    static func definesAnything(_ code: String) -> Bool {
        code.split(separator: "\n").contains { line in
            line.hasPrefix("def ") || line.hasPrefix("async def ") || line.hasPrefix("class ")
        }
    }

    /// Removes blank lines at both ends and trailing whitespace, keeping the first line's indentation.
    static func trimmingBlankEdges(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The leading blank lines go at once: removing them one by one copies the rest each time.
        lines.removeFirst(lines.prefix(while: { $0.allSatisfy(\.isWhitespace) }).count)
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.map { line in
            var l = line
            while let c = l.last, c.isWhitespace { l = l.dropLast() }
            return String(l)
        }.joined(separator: "\n")
    }
}
