import QuorumCode
import QuorumCore

/// How a problem becomes a prompt: literal text with placeholders, and the stop strings that end a path.
///
/// Placeholders (in template files and in ``text``):
/// - `{question}`: the problem's question, as the task set gives it;
/// - `{choices}`: a choice problem's options, one per line as `(A) text` (empty for other kinds);
/// - `{fewshot}`: the worked exemplars in the few-shot format of the problem kind (see ``FewShotExemplars``),
///   filled in once when the template is built, so ``text`` shows them literally;
/// - `{tests}`: a code problem's tests shown to the model: MBPP's assert lines, one per line (empty for
///   HumanEval, whose tests are hidden, and for other kinds);
/// - `{entry_point}`: the function a code problem's tests call (empty when unknown and for other kinds);
/// - `{{` and `}}` stand for literal braces.
///
/// Built-in templates (``BuiltInTemplate``): `fewshot-math`, `fewshot-choice`, `chat`, and for code
/// `code-completion`, `code-chat` and `code-chat-continue`.
public struct PromptTemplate: Sendable, Hashable {
    /// One piece of a template.
    public enum Segment: Sendable, Hashable {
        /// Literal text.
        case text(String)
        /// The problem's question.
        case question
        /// The problem's options, one per line.
        case choices
        /// The few-shot block (only before ``PromptTemplate/fillingFewShot(_:)``).
        case fewShot
        /// A code problem's tests shown to the model (MBPP's assert lines).
        case tests
        /// The function a code problem's tests call.
        case entryPoint
    }

    /// `fewshot-math`, `fewshot-choice`, `chat`, or the file's path.
    public var name: String
    /// The pieces, in order.
    public var segments: [Segment]
    /// Strings that end a path; the text is cut before the first one.
    public var stop: [String]
    /// How the program is read from a code problem's path: `.completion` takes the text cut at ``stop``
    /// (the model continued code the prompt began), `.chat` takes the fenced block that defines the entry
    /// point (``CodeAnswerExtractor``). Ignored for other kinds.
    public var codeAnswer: CodePromptTemplate.Style

    /// A template from its pieces.
    public init(name: String, segments: [Segment], stop: [String], codeAnswer: CodePromptTemplate.Style = .chat) {
        self.name = name
        self.segments = Self.merged(segments)
        self.stop = stop
        self.codeAnswer = codeAnswer
    }

    /// The prompt for `problem`.
    public func render(_ problem: Problem) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .text(let t): out += t
            case .question: out += problem.question
            case .choices: out += Self.choiceLines(problem.choices)
            case .fewShot: break  // filled in before use; an unfilled block renders as nothing
            case .tests: out += problem.kind == .code ? problem.metadata["tests"] ?? "" : ""
            case .entryPoint:
                if problem.kind == .code, let task = try? CodeTask(problem: problem) { out += task.entryPoint ?? "" }
            }
        }
        return out
    }

    /// The template spelled out with its placeholders (literal braces doubled): what `run.json` records.
    public var text: String {
        segments.map { segment in
            switch segment {
            case .text(let t): t.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
            case .question: "{question}"
            case .choices: "{choices}"
            case .fewShot: "{fewshot}"
            case .tests: "{tests}"
            case .entryPoint: "{entry_point}"
            }
        }.joined()
    }

    /// The literal text before the first placeholder: what every prompt of the template begins with.
    public var sharedPrefix: String {
        if case .text(let t)? = segments.first { return t }
        return ""
    }

    /// Whether the template has a `{fewshot}` placeholder still to fill.
    public var needsFewShot: Bool { segments.contains(.fewShot) }

    /// The same template with every `{fewshot}` replaced by `block`.
    public func fillingFewShot(_ block: String) -> PromptTemplate {
        PromptTemplate(
            name: name, segments: segments.map { $0 == .fewShot ? .text(block) : $0 }, stop: stop, codeAnswer: codeAnswer)
    }

    /// A choice problem's options as the templates show them: `(A) text`, one per line.
    public static func choiceLines(_ choices: [Choice]) -> String {
        choices.map { "(\($0.label)) \($0.text)" }.joined(separator: "\n")
    }

    /// Adjacent literal pieces joined, empty ones dropped.
    static func merged(_ segments: [Segment]) -> [Segment] {
        var out: [Segment] = []
        for segment in segments {
            if case .text(let t) = segment {
                if t.isEmpty { continue }
                if case .text(let previous)? = out.last {
                    out[out.count - 1] = .text(previous + t)
                    continue
                }
            }
            out.append(segment)
        }
        return out
    }
}
