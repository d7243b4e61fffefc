import Foundation

/// Extracts a program: the content of the last fenced code block (```` ``` ```` or ```` ```python ````;
/// an unclosed last fence, from a truncated path, runs to the end), else the whole text cut at
/// end-of-turn markers. Trailing whitespace is trimmed, indentation kept. Blank is
/// ``ExtractionOutcome/noAnswer``. Whether the program is right is decided by running its tests, not here.
public struct CodeAnswerExtractor: AnswerExtractor {
    public init() {}

    public func extract(from text: String) -> ExtractionOutcome {
        var body = text
        for marker in CompletionText.stopMarkers {
            if let range = body.range(of: marker) { body = String(body[..<range.lowerBound]) }
        }
        let (code, fenced) = Self.lastFencedBlock(body) ?? (body, false)
        let trimmed = Self.trimmingBlankEdges(code)
        guard !trimmed.isEmpty else { return .noAnswer }
        return .answer(Answer(raw: trimmed, normalized: trimmed), rule: fenced ? .codeBlock : .wholeText)
    }

    /// The content of the last fenced block, and whether one was found.
    static func lastFencedBlock(_ text: String) -> (String, Bool)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [[Substring]] = []
        var current: [Substring]?
        for line in lines {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                if let open = current {
                    blocks.append(open)
                    current = nil
                } else {
                    current = []
                }
            } else if current != nil {
                current!.append(line)
            }
        }
        if let open = current, !open.isEmpty { blocks.append(open) }
        guard let last = blocks.last else { return nil }
        return (last.joined(separator: "\n"), true)
    }

    /// Removes blank lines at both ends and trailing whitespace, keeping the first line's indentation.
    static func trimmingBlankEdges(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.map { line in
            var l = line
            while let c = l.last, c.isWhitespace { l = l.dropLast() }
            return String(l)
        }.joined(separator: "\n")
    }
}
