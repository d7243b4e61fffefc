/// A JSON value exactly as written: numbers keep their text, object members their order and position, and
/// a key that appears twice in one object is an error.
///
/// `JSONSerialization` and `JSONDecoder` turn numbers into `Double` (an integer gold beyond 2^53 loses
/// digits) and keep the last of two equal keys without a word; the loaders check each record with this
/// parser as well. It is iterative (an explicit stack, no recursion), so no input can overflow the stack,
/// and it stops at ``maximumDepth`` levels of nesting, as Foundation's parsers do.
public enum ExactJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number's literal text, e.g. `123456789012345678901234567890`, `-0.50`, `1e30` (with
    /// `allowNonFinite`, also `NaN`, `Infinity`, `-Infinity`).
    case number(String)
    case string(String)
    case array([ExactJSON])
    /// Members in file order; keys are distinct.
    case object([Member])

    /// One member of an object, with the byte offset of its key's opening quote.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: ExactJSON
        public var offset: Int

        public init(key: String, value: ExactJSON, offset: Int) {
            self.key = key
            self.value = value
            self.offset = offset
        }
    }

    /// The deepest nesting of arrays and objects accepted (Foundation's parsers stop at 512 too).
    public static let maximumDepth = 512

    /// Why a text could not be read; `offset` is the byte offset (from the start of the input) of the
    /// problem.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Reason: Sendable, Hashable {
            /// `key` appears a second time in one object; `firstOffset` is where it first appeared.
            case duplicateKey(String, firstOffset: Int)
            /// Not JSON: what was expected or found.
            case syntax(String)
            /// Nested deeper than ``ExactJSON/maximumDepth``.
            case tooDeep
        }
        public var offset: Int
        public var reason: Reason

        public init(offset: Int, reason: Reason) {
            self.offset = offset
            self.reason = reason
        }

        public var description: String {
            switch reason {
            case .duplicateKey(let key, let first): "duplicate key \"\(key)\" at byte \(offset) (first at byte \(first))"
            case .syntax(let detail): "\(detail) at byte \(offset)"
            case .tooDeep: "more than \(ExactJSON.maximumDepth) levels of nesting at byte \(offset)"
            }
        }
    }

    /// The member `key` of an object; `nil` for other values or a missing key.
    public subscript(key: String) -> ExactJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// Parses the whole of `bytes` (UTF-8) as one JSON value; white space may surround it.
    /// `allowNonFinite` also reads Python's `NaN`, `Infinity` and `-Infinity` as numbers.
    public static func parse(_ bytes: [UInt8], allowNonFinite: Bool = false) throws(Failure) -> ExactJSON {
        var parser = ExactJSONParser(bytes: bytes, allowNonFinite: allowNonFinite)
        return try parser.document()
    }
}

/// The state of one ``ExactJSON/parse(_:allowNonFinite:)``.
private struct ExactJSONParser {
    let bytes: [UInt8]
    let allowNonFinite: Bool
    var i = 0
    /// The first key given twice: reported once the whole text has been read, so that a syntax error
    /// anywhere in it is what the caller hears first (a duplicate key is a lesser fault of valid JSON).
    var firstDuplicate: ExactJSON.Failure?

    /// An array or object being read, innermost last.
    enum Frame {
        case array([ExactJSON])
        case object(members: [ExactJSON.Member], seen: [String: Int], key: String, keyOffset: Int)
    }

    init(bytes: [UInt8], allowNonFinite: Bool) {
        self.bytes = bytes
        self.allowNonFinite = allowNonFinite
    }

