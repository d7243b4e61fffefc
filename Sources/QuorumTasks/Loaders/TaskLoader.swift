import Foundation
import QuorumCore

/// Reads task files into ``QuorumCore/TaskSet``s: JSON Lines, JSON arrays and XML, optionally gzipped,
/// in the public layouts of ``TaskLayout`` (detected from field names or the XML root element) or through
/// a ``FieldMapping``.
///
/// Every record ends up either as a problem or as a rejection with its file, line (and, for XML and JSON
/// arrays, column) and reason; a load never drops a record silently. Problems are in file order, with ids
/// `<set name>/<native id>` or, for records without an id, `<set name>/<1-based record index>` (the index
/// counts rejected records too, so ids do not shift when a record is rejected). A native id that already
/// starts with the set name (`HumanEval/0`) is not prefixed twice (`humaneval/0`).
///
/// What fails the whole file is thrown: unreadable, empty, corrupt gzip, XML that is not well-formed,
/// unknown layout, no records, or JSON in which not a single record can be read.
public enum TaskLoader {
    /// Loads the task file at `path`.
    public static func load(file path: String, options: TaskLoadOptions = TaskLoadOptions()) throws(TaskLoadError) -> TaskSet {
        // Not Data(contentsOf:): it blocks forever on a FIFO, reads /dev/zero without end and calls both
        // "You don't have permission".
        switch RegularFile.read(path) {
        case .success(let data): return try load(data: data, source: path, options: options)
        case .failure(let failure): throw .unreadableFile(SourceLocation(file: path), detail: failure.reason)
        }
    }

    /// Loads a task file's bytes; `source` names the file in the task set and in every location.
    public static func load(data raw: Data, source: String, options: TaskLoadOptions = TaskLoadOptions()) throws(TaskLoadError) -> TaskSet {
        let whole = SourceLocation(file: source)
        var data = raw
        if Gzip.isGzip(data) {
            switch Gzip.decompress(data) {
            case .success(let inflated): data = inflated
            case .failure(let failure): throw .corruptGzip(whole, detail: failure.detail)
            }
        }
        let text = try TaskInputText.utf8(data, file: source)
        data = text.data  // UTF-8 without a byte order mark, indexed from 0
        guard let first = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw .emptyFile(whole)
        }
        let layout: TaskLayout
        var documentName: String?
        var slots: [ProblemSlot]
        switch first {
        case UInt8(ascii: "<"):
            let root = try XMLTreeBuilder.parse(data, file: source, fromUTF16: text.fromUTF16)
            if let mapping = options.mapping {
                layout = .mapped
                slots = try mapping.records(inXML: root, file: source)
            } else {
                guard let detected = TaskLayout.detect(xmlRoot: root.name) else {
                    throw .unknownLayout(
                        SourceLocation(file: source, line: root.line, column: root.column),
                        found: "XML root element <\(root.name)>")
                }
                layout = detected
                (documentName, slots) = try detected.problems(fromXML: root, file: source)
            }
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let records = first == UInt8(ascii: "[")
                ? JSONRecordReader.jsonArray(data, file: source) : JSONRecordReader.jsonLines(data, file: source)
            guard let firstRead = records.first(where: { (try? $0.fields.get()) != nil }),
                case .success(let firstFields) = firstRead.fields
            else {
                if first == UInt8(ascii: "{"), case .object(let fields)? = try? TaskJSON.parse(data) {
                    throw .unknownLayout(
                        SourceLocation(file: source, line: 1),
                        found: "one JSON object spanning lines (fields \(fields.keys.sorted().joined(separator: ", "))),"
                            + " not JSON Lines or an array of records")
                }
                if let failure = records.first, case .failure(let error) = failure.fields { throw error }
                throw .noRecords(whole, layout: "an empty JSON array")
            }
            if options.mapping != nil {
                layout = .mapped
            } else if let detected = TaskLayout.detect(jsonRecord: firstFields) {
                layout = detected
            } else {
                throw .unknownLayout(
                    firstRead.location,
                    found: "the first record has fields \(firstFields.keys.sorted().joined(separator: ", "))")
            }
            slots = records.map { record in
                ProblemSlot(
                    location: record.location,
                    result: record.fields.flatMap { fields in
                        let r = JSONRecord(fields: fields, location: record.location)
                        do throws(TaskLoadError) {
                            if let mapping = options.mapping { return .success(try mapping.problem(fromJSON: r)) }
                            return .success(try layout.problem(fromJSON: r))
                        } catch {
                            return .failure(error)
                        }
                    })
            }
        default:
            if let bad = TextPosition.firstInvalidUTF8(in: [UInt8](data.prefix(4096))) {
                var positions = TextPosition(data)
                let (line, column) = positions.lineAndColumn(ofOffset: bad)
                throw .invalidUTF8(SourceLocation(file: source, line: line, column: column), byte: data[bad])
            }
            let firstCharacter = String(decoding: data.prefix(64), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines).prefix(1)
            throw .unknownLayout(
                SourceLocation(file: source, line: 1),
                found: "not JSON Lines, a JSON array or XML (it starts with '\(firstCharacter)')")
        }
        guard !slots.isEmpty else {
            throw .noRecords(whole, layout: layout == .mapped ? "mapped XML: no element is a record of the mapping" : layout.rawValue)
        }
        let name = options.name ?? documentName ?? layout.defaultSetName ?? fileStem(source)
        return assemble(slots: slots, name: name, source: source, layout: layout)
    }

    /// Turns slots into problems with final ids, and everything else (and duplicate ids) into rejections.
    private static func assemble(slots: [ProblemSlot], name: String, source: String, layout: TaskLayout) -> TaskSet {
        var problems: [Problem] = []
        var rejections: [Rejection] = []
        var seen: [String: SourceLocation] = [:]
        for (offset, slot) in slots.enumerated() {
            switch slot.result {
            case .failure(let error):
                rejections.append(error.rejection)
            case .success(let record):
                var local = record.nativeID ?? String(offset + 1)
                if local.lowercased().hasPrefix(name.lowercased() + "/"), local.count > name.count + 1 {
                    local = String(local.dropFirst(name.count + 1))
                }
                let id = "\(name)/\(local)"
                if let first = seen[id] {
                    rejections.append(TaskLoadError.duplicateID(slot.location, id: id, first: first).rejection)
                    continue
                }
                seen[id] = slot.location
                problems.append(
                    Problem(
                        id: id, question: record.question, kind: record.kind, gold: record.gold,
                        choices: record.choices, metadata: record.metadata))
            }
        }
        return TaskSet(name: name, source: source, layout: layout.rawValue, problems: problems, rejections: rejections)
    }

    /// The file name without `.gz` and one more extension: `arith-easy.fewshot.jsonl` → `arith-easy.fewshot`.
    static func fileStem(_ path: String) -> String {
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
        let stem = (name as NSString).deletingPathExtension
        return stem.isEmpty ? name : stem
    }
}
