import Foundation
import QuorumCore

/// A record of a task file, read into a problem or rejected, with where it starts.
struct ProblemSlot: Sendable {
    var location: SourceLocation
    var result: Result<RecordProblem, TaskLoadError>
}

/// A problem read from one record, before the task set's name is put in front of its id.
struct RecordProblem: Sendable {
    /// The record's own id (`"chal-1"`, `"HumanEval/0"`), or `nil` to use its 1-based index in the file.
    var nativeID: String?
    var question: String
    var kind: TaskKind
    var gold: String?
    var choices: [Choice] = []
    var metadata: [String: String] = [:]
}

extension TaskLayout {
    /// Reads one JSON record of this (JSON) layout.
    ///
    /// Questions are trimmed of surrounding white space, except for code prompts, which are kept as they
    /// are. Fields the layout does not use go into the problem's metadata, so nothing of a record is lost.
    func problem(fromJSON r: JSONRecord) throws(TaskLoadError) -> RecordProblem {
        switch self {
        case .quorumJSONL:
            return try quorumJSONL(r)
        case .gsm8k:
            let answer = try r.text("answer")
            guard let (gold, solution) = GoldAnswer.gsm8k(answer) else {
                throw .invalidValue(r.location, field: "answer", detail: "no '####' before the final answer")
            }
            guard !gold.isEmpty else {
                throw .invalidValue(r.location, field: "answer", detail: "nothing after '####'")
            }
            var metadata = r.metadata(excluding: ["question", "answer", "id"])
            metadata["solution"] = solution
            return RecordProblem(
                nativeID: try optionalID(r, "id"), question: TaskText.trimmed(try r.text("question")), kind: .math, gold: gold,
                metadata: metadata)
        case .math500:
            let question = TaskText.trimmed(try r.text("problem"))
            let gold: String
            if r.fields["answer"] != nil, r.fields["answer"] != .null {
                gold = TaskText.trimmed(try scalar(r, "answer"))
                guard !gold.isEmpty else { throw .invalidValue(r.location, field: "answer", detail: "empty") }
            } else if let boxed = GoldAnswer.lastBoxed(in: try r.string("solution")) {
                gold = TaskText.trimmed(boxed)
            } else {
                throw .invalidValue(
                    r.location, field: "solution", detail: "no 'answer' field and no closed \\boxed{} in the solution")
            }
            return RecordProblem(
                nativeID: try optionalID(r, "unique_id"), question: question, kind: .math, gold: gold,
                metadata: r.metadata(excluding: ["problem", "answer"]))
        case .svamp:
            let question = TaskText.trimmed(try r.text("Body")) + " " + TaskText.trimmed(try r.text("Question"))
            return RecordProblem(
                nativeID: try optionalID(r, "ID"), question: question, kind: .math,
                gold: GoldAnswer.math(try r.number("Answer")),
                metadata: r.metadata(excluding: ["Body", "Question", "Answer", "ID"]))
        case .multiarith:
            var golds: [String] = []
            for (index, item) in try r.array("lSolutions").enumerated() {
                guard case .number(_, let text) = item else {
                    throw .wrongType(r.location, field: "lSolutions[\(index)]", expected: "a number", found: item.typeName)
                }
                golds.append(text)
            }
            guard !golds.isEmpty else { throw .invalidValue(r.location, field: "lSolutions", detail: "empty") }
            return RecordProblem(
                nativeID: try optionalID(r, "iIndex"), question: TaskText.trimmed(try r.text("sQuestion")), kind: .math,
                gold: golds.joined(separator: "; "),
                metadata: r.metadata(excluding: ["sQuestion", "lSolutions", "iIndex"]))
        case .asdivJSONL:
            let question = TaskText.trimmed(try r.text("body")) + " " + TaskText.trimmed(try r.text("question"))
            let gold = GoldAnswer.math(try scalar(r, "answer"))
            guard !gold.isEmpty else { throw .invalidValue(r.location, field: "answer", detail: "empty") }
            return RecordProblem(
                nativeID: try optionalID(r, "idx"), question: question, kind: .math, gold: gold,
                metadata: r.metadata(excluding: ["body", "question", "answer", "idx"]))
        case .arc:
            let choiceFields = try r.object("choices")
            let texts = try choiceFields.strings("text")
            let labels = try choiceFields.strings("label")
            guard texts.count == labels.count else {
                throw .invalidValue(
                    r.location, field: "choices",
                    detail: "\(texts.count) texts but \(labels.count) labels")
            }
            let choices = zip(labels, texts).map { Choice(label: $0, text: TaskText.trimmed($1)) }
            return RecordProblem(
                nativeID: try optionalID(r, "id"), question: TaskText.trimmed(try r.text("question")), kind: .choice,
                gold: try answerKey(r, "answerKey", choices: choices), choices: choices,
                metadata: r.metadata(excluding: ["id", "question", "choices", "answerKey"]))
        case .commonsenseqa:
            let question = try r.object("question")
            var choices: [Choice] = []
            for (index, item) in try question.array("choices").enumerated() {
                guard case .object(let fields) = item else {
                    throw .wrongType(
                        r.location, field: "question.choices[\(index)]", expected: "an object", found: item.typeName)
                }
                let choice = JSONRecord(fields: fields, location: r.location, prefix: "question.choices[\(index)]")
                choices.append(Choice(label: try choice.text("label"), text: TaskText.trimmed(try choice.string("text"))))
            }
            var metadata = r.metadata(excluding: ["id", "question", "answerKey"])
            metadata.merge(question.metadata(excluding: ["stem", "choices"])) { old, _ in old }
            return RecordProblem(
                nativeID: try optionalID(r, "id"), question: TaskText.trimmed(try question.text("stem")), kind: .choice,
                gold: try answerKey(r, "answerKey", choices: choices), choices: choices, metadata: metadata)
        case .humaneval:
            _ = try r.text("entry_point")
            return RecordProblem(
                nativeID: try r.identifier("task_id"), question: try r.text("prompt"), kind: .code, gold: nil,
                metadata: r.metadata(excluding: ["task_id", "prompt"]))
        case .mbpp, .mbppSanitized:
            let questionKey = self == .mbpp ? "text" : "prompt"
            var metadata = r.metadata(excluding: ["task_id", questionKey, "test_list"])
            metadata["tests"] = try r.strings("test_list").joined(separator: "\n")
            _ = try r.string("code")
            return RecordProblem(
                nativeID: try r.identifier("task_id"), question: TaskText.trimmed(try r.text(questionKey)), kind: .code,
                gold: nil, metadata: metadata)
        case .quorumXML, .asdivXML, .copa, .mapped:
            preconditionFailure("\(rawValue) is not read from JSON records")
        }
    }

