/// A layout of task file that ``TaskLoader`` reads without being told: the public benchmark layouts in
/// their released form, Quorum's own JSON Lines and XML, and ``mapped`` for an explicit ``FieldMapping``.
///
/// JSON layouts (JSON Lines or a JSON array of objects, the container does not matter) are recognised from
/// the field names of the first record that parses; XML layouts from the root element.
public enum TaskLayout: String, Sendable, CaseIterable, Hashable, Codable {
    /// Quorum's JSON Lines: `id`, `kind`, `question`, `answer`, optional `choices` [{`label`, `text`}].
    case quorumJSONL = "quorum-jsonl"
    /// Quorum's XML schema: `<taskset name kind><problem id kind><question/><choice label/>*<answer/>`.
    case quorumXML = "quorum-xml"
    /// GSM8K: `question`, `answer` (worked solution ending in `#### N`).
    case gsm8k
    /// MATH-500: `problem`, `solution`, `answer`, `subject`, `level`, `unique_id`.
    case math500
    /// SVAMP (JSON array): `ID`, `Body`, `Question`, `Equation`, `Answer` (number), `Type`.
    case svamp
    /// MultiArith (JSON array): `iIndex`, `sQuestion`, `lSolutions` ([39.0]), `lEquations`.
    case multiarith
    /// ASDiv XML: `<Problem ID Grade Source><Body/><Question/><Solution-Type/><Answer/><Formula/></Problem>`.
    case asdivXML = "asdiv-xml"
    /// ASDiv JSON Lines: `body`, `question`, `answer` ("9 (apples)"), `solution_type`, `formula`, `idx`.
    case asdivJSONL = "asdiv-jsonl"
    /// ARC: `id`, `question` (text), `choices` {`text`: […], `label`: […]}, `answerKey`.
    case arc
    /// CommonsenseQA: `id`, `question` {`stem`, `choices` [{`label`, `text`}]}, `answerKey`.
    case commonsenseqa
    /// Balanced COPA XML: `<item id asks-for most-plausible-alternative><p/><a1/><a2/></item>`.
    case copa
    /// HumanEval (usually gzipped): `task_id`, `prompt`, `entry_point`, `canonical_solution`, `test`.
    case humaneval
    /// MBPP: `task_id`, `text`, `code`, `test_list`, `test_setup_code`, `challenge_test_list`.
    case mbpp
    /// Sanitized MBPP (JSON array): `task_id`, `prompt`, `code`, `test_list`, `test_imports`.
    case mbppSanitized = "mbpp-sanitized"
    /// Any other JSON or XML layout, read through an explicit ``FieldMapping`` (`--field`).
    case mapped

    /// The layouts recognised without a mapping, in the order they are tried.
    public static let detectable: [TaskLayout] = allCases.filter { $0 != .mapped }

    /// The fields (or root element) that identify the layout, for messages.
    public var signature: String {
        switch self {
        case .quorumJSONL: "id, kind, question, answer"
        case .quorumXML: "<taskset>"
        case .gsm8k: "question, answer ending in '#### N'"
        case .math500: "problem, solution[, answer]"
        case .svamp: "Body, Question, Answer"
        case .multiarith: "sQuestion, lSolutions"
        case .asdivXML: "<Machine-Reading-Corpus-File> with <Problem>"
        case .asdivJSONL: "body, question, answer"
        case .arc: "question, choices {text, label}, answerKey"
        case .commonsenseqa: "question {stem, choices}, answerKey"
        case .copa: "<copa-corpus> with <item>"
        case .humaneval: "task_id, prompt, entry_point"
        case .mbpp: "text, code, test_list"
        case .mbppSanitized: "prompt, code, test_list"
        case .mapped: "--field mapping"
        }
    }

    /// The task set name used for problem ids (`<name>/<id>`) unless one is given; `nil` means the file
    /// name (Quorum's JSON Lines and mapped files) or the `name` attribute (Quorum's XML).
    public var defaultSetName: String? {
        switch self {
        case .quorumJSONL, .quorumXML, .mapped: nil
        case .gsm8k: "gsm8k"
        case .math500: "math500"
        case .svamp: "svamp"
        case .multiarith: "multiarith"
        case .asdivXML, .asdivJSONL: "asdiv"
        case .arc: "arc-challenge"
        case .commonsenseqa: "commonsenseqa"
        case .copa: "copa"
        case .humaneval: "humaneval"
        case .mbpp: "mbpp"
        case .mbppSanitized: "mbpp-sanitized"
        }
    }

    /// Whether the layout is read from XML.
    public var isXML: Bool { self == .quorumXML || self == .asdivXML || self == .copa }

    /// The JSON layout whose fields the first record has, or `nil`.
    static func detect(jsonRecord fields: [String: TaskJSON]) -> TaskLayout? {
        let keys = Set(fields.keys)
        func has(_ names: String...) -> Bool { names.allSatisfy(keys.contains) }
        if has("id", "kind", "question") { return .quorumJSONL }
        if has("question", "choices", "answerKey"), case .string = fields["question"] { return .arc }
        if has("question", "answerKey"), case .object = fields["question"] { return .commonsenseqa }
        if has("problem", "solution") { return .math500 }
        if has("Body", "Question", "Answer") { return .svamp }
        if has("sQuestion", "lSolutions") { return .multiarith }
        if has("body", "question", "answer") { return .asdivJSONL }
        if has("task_id", "prompt", "entry_point") { return .humaneval }
        if has("text", "code", "test_list") { return .mbpp }
        if has("prompt", "code", "test_list") { return .mbppSanitized }
        if has("question", "answer"), case .string(let answer) = fields["answer"], answer.contains("####") {
            return .gsm8k
        }
        return nil
    }

    /// The XML layout with this root element, or `nil`.
    static func detect(xmlRoot name: String) -> TaskLayout? {
        switch name {
        case "taskset": .quorumXML
        case "Machine-Reading-Corpus-File", "ProblemSet": .asdivXML
        case "copa-corpus": .copa
        default: nil
        }
    }
}
