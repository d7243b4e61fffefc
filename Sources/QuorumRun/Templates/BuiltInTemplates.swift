import QuorumCode
import QuorumCore

/// The templates `quorum run --template` knows by name.
public enum BuiltInTemplate: String, Sendable, CaseIterable, Hashable {
    /// Few-shot completion for math: `Q: … A: Let's think step by step. … The answer is N.` exemplars, then
    /// the question; stops at `\nQ:`.
    case fewShotMath = "fewshot-math"
    /// Few-shot completion for multiple choice: `Question: … (A) … Answer: Let's think step by step. … The
    /// answer is B.` exemplars, then the question and its options; stops at `\nQuestion:`.
    case fewShotChoice = "fewshot-choice"
    /// The model's chat format (ChatML) with its default system turn and one user turn asking for step-by-step
    /// reasoning ending in `The answer is …`; the end-of-turn token ends a path. For code problems, the same
    /// as `code-chat`.
    case chat
    /// Code, completion style: the model continues the prompt. HumanEval: the prompt itself (imports, signature,
    /// docstring), continued by the function body and cut at the HumanEval stops (`\nclass`, `\ndef`, `\n#`,
    /// `\nif`, `\nprint`); MBPP: the description and the tests, then `[BEGIN]`, cut at `[DONE]` (Austin et
    /// al. 2021). The program is the text up to the first stop.
    case codeCompletion = "code-completion"
    /// Code, chat style: the model's ChatML format; the user turn asks for the complete function (HumanEval:
    /// the prompt in a code block; MBPP: the description and the tests) in one ```` ```python ```` block; the
    /// program is that block.
    case codeChat = "code-chat"
    /// Code, chat style with the answer begun: the user turn of `code-chat`, and the assistant turn already
    /// opened with ```` ```python ```` and (HumanEval) the prompt, so the model continues the function body;
    /// cut at the closing fence and the HumanEval stops (MBPP: at the closing fence). The program is the
    /// text up to the first stop, as for `code-completion`.
    case codeChatContinue = "code-chat-continue"

    /// The built-in template for problems of `kind` when `--template` is not given.
    public static func `default`(for kind: TaskKind) -> BuiltInTemplate {
        switch kind {
        case .math: .fewShotMath
        case .choice: .fewShotChoice
        case .text: .chat
        case .code: .codeChatContinue
        }
    }

    /// The kinds of problem the template is written for.
    public var kinds: Set<TaskKind> {
        switch self {
        case .fewShotMath: [.math]
        case .fewShotChoice: [.choice]
        case .chat: Set(TaskKind.allCases)
        case .codeCompletion, .codeChat, .codeChatContinue: [.code]
        }
    }

    /// Whether the template is rendered in the model's chat format (which only a GGUF model's metadata gives).
    public var usesChat: Bool {
        switch self {
        case .chat, .codeChat, .codeChatContinue: true
        case .fewShotMath, .fewShotChoice, .codeCompletion: false
        }
    }

    /// Whether the template shows few-shot exemplars.
    public var usesFewShot: Bool { self == .fewShotMath || self == .fewShotChoice }

    /// The template for problems of `kind`.
    /// - Parameters:
    ///   - exemplars: the few-shot exemplars (for `fewshot-*`; ignored by the others).
    ///   - chat: the model's chat format (required by the chat templates).
    ///   - codeLayout: the code problems' test harness (required for code problems: HumanEval and MBPP are
    ///     asked differently).
    public func template(
        kind: TaskKind, exemplars: [FewShotExemplar], chat: ChatMLFormat?, codeLayout: CodeTask.Layout? = nil
    ) throws(RunError) -> PromptTemplate {
        guard kinds.contains(kind) else {
            throw .invalidSettings(
                "--template \(rawValue) is written for \(kinds.map(\.rawValue).sorted().joined(separator: ", ")) "
                    + "problems, and this task set's problems are \(kind.rawValue) (use --template "
                    + "\(Self.default(for: kind).rawValue), or a template file)")
        }
        if usesChat, chat == nil {
            throw .invalidSettings("--template \(rawValue) needs the model's chat template, which only a GGUF model has")
        }
        let layout = codeLayout ?? .humanEval
        switch self {
        case .fewShotMath:
            return PromptTemplate(
                name: rawValue,
                segments: [
                    .text(FewShotExemplars.block(exemplars, kind: .math)), .text("Q: "), .question,
                    .text("\nA: Let's think step by step."),
                ],
                stop: ["\nQ:"])
        case .fewShotChoice:
            return PromptTemplate(
                name: rawValue,
                segments: [
                    .text(FewShotExemplars.block(exemplars, kind: .choice)), .text("Question: "), .question,
                    .text("\n"), .choices, .text("\nAnswer: Let's think step by step."),
                ],
                stop: ["\nQuestion:"])
        case .chat where kind != .code:
            return PromptTemplate(name: rawValue, segments: chat!.wrap(Self.chatRequest(kind)), stop: [])
        case .chat, .codeChat:
            return PromptTemplate(
                name: rawValue, segments: chat!.wrap(Self.codeRequest(layout)), stop: [], codeAnswer: .chat)
        case .codeCompletion:
            switch layout {
            case .humanEval:
                return PromptTemplate(
                    name: rawValue, segments: [.question], stop: CodeAnswerExtractor.humanEvalStops,
                    codeAnswer: .completion)
            case .mbpp:
                return PromptTemplate(
                    name: rawValue,
                    segments: [
                        .text("You are an expert Python programmer, and here is your task: "), .question,
                        .text(" Your code should pass these tests:\n\n"), .tests, .text("\n[BEGIN]\n"),
                    ],
                    stop: ["[DONE]"], codeAnswer: .completion)
            }
        case .codeChatContinue:
            let fence = "\n```"
            switch layout {
            case .humanEval:
                return PromptTemplate(
                    name: rawValue,
                    segments: chat!.wrap(Self.codeRequest(layout), assistant: [.text("```python\n"), .question]),
                    stop: [fence] + CodeAnswerExtractor.humanEvalStops, codeAnswer: .completion)
            case .mbpp:
                return PromptTemplate(
                    name: rawValue, segments: chat!.wrap(Self.codeRequest(layout), assistant: [.text("```python\n")]),
                    stop: [fence], codeAnswer: .completion)
            }
        }
    }

    /// The user turn of the chat templates for code problems of `layout`.
    static func codeRequest(_ layout: CodeTask.Layout) -> [PromptTemplate.Segment] {
        switch layout {
        case .humanEval:
            [
                .text("Complete the following Python function. Reply with the complete function `"), .entryPoint,
                .text("`, including the imports it needs, in a single ```python code block.\n\n```python\n"),
                .question, .text("```"),
            ]
        case .mbpp:
            [
                .question, .text("\nYour code should pass these tests:\n\n```python\n"), .tests,
                .text("\n```\nReply with the Python code in a single ```python code block."),
            ]
        }
    }

    /// The user turn of the `chat` template for problems of `kind` (code: ``codeRequest(_:)``).
    static func chatRequest(_ kind: TaskKind) -> [PromptTemplate.Segment] {
        switch kind {
        case .math:
            [.question, .text("\nThink step by step, then give the final number as \"The answer is N.\"")]
        case .choice:
            [
                .question, .text("\n"), .choices,
                .text("\nThink step by step, then give the label of the correct option as \"The answer is X.\""),
            ]
        case .text:
            [.question, .text("\nThink step by step, then give the final answer as \"The answer is ...\"")]
        case .code:
            codeRequest(.humanEval)
        }
    }
}
