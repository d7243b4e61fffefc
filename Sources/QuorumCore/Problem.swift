/// One labelled option of a multiple-choice problem.
public struct Choice: Sendable, Codable, Hashable {
    /// The option's label as the task set writes it, e.g. `"A"` or `"1"`.
    public var label: String
    /// The option's text.
    public var text: String

    public init(label: String, text: String) {
        self.label = label
        self.text = text
    }
}

/// One problem of a task set: what the model is asked, and the gold answer when it is known.
public struct Problem: Sendable, Codable, Hashable, Identifiable {
    /// Identifier unique within its task set, e.g. `"gsm8k/17"`.
    public var id: String
    /// The text put to the model (for code tasks: the prompt, usually a function signature and docstring).
    public var question: String
    /// How answers to this problem are extracted and compared.
    public var kind: TaskKind
    /// The gold answer in normalised form, or `nil` when the task set gives none.
    public var gold: String?
    /// The options of a choice problem, in the order the task set lists them; empty otherwise.
    public var choices: [Choice]
    /// Everything else the source record carries that later stages may need (a worked solution, the
    /// tests of a code task, the entry point, the level …), as strings.
    public var metadata: [String: String]

    public init(
        id: String, question: String, kind: TaskKind, gold: String?,
        choices: [Choice] = [], metadata: [String: String] = [:]
    ) {
        self.id = id
        self.question = question
        self.kind = kind
        self.gold = gold
        self.choices = choices
        self.metadata = metadata
    }
}
