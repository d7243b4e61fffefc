import QuorumCore

/// Where a problem's parts are in a record of a layout that ``TaskLoader`` does not know, given on the
/// command line as `--field TARGET=SOURCE` (one per target).
///
/// Targets: `question` (required), `answer`, `id`, `choices`, `labels`, `meta.NAME` (any metadata key),
/// `kind` (a literal: `math`, `choice`, `text` or `code`; default `choice` when `choices` is mapped, else
/// `math`) and, for XML, `record` (the element name of one record).
///
/// A SOURCE is one or more paths joined by `+`; the values are joined with a space for `question`,
/// `answer` and `id`, and collected in order for `choices` and `labels`.
/// - JSON paths are dotted keys, with array indices as numbers: `question.stem`, `choices.text`,
///   `lSolutions.0`. A path that ends at an array yields its elements.
/// - XML paths are element names separated by `/`, ending in an element or an `@attribute`, relative to
///   the record element, which may be named first: `Problem/Body`, `Problem/@ID`, `Body`, `@ID`. The
///   record element is `record=NAME` or, when every path starts with the same element name, that name.
///
/// Example: `--field question=Body+Question --field answer=Answer --field id=ID`.
public struct FieldMapping: Sendable, Hashable {
    /// The XML record element, when given or inferred from the paths.
    public var record: String?
    /// The record's own id; `nil` numbers records from 1.
    public var id: FieldSource?
    /// The question text (several paths are joined with a space).
    public var question: FieldSource
    /// The gold answer, normalised by kind; `nil` means no gold.
    public var answer: FieldSource?
    /// The options of a choice problem, in order.
    public var choices: FieldSource?
    /// Labels of the choices, one per choice; default: the choices' own `label` fields, else A, B, C ….
    public var labels: FieldSource?
    /// The problems' kind; `nil` means `choice` when ``choices`` is mapped, else `math`.
    public var kind: TaskKind?
    /// Metadata keys and where their values are.
    public var metadata: [String: FieldSource]

    /// Parses `--field` specifications (`"question=Body+Question"`, …).
    public init(parsing specs: [String]) throws(TaskLoadError) {
        var targets: [String: FieldSource] = [:]
        var record: String?
        var kind: TaskKind?
        for spec in specs {
            guard let equals = spec.firstIndex(of: "=") else {
                throw .invalidFieldMapping(spec: spec, detail: "expected TARGET=SOURCE, e.g. question=Body+Question")
            }
            let target = TaskText.trimmed(String(spec[..<equals]))
            let source = TaskText.trimmed(String(spec[spec.index(after: equals)...]))
            guard !source.isEmpty else { throw .invalidFieldMapping(spec: spec, detail: "empty source") }
            if targets[target] != nil || (target == "record" && record != nil) || (target == "kind" && kind != nil) {
                throw .invalidFieldMapping(spec: spec, detail: "'\(target)' is mapped twice")
            }
            switch target {
            case "record":
                record = source
            case "kind":
                guard let parsed = TaskKind(rawValue: source) else {
                    throw .invalidFieldMapping(
                        spec: spec,
                        detail: "kind must be one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kind = parsed
            case "question", "answer", "id", "choices", "labels":
                targets[target] = try FieldSource(parsing: source, spec: spec)
            default:
                guard target.hasPrefix("meta."), target.count > 5 else {
                    throw .invalidFieldMapping(
                        spec: spec,
                        detail: "unknown target '\(target)'; targets are question, answer, id, choices, labels,"
                            + " kind, record and meta.NAME")
                }
                targets[target] = try FieldSource(parsing: source, spec: spec)
            }
        }
        guard let question = targets["question"] else {
            throw .invalidFieldMapping(spec: specs.joined(separator: " "), detail: "no question=… given")
        }
        if targets["labels"] != nil, targets["choices"] == nil {
            throw .invalidFieldMapping(spec: specs.joined(separator: " "), detail: "labels=… needs choices=…")
        }
        self.record = record
        self.kind = kind
        self.question = question
        id = targets["id"]
        answer = targets["answer"]
        choices = targets["choices"]
        labels = targets["labels"]
        metadata = [:]
        for (target, source) in targets where target.hasPrefix("meta.") {
            metadata[String(target.dropFirst(5))] = source
        }
    }

    /// The kind of the mapped problems.
    public var effectiveKind: TaskKind { kind ?? (choices == nil ? .math : .choice) }

    /// Every source of the mapping, for inferring the XML record element.
    var allSources: [FieldSource] {
        [id, question, answer, choices, labels].compactMap { $0 } + metadata.keys.sorted().map { metadata[$0]! }
    }
}

/// One or more paths whose values make one target of a ``FieldMapping``.
public struct FieldSource: Sendable, Hashable, CustomStringConvertible {
    /// The paths, as written (`"question.stem"`, `"Problem/@ID"`).
    public var paths: [String]

    init(parsing source: String, spec: String) throws(TaskLoadError) {
        let paths = source.split(separator: "+", omittingEmptySubsequences: false).map { TaskText.trimmed(String($0)) }
        guard !paths.contains(where: \.isEmpty) else {
            throw .invalidFieldMapping(spec: spec, detail: "empty path in '\(source)'")
        }
        self.paths = paths
    }

    public var description: String { paths.joined(separator: "+") }
}
