import Foundation
import QuorumCode
import QuorumCore

/// A user's template file, read into a ``PromptTemplate``.
///
/// The file is the prompt text with the placeholders `{question}`, `{choices}`, `{fewshot}`, `{tests}` and
/// `{entry_point}` (see
/// ``PromptTemplate``); `{{` and `}}` stand for literal braces, and any other `{…}` is an error. One newline at
/// the very end of the file is not part of the prompt (editors add one); leave an empty line to end the prompt
/// with a newline. An optional header between two lines of `---` at the top sets:
///
///     ---
///     stop: "\nQ:"        a stop string, as a JSON string literal (repeat for several)
///     chat: true          wrap the text as the user turn of the model's chat format (default false)
///     code: completion    code problems: the program is the text up to the first stop string (`completion`,
///                         the default without chat) or the fenced block (`chat`, the default with chat)
///     ---
///     Q: {question}
///     A:
///
/// Blank lines and lines starting with `#` inside the header are ignored.
public struct TemplateFile: Sendable, Hashable {
    /// The template (with `{fewshot}` still to fill when it has one).
    public var template: PromptTemplate
    /// Whether the text is the user turn of the model's chat format.
    public var chat: Bool

    /// Reads the file at `path`.
    public init(path: String) throws(RunError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, operation: "read the template", reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .template(SourceLocation(file: path), reason: "not UTF-8 text")
        }
        try self.init(text: text, file: path)
    }

    /// Reads template `text`; `file` names it in errors and becomes the template's name.
    public init(text: String, file: String) throws(RunError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var stop: [String] = []
        var chat = false
        var codeAnswer: CodePromptTemplate.Style?
        var bodyLine = 1
        if lines.first == "---" {
            guard let close = lines.dropFirst().firstIndex(of: "---") else {
                throw .template(SourceLocation(file: file, line: 1), reason: "the header opened by --- is never closed")
            }
            for index in 1..<close {
                let line = lines[index].trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                let location = SourceLocation(file: file, line: index + 1)
                guard let colon = line.firstIndex(of: ":") else {
                    throw .template(location, reason: "expected KEY: VALUE in the header, found \"\(line)\"")
                }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch key {
                case "stop":
                    guard let data = value.data(using: .utf8),
                        let string = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? String
                    else {
                        throw .template(location, reason: "stop must be a JSON string literal such as \"\\nQ:\", not \(value)")
                    }
                    guard !string.isEmpty else { throw .template(location, reason: "the stop string is empty") }
                    stop.append(string)
                case "chat":
                    guard value == "true" || value == "false" else {
                        throw .template(location, reason: "chat must be true or false, not \(value)")
                    }
                    chat = value == "true"
                case "code":
                    guard let style = CodePromptTemplate.Style(rawValue: value) else {
                        throw .template(location, reason: "code must be completion or chat, not \(value)")
                    }
                    codeAnswer = style
                default:
                    throw .template(location, reason: "unknown header key \"\(key)\" (known: stop, chat, code)")
                }
            }
            lines.removeSubrange(0...close)
            bodyLine = close + 2
        }
        var body = lines.joined(separator: "\n")
        if body.hasSuffix("\n") { body.removeLast() }
        let segments = try Self.parse(body, file: file, firstLine: bodyLine)
        guard segments.contains(.question) else {
            throw .template(SourceLocation(file: file, line: bodyLine), reason: "the template has no {question}")
        }
        template = PromptTemplate(
            name: file, segments: segments, stop: stop, codeAnswer: codeAnswer ?? (chat ? .chat : .completion))
        self.chat = chat
    }

    /// The pieces of `body`, whose first line is line `firstLine` of `file`.
    static func parse(_ body: String, file: String, firstLine: Int) throws(RunError) -> [PromptTemplate.Segment] {
        var segments: [PromptTemplate.Segment] = []
        var literal = ""
        let chars = Array(body)
        var line = firstLine, column = 1
        var i = 0
        func advance(_ n: Int) {
            for k in 0..<n where i + k < chars.count {
                if chars[i + k] == "\n" { line += 1; column = 1 } else { column += 1 }
            }
            i += n
        }
        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "{" && next == "{" || c == "}" && next == "}" {
                literal.append(c)
                advance(2)
            } else if c == "}" {
                throw .template(
                    SourceLocation(file: file, line: line, column: column),
                    reason: "a lone } (write }} for a literal brace)")
            } else if c == "{" {
                let location = SourceLocation(file: file, line: line, column: column)
                guard let close = chars[i...].firstIndex(of: "}"), !chars[(i + 1)..<close].contains("\n") else {
                    throw .template(location, reason: "{ is never closed on its line (write {{ for a literal brace)")
                }
                let name = String(chars[(i + 1)..<close])
                let segment: PromptTemplate.Segment
                switch name {
                case "question": segment = .question
                case "choices": segment = .choices
                case "fewshot": segment = .fewShot
                case "tests": segment = .tests
                case "entry_point": segment = .entryPoint
                default:
                    throw .template(
                        location,
                        reason: "unknown placeholder {\(name)} (known: {question}, {choices}, {fewshot}, {tests}, "
                            + "{entry_point}; write {{ and }} for literal braces)")
                }
                segments.append(.text(literal))
                literal = ""
                segments.append(segment)
                advance(close - i + 1)
            } else {
                literal.append(c)
                advance(1)
            }
        }
        segments.append(.text(literal))
        return segments
    }
}
