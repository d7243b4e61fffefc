import QuorumTasks

/// A prompt for a code problem, kept as data (a name, a style, a text with placeholders, stop sequences)
/// and rendered by a small renderer.
///
/// Placeholders, written `{name}`; `{{` and `}}` are literal braces:
///
/// | placeholder | value |
/// |---|---|
/// | `{prompt}` | the problem's text as the task file has it: HumanEval's code prompt (imports, signature, docstring), MBPP's description |
/// | `{entry_point}` | the function the tests call (HumanEval `entry_point`; MBPP: derived, see ``CodeTask``) |
/// | `{tests}` | MBPP's assert lines, one per line (HumanEval's tests are hidden from the model: no value) |
///
/// A completion template's text is given to the model as it is, to be continued; a chat template's text is
/// the user message, which the engine or server wraps in the model's chat format. The template decides how
/// the answer is extracted (``extractor(for:)``): a completion is cut at ``stops`` (which a decoder should
/// also use to stop early), a chat answer is read from its fenced block.
public struct CodePromptTemplate: Sendable, Hashable, Codable {
    /// How the model is asked.
    public enum Style: String, Sendable, Hashable, Codable, CaseIterable {
        /// The model continues the text (a base or code model).
        case completion
        /// The text is a user message; the model answers with a fenced code block.
        case chat
    }

    /// A short name, e.g. `humaneval-completion`.
    public var name: String
    /// Completion or chat.
    public var style: Style
    /// The text with placeholders.
    public var text: String
    /// Where a completion ends (stop sequences); empty for chat templates, which end at end-of-turn.
    public var stops: [String]

    public init(name: String, style: Style, text: String, stops: [String] = []) {
        self.name = name
        self.style = style
        self.text = text
        self.stops = stops
    }

    /// The placeholder names a template may use.
    public static let placeholders = ["prompt", "entry_point", "tests"]

    /// HumanEval as in its paper: the prompt itself, continued by the model and cut at
    /// ``CodeAnswerExtractor/humanEvalStops``.
    public static let humanEvalCompletion = CodePromptTemplate(
        name: "humaneval-completion", style: .completion, text: "{prompt}", stops: CodeAnswerExtractor.humanEvalStops)

    /// HumanEval for chat models: the prompt in a code block, asking for the whole function back.
    public static let humanEvalChat = CodePromptTemplate(
        name: "humaneval-chat", style: .chat,
        text: """
            Complete the following Python function. Reply with the complete function `{entry_point}`, \
            including the imports it needs, in a single ```python code block.

            ```python
            {prompt}```

            """)

    /// MBPP as in its paper (Austin et al. 2021), zero-shot: the description and the tests, then `[BEGIN]`;
    /// the program ends at `[DONE]`.
    public static let mbppCompletion = CodePromptTemplate(
        name: "mbpp-completion", style: .completion,
        text: "You are an expert Python programmer, and here is your task: {prompt} Your code should pass these tests:\n\n{tests}\n[BEGIN]\n",
        stops: ["[DONE]"])

    /// MBPP for chat models: the description and the tests, asking for one code block.
    public static let mbppChat = CodePromptTemplate(
        name: "mbpp-chat", style: .chat,
        text: """
            {prompt}
            Your code should pass these tests:

            ```python
            {tests}
            ```
            Reply with the Python code in a single ```python code block.

            """)

    /// The built-in templates.
    public static let builtIns = [humanEvalCompletion, humanEvalChat, mbppCompletion, mbppChat]

    /// The built-in template called `name`, or `nil`.
    public static func named(_ name: String) -> CodePromptTemplate? {
        builtIns.first { $0.name == name }
    }

    /// The built-in template of `style` for `task`'s layout.
    public static func standard(for layout: CodeTask.Layout, style: Style) -> CodePromptTemplate {
        switch (layout, style) {
        case (.humanEval, .completion): humanEvalCompletion
        case (.humanEval, .chat): humanEvalChat
        case (.mbpp, .completion): mbppCompletion
        case (.mbpp, .chat): mbppChat
        }
    }

    /// The prompt for `task`.
    ///
    /// - Throws: ``CodeError/unknownPlaceholder(template:placeholder:offset:)``,
    ///   ``CodeError/unclosedPlaceholder(template:offset:)``, ``CodeError/strayClosingBrace(template:offset:)``
    ///   for a malformed template, ``CodeError/missingPlaceholderValue(template:placeholder:problem:)`` when
    ///   the task has no value for a placeholder the template uses.
    public func render(_ task: CodeTask) throws(CodeError) -> String {
        var values = ["prompt": task.prompt]
        if let entryPoint = task.entryPoint { values["entry_point"] = entryPoint }
        if task.layout == .mbpp { values["tests"] = task.testSource }
        return try render(values: values, problem: task.id)
    }

    /// The text with `values` substituted; `problem` names the problem in errors.
    func render(values: [String: String], problem: String) throws(CodeError) -> String {
        var output = ""
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "{" {
                if index + 1 < characters.count, characters[index + 1] == "{" {
                    output.append("{")
                    index += 2
                    continue
                }
                guard let close = characters[(index + 1)...].firstIndex(of: "}") else {
                    throw .unclosedPlaceholder(template: name, offset: index)
                }
                let placeholder = String(characters[(index + 1)..<close])
                guard Self.placeholders.contains(placeholder) else {
                    throw .unknownPlaceholder(template: name, placeholder: placeholder, offset: index)
                }
                guard let value = values[placeholder] else {
                    throw .missingPlaceholderValue(template: name, placeholder: placeholder, problem: problem)
                }
                output += value
                index = close + 1
            } else if character == "}" {
                guard index + 1 < characters.count, characters[index + 1] == "}" else {
                    throw .strayClosingBrace(template: name, offset: index)
                }
                output.append("}")
                index += 2
            } else {
                output.append(character)
                index += 1
            }
        }
        return output
    }

    /// The extractor for answers to this template: ``CodeAnswerExtractor/Style/completion(stops:)`` with
    /// ``stops``, or ``CodeAnswerExtractor/Style/chat`` preferring the block that defines the entry point.
    public func extractor(for task: CodeTask) -> CodeAnswerExtractor {
        switch style {
        case .completion: CodeAnswerExtractor(style: .completion(stops: stops), entryPoint: task.entryPoint)
        case .chat: CodeAnswerExtractor(style: .chat, entryPoint: task.entryPoint)
        }
    }
}