    /// Quorum's own JSON Lines: `id`, `kind`, `question`, optional `answer` and `choices`.
    private func quorumJSONL(_ r: JSONRecord) throws(TaskLoadError) -> RecordProblem {
        let kindText = try r.string("kind")
        guard let kind = TaskKind(rawValue: kindText) else {
            throw .invalidValue(
                r.location, field: "kind",
                detail: "'\(kindText)' is not one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let question = try r.text("question")
        var choices: [Choice] = []
        if r.fields["choices"] != nil {
            for (index, item) in try r.array("choices").enumerated() {
                guard case .object(let fields) = item else {
                    throw .wrongType(r.location, field: "choices[\(index)]", expected: "an object", found: item.typeName)
                }
                let choice = JSONRecord(fields: fields, location: r.location, prefix: "choices[\(index)]")
                choices.append(Choice(label: try choice.text("label"), text: TaskText.trimmed(try choice.string("text"))))
            }
        }
        if kind == .choice, choices.isEmpty {
            throw .missingField(r.location, field: "choices")
        }
        var gold: String?
        if r.fields["answer"] != nil, r.fields["answer"] != .null {
            switch kind {
            case .choice: gold = try answerKey(r, "answer", choices: choices)
            case .math: gold = GoldAnswer.math(try scalar(r, "answer"))
            case .text, .code: gold = TaskText.trimmed(try scalar(r, "answer"))
            }
            if gold?.isEmpty == true { throw .invalidValue(r.location, field: "answer", detail: "empty") }
        }
        return RecordProblem(
            nativeID: try r.identifier("id"), question: kind == .code ? question : TaskText.trimmed(question), kind: kind,
            gold: gold, choices: choices, metadata: r.metadata(excluding: ["id", "kind", "question", "answer", "choices"]))
    }

    /// A string or number field as text.
    private func scalar(_ r: JSONRecord, _ key: String) throws(TaskLoadError) -> String {
        let value = try r.value(key)
        switch value {
        case .string(let s): return s
        case .number(_, let text): return text
        default: throw .wrongType(r.location, field: r.name(key), expected: "a string or a number", found: value.typeName)
        }
    }

    /// The id field when the record has one.
    private func optionalID(_ r: JSONRecord, _ key: String) throws(TaskLoadError) -> String? {
        guard let value = r.fields[key], value != .null else { return nil }
        return try r.identifier(key)
    }

    /// A choice label that must be one of the choices' labels.
    private func answerKey(_ r: JSONRecord, _ key: String, choices: [Choice]) throws(TaskLoadError) -> String {
        let label = TaskText.trimmed(try scalar(r, key))
        guard !choices.isEmpty else { throw .invalidValue(r.location, field: "choices", detail: "no choices") }
        guard choices.contains(where: { $0.label == label }) else {
            throw .invalidValue(
                r.location, field: key,
                detail: "'\(label)' is not one of the labels \(choices.map(\.label).joined(separator: ", "))")
        }
        return label
    }
}

/// Text helpers shared by the loaders.
enum TaskText {
    /// `text` without surrounding white space and newlines.
    static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}