    func fail(_ detail: String, at offset: Int? = nil) -> ExactJSON.Failure {
        ExactJSON.Failure(offset: offset ?? i, reason: .syntax(detail))
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func document() throws(ExactJSON.Failure) -> ExactJSON {
        var stack: [Frame] = []
        var value: ExactJSON
        // Each turn reads one value (opening a container pushes a frame and reads its first value or its
        // end), then hands finished values to the enclosing frames until one wants another value.
        next: while true {
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[i] {
            case UInt8(ascii: "["):
                guard stack.count < ExactJSON.maximumDepth else { throw ExactJSON.Failure(offset: i, reason: .tooDeep) }
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    value = .array([])
                } else {
                    stack.append(.array([]))
                    continue next
                }
            case UInt8(ascii: "{"):
                guard stack.count < ExactJSON.maximumDepth else { throw ExactJSON.Failure(offset: i, reason: .tooDeep) }
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    value = .object([])
                } else {
                    let (key, offset) = try memberKey()
                    stack.append(.object(members: [], seen: [:], key: key, keyOffset: offset))
                    continue next
                }
            case UInt8(ascii: "\""):
                value = .string(try string())
            default:
                value = try scalar()
            }
            // Hand the value to the enclosing containers.
            while true {
                guard var frame = stack.popLast() else {
                    skipSpace()
                    guard i == bytes.count else { throw fail("unexpected content after the value") }
                    if let firstDuplicate { throw firstDuplicate }
                    return value
                }
                skipSpace()
                let separator = i < bytes.count ? bytes[i] : 0
                switch frame {
                case .array(var items):
                    items.append(value)
                    if separator == UInt8(ascii: ",") {
                        i += 1
                        stack.append(.array(items))
                        continue next
                    }
                    guard separator == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                    i += 1
                    value = .array(items)
                case .object(var members, var seen, let key, let keyOffset):
                    if let first = seen[key] {
                        if firstDuplicate == nil {
                            firstDuplicate = ExactJSON.Failure(offset: keyOffset, reason: .duplicateKey(key, firstOffset: first))
                        }
                    } else {
                        seen[key] = keyOffset
                        members.append(ExactJSON.Member(key: key, value: value, offset: keyOffset))
                    }
                    if separator == UInt8(ascii: ",") {
                        i += 1
                        skipSpace()
                        let (nextKey, nextOffset) = try memberKey()
                        frame = .object(members: members, seen: seen, key: nextKey, keyOffset: nextOffset)
                        stack.append(frame)
                        continue next
                    }
                    guard separator == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an object") }
                    i += 1
                    value = .object(members)
                }
            }
        }
    }

    /// `"key"` and the `:` after it; returns the key and the offset of its opening quote.
    mutating func memberKey() throws(ExactJSON.Failure) -> (String, Int) {
        let offset = i
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        let key = try string()
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
        i += 1
        return (key, offset)
    }

    /// A string starting at the opening quote; escapes decoded, a lone surrogate escape read as U+FFFD.
    mutating func string() throws(ExactJSON.Failure) -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw fail("unterminated string", at: start) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw fail("control character in a string") }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u")
                {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                let decoded = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: UTF8.encode(decoded)!)
            default:
                throw fail("invalid escape", at: i - 2)
            }
        }
    }

    mutating func hex4() throws(ExactJSON.Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | digit
        }
        i += 4
        return value
    }

    /// `true`, `false`, `null` or a number.
    mutating func scalar() throws(ExactJSON.Failure) -> ExactJSON {
        for (word, value) in [("true", ExactJSON.bool(true)), ("false", .bool(false)), ("null", .null)]
        where matches(word) {
            i += word.utf8.count
            return value
        }
        if allowNonFinite {
            for word in ["NaN", "Infinity", "-Infinity", "+Infinity"] where matches(word) {
                i += word.utf8.count
                return .number(word)
            }
        }
        let start = i
        func digits() -> Int {
            let from = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i - from
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let integerStart = i
        let integerDigits = digits()
        guard integerDigits > 0 else { throw fail("invalid value", at: start) }
        // JSON has no leading zeros (`0100`): Foundation's decoder refuses them too, but only when a field
        // asks for the number, so letting one through here left the verdict to it (found by make fuzz).
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw fail("a number with a leading zero", at: start) }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("invalid number", at: start) }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("invalid number", at: start) }
        }
        return .number(String(decoding: bytes[start..<i], as: UTF8.self))
    }

    func matches(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count else { return false }
        for k in 0..<w.count where bytes[i + k] != w[k] { return false }
        return true
    }
}
