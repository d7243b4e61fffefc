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
    /// reasoning ending in `The answer is …`; the end-of-turn token ends a path.
    case chat

    /// The built-in template for problems of `kind` when `--template` is not given.
    public static func `default`(for kind: TaskKind) -> BuiltInTemplate {
        switch kind {
        case .math: .fewShotMath
        case .choice: .fewShotChoice
        case .text, .code: .chat
        }
    }

    /// The kinds of problem the template is written for.
    public var kinds: Set<TaskKind> {
        switch self {
        case .fewShotMath: [.math]
        case .fewShotChoice: [.choice]
        case .chat: Set(TaskKind.allCases)
        }
    }

    /// The template for problems of `kind`.
    /// - Parameters:
    ///   - exemplars: the few-shot exemplars (for `fewshot-*`; ignored by `chat`).
    ///   - chat: the model's chat format (required by `chat`).
    public func template(
        kind: TaskKind, exemplars: [FewShotExemplar], chat: ChatMLFormat?
    ) throws(RunError) -> PromptTemplate {
        guard kinds.contains(kind) else {
            throw .invalidSettings(
                "--template \(rawValue) is written for \(kinds.map(\.rawValue).sorted().joined(separator: ", ")) "
                    + "problems, and this task set's problems are \(kind.rawValue) (use --template "
                    + "\(Self.default(for: kind).rawValue), or a template file)")
        }
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
        case .chat:
            guard let chat else {
                throw .invalidSettings("--template chat needs the model's chat template, which only a GGUF model has")
            }
            return PromptTemplate(name: rawValue, segments: chat.wrap(Self.chatRequest(kind)), stop: [])
        }
    }

    /// The user turn of the `chat` template for problems of `kind`.
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
            [.text("Complete the following Python code. Reply with the complete code in one ```python block.\n\n"), .question]
        }
    }
}
