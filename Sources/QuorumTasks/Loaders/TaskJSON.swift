import Foundation
import QuorumCore

/// A parsed JSON value with Sendable storage, so that records can be inspected with exact types.
///
/// A text is first parsed by `JSONSerialization` (whose error messages name the offending character, and
/// which the loaders' messages have always quoted), then read again by ``QuorumCore/ExactJSON``, which keeps
/// every number's digits (an integer gold beyond 2^53 keeps them all) and refuses a key given twice in one
/// object (`JSONSerialization` keeps the last one without a word).
enum TaskJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number: its double value, and its canonical text (integers exactly as written in the file,
    /// decimals without trailing zeros: `39.0` → `"39"`, `-0.50` → `"-0.5"`; exponent forms through
    /// `Double`: `1e30` → `"1e+30"`).
    case number(Double, text: String)
    case string(String)
    case array([TaskJSON])
    case object([String: TaskJSON])

    /// Parses one JSON text; throws the parser's message, or the duplicate key.
    static func parse(_ data: Data) throws(TaskJSONParseFailure) -> TaskJSON {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let info = (error as NSError).userInfo
            let detail = (info[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            throw TaskJSONParseFailure(detail: detail)
        }
        do throws(ExactJSON.Failure) {
            return TaskJSON(try ExactJSON.parse([UInt8](data)))
        } catch {
            switch error.reason {
            case .duplicateKey(let key, let first):
                throw TaskJSONParseFailure(
                    detail: "duplicate key", duplicate: .init(key: key, offset: error.offset, firstOffset: first))
            case .syntax, .tooDeep:
                throw TaskJSONParseFailure(detail: "\(error)")
            }
        }
    }

    /// The value of an exactly parsed text (nested at most ``QuorumCore/ExactJSON/maximumDepth`` deep, so the
    /// recursion is bounded).
    private init(_ value: ExactJSON) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .string(let s): self = .string(s)
        case .number(let text): self = .number(Double(text) ?? .nan, text: GoldNumber.canonical(literal: text))
        case .array(let items): self = .array(items.map(TaskJSON.init))
        case .object(let members):
            var fields: [String: TaskJSON] = [:]
            for member in members { fields[member.key] = TaskJSON(member.value) }
            self = .object(fields)
        }
    }

    /// "a string", "an object" …, for messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as text when it is a scalar: strings as they are, numbers canonically, booleans as
    /// `true`/`false`; `nil` for null, arrays and objects.
    var scalarText: String? {
        switch self {
        case .string(let s): s
        case .number(_, let text): text
        case .bool(let b): b ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// Compact JSON text with sorted keys, for keeping nested values in metadata.
    var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(_, let text): return text
        case .string(let s): return TaskJSON.quoted(s)
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { "\(TaskJSON.quoted($0)):\(fields[$0]!.jsonText)" }
                .joined(separator: ",") + "}"
        }
    }

    /// The value as metadata text: scalars as ``scalarText``, arrays of strings one per line, anything
    /// else as compact JSON; `nil` for null.
    var metadataText: String? {
        if case .null = self { return nil }
        if let text = scalarText { return text }
        if case .array(let items) = self {
            let strings = items.compactMap { item -> String? in
                if case .string(let s) = item { return s } else { return nil }
            }
            if strings.count == items.count { return strings.joined(separator: "\n") }
        }
        return jsonText
    }

    private static func quoted(_ s: String) -> String { JSONString.literal(s) }
}

/// Why a JSON text did not parse, in the parser's words, or the key it gives twice.
struct TaskJSONParseFailure: Error, Sendable {
    var detail: String
    /// A key given twice in one object, with the byte offsets (in the text) of both.
    var duplicate: DuplicateKey?

    struct DuplicateKey: Sendable {
        var key: String
        var offset: Int
        var firstOffset: Int
    }
}

/// Canonical text for numbers read from task files (gold answers, ids).
enum GoldNumber {
    /// `39.0` → `"39"`, `-0.0` → `"0"`, `2.5` → `"2.5"`; other values in Swift's shortest round-trip form.
    static func canonical(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// The canonical text of a JSON number literal: an integer exactly as written (`-0` → `"0"`), a decimal
    /// through ``canonical(numeral:)`` (exact on the digits), an exponent form through `Double`.
    static func canonical(literal text: String) -> String {
        let isInteger = text.utf8.allSatisfy { $0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) }
        if isInteger { return text == "-0" ? "0" : text }
        if !text.contains(where: { $0 == "e" || $0 == "E" }), let exact = canonical(numeral: text) { return exact }
        return canonical(Double(text) ?? .nan)
    }

    /// The canonical form of a decimal numeral (optional sign, thousands separators `1,234`, fraction),
    /// computed on the digits, without rounding: `"1,250.00"` → `"1250"`, `"+007"` → `"7"`,
    /// `"-0.50"` → `"-0.5"`, `".5"` → `"0.5"`. `nil` when `text` is not such a numeral.
    static func canonical(numeral text: String) -> String? {
        var s = Substring(text)
        var negative = false
        if let first = s.first, first == "-" || first == "+" {
            negative = first == "-"
            s = s.dropFirst()
        }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integer = String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        if parts.count == 2, fraction.isEmpty || !fraction.allSatisfy(\.isASCIIDigit) { return nil }
        if integer.contains(",") {
            let groups = integer.split(separator: ",", omittingEmptySubsequences: false)
            guard let head = groups.first, (1...3).contains(head.count),
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { return nil }
            integer = groups.joined()
        }
        guard integer.allSatisfy(\.isASCIIDigit), !(integer.isEmpty && fraction.isEmpty) else { return nil }
        var intDigits = integer.drop(while: { $0 == "0" })
        if intDigits.isEmpty { intDigits = "0" }
        var fracDigits = Substring(fraction)
        while fracDigits.last == "0" { fracDigits = fracDigits.dropLast() }
        var result = String(intDigits)
        if !fracDigits.isEmpty { result += "." + fracDigits }
        if negative, result != "0" { result = "-" + result }
        return result
    }
}
