import Foundation

/// One line of a JSON Lines file, with its 1-based line number.
public struct NumberedLine: Sendable, Hashable {
    public var number: Int
    /// The line's bytes without the terminating `\n` (and without a `\r` before it).
    public var bytes: Data
    /// Whether the line ended with a newline; a last line without one may be a truncated write.
    public var terminated: Bool
}

/// Splits a JSON Lines file into numbered lines, keeping blank lines out but counting them.
///
/// Written by hand because Foundation has no line splitter over `Data` that keeps line numbers and tells
/// whether the last line was terminated (which is how a crashed writer's truncated line is recognised).
public enum JSONLines {
    /// The non-blank lines of `data`, numbered from 1.
    public static func lines(of data: Data) -> [NumberedLine] {
        var result: [NumberedLine] = []
        var lineNumber = 1
        var start = data.startIndex
        var index = data.startIndex
        func emit(_ end: Data.Index, terminated: Bool) {
            var slice = data[start..<end]
            if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
            if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                result.append(NumberedLine(number: lineNumber, bytes: Data(slice), terminated: terminated))
            }
        }
        while index < data.endIndex {
            if data[index] == UInt8(ascii: "\n") {
                emit(index, terminated: true)
                lineNumber += 1
                start = data.index(after: index)
            }
            index = data.index(after: index)
        }
        if start < data.endIndex { emit(data.endIndex, terminated: false) }
        return result
    }

    /// Decodes one line as a JSON object, throwing a message that names the problem (not the location).
    public static func object(_ line: NumberedLine) throws(LineError) -> [String: Any] {
        guard String(data: line.bytes, encoding: .utf8) != nil else { throw .invalidUTF8 }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: line.bytes, options: [.fragmentsAllowed])
        } catch {
            throw line.terminated ? .malformedJSON : .truncated
        }
        guard let object = value as? [String: Any] else { throw .notAnObject }
        return object
    }

    /// Why a line could not be read as a JSON object.
    public enum LineError: Error, Sendable, Hashable, CustomStringConvertible {
        case invalidUTF8, malformedJSON, truncated, notAnObject
        public var description: String {
            switch self {
            case .invalidUTF8: "invalid UTF-8"
            case .malformedJSON: "malformed JSON"
            case .truncated: "truncated last line (no newline and not valid JSON: an interrupted write?)"
            case .notAnObject: "not a JSON object"
            }
        }
    }
}
