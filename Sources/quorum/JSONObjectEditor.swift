import Foundation
import QuorumCore

/// Sets one top-level key of a JSON object held as bytes, keeping every other byte as it was (key order,
/// spacing, number spellings such as `-0.31000000000000000`), so that `quorum extract` adds `answer` to
/// a record without rewriting it.
///
/// Written by hand: Foundation's `JSONSerialization` can only re-serialise the whole object, which
/// reorders keys and may respell numbers. Callers validate the bytes with `JSONSerialization` first; on
/// anything unexpected this returns `nil` rather than guessing, and it never reads out of bounds.
enum JSONObjectEditor {
    /// `object` with `key` set to `valueJSON` (already-encoded JSON): every existing occurrence of the
    /// key replaced, or the key appended after the last member. `nil` when `object` is not one JSON object.
    static func setting(_ key: String, toJSON valueJSON: String, in object: Data) -> Data? {
        let bytes = [UInt8](object)
        var index = skipWhitespace(bytes, 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var valueSpans: [Range<Int>] = []
        var lastMemberEnd: Int?
        while true {
            index = skipWhitespace(bytes, index)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "}") && lastMemberEnd == nil { break }
            guard bytes[index] == UInt8(ascii: "\""), let keyEnd = skipString(bytes, index) else { return nil }
            let name = try? JSONSerialization.jsonObject(
                with: Data(bytes[index..<keyEnd]), options: [.fragmentsAllowed]) as? String
            index = skipWhitespace(bytes, keyEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index = skipWhitespace(bytes, index + 1)
            guard let valueEnd = skipValue(bytes, index) else { return nil }
            if name == key { valueSpans.append(index..<valueEnd) }
            lastMemberEnd = valueEnd
            index = skipWhitespace(bytes, valueEnd)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            break
        }
        guard skipWhitespace(bytes, index + 1) == bytes.count else { return nil }
        var result = bytes
        let value = Array(valueJSON.utf8)
        if valueSpans.isEmpty {
            let keyJSON = encodeString(key)
            if let lastMemberEnd {
                result.insert(contentsOf: Array(",\(keyJSON):".utf8) + value, at: lastMemberEnd)
            } else {
                result.insert(contentsOf: Array("\(keyJSON):".utf8) + value, at: index)
            }
        } else {
            for span in valueSpans.reversed() { result.replaceSubrange(span, with: value) }
        }
        return Data(result)
    }

    /// A Swift string as a JSON string literal (``JSONString/literal(_:)``).
    static func encodeString(_ text: String) -> String { JSONString.literal(text) }

    private static func skipWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// The index after the string literal starting at `start`.
    private static func skipString(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// The index after the JSON value starting at `start`.
    private static func skipValue(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return skipString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = skipString(bytes, index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            let stops: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")]
            while index < bytes.count, !stops.contains(bytes[index]) { index += 1 }
            return index > start ? index : nil
        }
    }
}
