/// The ChatML conversation format (`<|im_start|>ROLE\n…<|im_end|>\n`), rendered directly from a model's chat
/// template (GGUF `tokenizer.chat_template`) without a Jinja interpreter.
///
/// Only templates that speak ChatML are accepted: those containing `<|im_start|>` (SmolLM2, Qwen2/2.5). The
/// default system turn is the template's own: the first string literal in it that spells a whole system
/// turn, `'<|im_start|>system\n…<|im_end|>\n'` (SmolLM2: "You are a helpful AI assistant named SmolLM, trained by
/// Hugging Face"; Qwen2.5: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."). A ChatML
/// template without one gets no system turn. Any other template is refused with a clear error rather than
/// rendered wrongly.
public struct ChatMLFormat: Sendable, Hashable {
    /// The default system message, or `nil` for none.
    public var systemMessage: String?

    /// A format with the given system message.
    public init(systemMessage: String?) { self.systemMessage = systemMessage }

    /// Reads the format from a model's Jinja chat template.
    /// - Parameters:
    ///   - template: the GGUF `tokenizer.chat_template` text, or `nil` when the model has none.
    ///   - model: the model's name, for error messages.
    public init(chatTemplate template: String?, model: String) throws(RunError) {
        guard let template, !template.isEmpty else {
            throw .chatTemplate(
                model: model,
                reason: "the model has no chat template (no tokenizer.chat_template in its metadata); use "
                    + "--template fewshot-math, fewshot-choice or a template file")
        }
        guard template.contains("<|im_start|>") else {
            let start = template.prefix(60).replacingOccurrences(of: "\n", with: "\\n")
            throw .chatTemplate(
                model: model,
                reason: "only ChatML chat templates (<|im_start|>ROLE … <|im_end|>) are rendered, and this one is "
                    + "not (it begins \"\(start)…\"); use --template fewshot-math, fewshot-choice or a template "
                    + "file with the model's own format")
        }
        systemMessage = Self.defaultSystemMessage(in: template)
    }

    /// `segments` as the one user turn of a conversation, after the system turn, ending with the opening of
    /// the assistant's turn and `assistant`, the beginning of its answer (none by default).
    public func wrap(
        _ segments: [PromptTemplate.Segment], assistant: [PromptTemplate.Segment] = []
    ) -> [PromptTemplate.Segment] {
        var out: [PromptTemplate.Segment] = []
        if let systemMessage { out.append(.text("<|im_start|>system\n\(systemMessage)<|im_end|>\n")) }
        out.append(.text("<|im_start|>user\n"))
        out += segments
        out.append(.text("<|im_end|>\n<|im_start|>assistant\n"))
        return out + assistant
    }

    /// The system message of the first string literal of `template` that holds a whole ChatML system turn.
    static func defaultSystemMessage(in template: String) -> String? {
        let head = "<|im_start|>system\n", tail = "<|im_end|>"
        for literal in stringLiterals(in: template) where literal.hasPrefix(head) {
            let body = literal.dropFirst(head.count)
            if let end = body.range(of: tail) { return String(body[..<end.lowerBound]) }
        }
        return nil
    }

    /// The contents of the Jinja string literals (single- or double-quoted, backslash escapes) inside the
    /// template's `{{ … }}` and `{% … %}` tags, in order, with their escapes resolved.
    static func stringLiterals(in template: String) -> [String] {
        var literals: [String] = []
        let chars = Array(template)
        var i = 0
        var inTag = false
        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if !inTag {
                if c == "{", next == "{" || next == "%" { inTag = true; i += 2; continue }
                i += 1
                continue
            }
            if (c == "}" || c == "%"), next == "}" { inTag = false; i += 2; continue }
            guard c == "'" || c == "\"" else { i += 1; continue }
            var value = ""
            i += 1
            while i < chars.count, chars[i] != c {
                if chars[i] == "\\", i + 1 < chars.count {
                    switch chars[i + 1] {
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "r": value.append("\r")
                    default: value.append(chars[i + 1])
                    }
                    i += 2
                } else {
                    value.append(chars[i])
                    i += 1
                }
            }
            literals.append(value)
            i += 1
        }
        return literals
    }
}
