import QuorumCode
import QuorumCore

/// The template of a run, chosen from `--template` and `--fewshot`, with where its parts came from.
public struct ResolvedTemplate: Sendable, Hashable {
    /// The template, few-shot block filled in.
    public var template: PromptTemplate
    /// The template file's path, or `nil` for a built-in template.
    public var file: String?
    /// Where the few-shot exemplars came from (a file path or a built-in set), or `nil` when none are used.
    public var fewShotSource: String?

    /// Chooses the template.
    /// - Parameters:
    ///   - name: `fewshot-math`, `fewshot-choice`, `chat`, a template file's path, or `nil` for the default
    ///     of `kind` (``BuiltInTemplate/default(for:)``).
    ///   - fewShotFile: exemplars to use instead of the built-in ones (``FewShotExemplars/load(file:kind:)``).
    ///   - kind: the kind of every problem of the run.
    ///   - chatTemplate: the model's chat template text (GGUF `tokenizer.chat_template`), or `nil`.
    ///   - model: the model's name, for error messages.
    ///   - codeLayout: for code problems, their test harness (HumanEval or MBPP), which the built-in code
    ///     templates follow.
    public init(
        name: String?, fewShotFile: String?, kind: TaskKind, chatTemplate: String?, model: String,
        codeLayout: CodeTask.Layout? = nil
    ) throws(RunError) {
        let builtIn = name.map { BuiltInTemplate(rawValue: $0) } ?? BuiltInTemplate.default(for: kind)
        let userFile: TemplateFile? = if let name, builtIn == nil { try TemplateFile(path: name) } else { nil }
        let usesFewShot = builtIn?.usesFewShot ?? userFile!.template.needsFewShot
        let usesChat = builtIn?.usesChat ?? (userFile?.chat == true)
        if fewShotFile != nil, !usesFewShot {
            throw .invalidSettings(
                "--fewshot is given, but the template \(name ?? builtIn!.rawValue) shows no exemplars "
                    + "(use fewshot-math, fewshot-choice or a template with {fewshot})")
        }
        var exemplars: [FewShotExemplar] = []
        if usesFewShot {
            if let fewShotFile {
                exemplars = try FewShotExemplars.load(file: fewShotFile, kind: kind)
                fewShotSource = fewShotFile
            } else {
                exemplars = FewShotExemplars.builtIn(for: kind)
                guard !exemplars.isEmpty else {
                    throw .invalidSettings(
                        "there are no built-in few-shot exemplars for \(kind.rawValue) problems; give --fewshot FILE")
                }
                fewShotSource = kind == .math ? FewShotExemplars.builtInMathSource : FewShotExemplars.builtInChoiceSource
            }
        } else {
            fewShotSource = nil
        }
        let chat: ChatMLFormat? = usesChat ? try ChatMLFormat(chatTemplate: chatTemplate, model: model) : nil
        if let builtIn {
            template = try builtIn.template(kind: kind, exemplars: exemplars, chat: chat, codeLayout: codeLayout)
            file = nil
        } else {
            var t = userFile!.template
            if let chat {
                t = PromptTemplate(name: t.name, segments: chat.wrap(t.segments), stop: t.stop, codeAnswer: t.codeAnswer)
            }
            if usesFewShot { t = t.fillingFewShot(FewShotExemplars.block(exemplars, kind: kind)) }
            template = t
            file = name
        }
    }
}
