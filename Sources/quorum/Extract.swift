import ArgumentParser
import Foundation
import QuorumTasks

/// `quorum extract`: adds the extracted answer to every JSON Lines record.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract the answer from each record's \"text\" and add it as \"answer\".",
        discussion: """
            Reads JSON Lines (one object per line with a string field "text"; choice records may carry \
            "choices") and writes the same objects, byte for byte, with "answer" set to the extracted \
            answer in normalised form, or null when the text holds no answer. An existing "answer" is \
            replaced. If any line cannot be used, every such line is reported as FILE:LINE: reason and \
            nothing is written (exit status 1).

            "choices" may be a list of option texts (labelled A, B, C, …), a list of {"label", "text"} \
            objects, {"label": [...], "text": [...]}, or an object mapping labels to texts. --choices \
            gives the options for records without them: each value is TEXT or LABEL=TEXT. Without any \
            options, choice extraction assumes labels A-E. Put FILE before --choices, or end the list \
            with --.
            """)

    @Option(help: "How answers are found.")
    var kind: AnswerKindArgument

    @Option(parsing: .upToNextOption, help: "Options for records without \"choices\" (TEXT or LABEL=TEXT).")
    var choices: [String] = []

    @Flag(help: "Also add \"answer_rule\": the rule that found the answer (null when none did).")
    var withRule = false

    @Argument(help: "JSON Lines file, or - for standard input.")
    var file: String = "-"

    func validate() throws {
        if !choices.isEmpty && kind != .choice {
            throw ValidationError("--choices applies to --kind choice only")
        }
    }

    func run() throws {
        let name = file == "-" ? "<stdin>" : file
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw CommandError.unreadable(path: file, reason: error.localizedDescription)
            }
        }
        let defaultChoices = try Self.parseChoiceOptions(choices)
        var output = Data()
        var failures: [CommandError] = []
        var found = 0
        var none = 0
        for line in JSONLines.lines(of: data) {
            let location = SourceLocation(file: name, line: line.number)
            let object: [String: Any]
            do {
                object = try JSONLines.object(line)
            } catch {
                failures.append(.malformedLine(location, error))
                continue
            }
            guard let textValue = object["text"] else {
                failures.append(.missingText(location))
                continue
            }
            guard let text = textValue as? String else {
                failures.append(.textNotString(location))
                continue
            }
            var options = defaultChoices
            if let raw = object["choices"], !(raw is NSNull) {
                do {
                    options = try Self.parseChoices(raw)
                } catch let ChoiceShapeError.invalid(reason) {
                    failures.append(.badChoices(location, reason: reason))
                    continue
                }
            }
            let outcome = makeExtractor(kind: kind.taskKind, choices: options).extract(from: text)
            let valueJSON = outcome.answer.map { JSONObjectEditor.encodeString($0.normalized) } ?? "null"
            if outcome.answer == nil { none += 1 } else { found += 1 }
            var patched = JSONObjectEditor.setting("answer", toJSON: valueJSON, in: line.bytes)
            if withRule, let withAnswer = patched {
                let ruleJSON = outcome.rule.map { JSONObjectEditor.encodeString($0.rawValue) } ?? "null"
                patched = JSONObjectEditor.setting("answer_rule", toJSON: ruleJSON, in: withAnswer)
            }
            guard let patched else {
                failures.append(.malformedLine(location, .notAnObject))
                continue
            }
            output.append(patched)
            output.append(UInt8(ascii: "\n"))
        }
        if !failures.isEmpty { throw CommandError.rejected(failures, outcome: .written) }
        FileHandle.standardOutput.write(output)
        FileHandle.standardError.write(Data("\(found + none) records: \(found) answers, \(none) without an answer\n".utf8))
    }

    // MARK: - Options

    enum ChoiceShapeError: Error {
        case invalid(String)
    }

    /// Options from `--choices` values: `TEXT` (labelled by position) or `LABEL=TEXT`.
    static func parseChoiceOptions(_ values: [String]) throws -> [Choice] {
        try values.enumerated().map { position, value in
            if let equals = value.firstIndex(of: "=") {
                let label = String(value[..<equals])
                if (1...2).contains(label.count), label.allSatisfy({ $0.isLetter || $0.isNumber }) {
                    return Choice(label: label, text: String(value[value.index(after: equals)...]))
                }
            }
            guard let label = positionalLabel(position) else {
                throw CommandError.badChoiceOption("more than 26 options")
            }
            return Choice(label: label, text: value)
        }
    }

    /// The label of the option at `position`: A, B, … Z.
    static func positionalLabel(_ position: Int) -> String? {
        guard (0..<26).contains(position), let scalar = Unicode.Scalar(65 + position) else { return nil }
        return String(Character(scalar))
    }

    /// Options from a record's `choices` value (see the command's discussion for the accepted shapes).
    static func parseChoices(_ raw: Any) throws(ChoiceShapeError) -> [Choice] {
        if let texts = raw as? [String] {
            return try texts.enumerated().map { (position, text) throws(ChoiceShapeError) in
                guard let label = positionalLabel(position) else { throw .invalid("more than 26 options") }
                return Choice(label: label, text: text)
            }
        }
        if let list = raw as? [Any] {
            return try list.enumerated().map { (position, item) throws(ChoiceShapeError) in
                guard let entry = item as? [String: Any], let label = labelString(entry["label"]),
                    let text = entry["text"] as? String
                else { throw .invalid("item \(position + 1) is not a string or a {\"label\", \"text\"} object") }
                return Choice(label: label, text: text)
            }
        }
        if let table = raw as? [String: Any] {
            if let labels = table["label"] as? [Any], let texts = table["text"] as? [Any] {
                guard labels.count == texts.count else {
                    throw .invalid("\(labels.count) labels but \(texts.count) texts")
                }
                return try zip(labels, texts).enumerated().map { (position, pair) throws(ChoiceShapeError) in
                    guard let label = labelString(pair.0), let text = pair.1 as? String else {
                        throw .invalid("label or text \(position + 1) is not a string")
                    }
                    return Choice(label: label, text: text)
                }
            }
            return try table.keys.sorted().map { (label) throws(ChoiceShapeError) in
                guard let text = table[label] as? String else { throw .invalid("the text of \(label) is not a string") }
                return Choice(label: label, text: text)
            }
        }
        throw .invalid("expected a list of texts, a list of {\"label\", \"text\"} objects, or an object")
    }

    private static func labelString(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        if let number = value as? Int { return String(number) }
        return nil
    }
}

/// Which extractor `quorum extract` uses.
enum AnswerKindArgument: String, ExpressibleByArgument, CaseIterable {
    case math, choice, text

    var taskKind: TaskKind {
        switch self {
        case .math: .math
        case .choice: .choice
        case .text: .text
        }
    }
}
