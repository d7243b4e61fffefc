import Foundation
import QuorumCore

/// The fields of one JSON record with typed access whose failures name the field and the record's place.
struct JSONRecord: Sendable {
    var fields: [String: TaskJSON]
    var location: SourceLocation

    /// The value of `key`, which must be present and not null.
    func value(_ key: String) throws(TaskLoadError) -> TaskJSON {
        guard let value = fields[key], value != .null else { throw .missingField(location, field: name(key)) }
        return value
    }

    /// A string field.
    func string(_ key: String) throws(TaskLoadError) -> String {
        let value = try value(key)
        guard case .string(let s) = value else {
            throw .wrongType(location, field: name(key), expected: "a string", found: value.typeName)
        }
        return s
    }

    /// A string field that must contain more than white space.
    func text(_ key: String) throws(TaskLoadError) -> String {
        let s = try string(key)
        guard !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalidValue(location, field: name(key), detail: "empty")
        }
        return s
    }

    /// A number field, as canonical text (`51.0` → `"51"`).
    func number(_ key: String) throws(TaskLoadError) -> String {
        let value = try value(key)
        guard case .number(_, let text) = value else {
            throw .wrongType(location, field: name(key), expected: "a number", found: value.typeName)
        }
        return text
    }

    /// A field that identifies the record: a string or an integer.
    func identifier(_ key: String) throws(TaskLoadError) -> String {
        let value = try value(key)
        switch value {
        case .string(let s) where !s.isEmpty: return s
        case .number(let d, let text) where d == d.rounded(): return text
        default: throw .wrongType(location, field: name(key), expected: "a string or an integer", found: value.typeName)
        }
    }

    /// An array field.
    func array(_ key: String) throws(TaskLoadError) -> [TaskJSON] {
        let value = try value(key)
        guard case .array(let items) = value else {
            throw .wrongType(location, field: name(key), expected: "an array", found: value.typeName)
        }
        return items
    }

    /// An array field whose elements are all strings (`test_list`).
    func strings(_ key: String) throws(TaskLoadError) -> [String] {
        var result: [String] = []
        for (index, item) in try array(key).enumerated() {
            guard case .string(let s) = item else {
                throw .wrongType(location, field: "\(name(key))[\(index)]", expected: "a string", found: item.typeName)
            }
            result.append(s)
        }
        return result
    }

    /// An object field.
    func object(_ key: String) throws(TaskLoadError) -> JSONRecord {
        let value = try value(key)
        guard case .object(let inner) = value else {
            throw .wrongType(location, field: name(key), expected: "an object", found: value.typeName)
        }
        return JSONRecord(fields: inner, location: location, prefix: name(key))
    }

    /// For nested objects: the dotted path of this object, so that messages name `question.stem`.
    private var prefix: String?

    /// `key` as messages name it: with the path of the enclosing objects.
    func name(_ key: String) -> String { prefix.map { "\($0).\(key)" } ?? key }

    init(fields: [String: TaskJSON], location: SourceLocation, prefix: String? = nil) {
        self.fields = fields
        self.location = location
        self.prefix = prefix
    }

    /// Every field not in `used`, as metadata text (see ``TaskJSON/metadataText``).
    func metadata(excluding used: Set<String>) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in fields where !used.contains(key) {
            if let text = value.metadataText { result[key] = text }
        }
        return result
    }
}
