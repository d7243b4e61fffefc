import Foundation
import QuorumCore

/// One record of a JSON Lines file or JSON array, parsed or rejected, with where it starts.
struct JSONRecordSlot: Sendable {
    /// The record's first line (column 1 for JSON Lines, the element's column for arrays).
    var location: SourceLocation
    /// The record's fields, or why it could not be read as an object.
    var fields: Result<[String: TaskJSON], TaskLoadError>
}

/// Splits JSON Lines files and JSON arrays into records, each with its line, so that a bad record is
/// rejected on its own and the rest are read.
enum JSONRecordReader {
    /// The records of a JSON Lines file: one per non-blank line.
    static func jsonLines(_ data: Data, file: String) -> [JSONRecordSlot] {
        JSONLines.lines(of: data).map { line in
            let location = SourceLocation(file: file, line: line.number)
            return JSONRecordSlot(location: location, fields: parse(line.bytes, at: location, terminated: line.terminated))
        }
    }

    /// The elements of a top-level JSON array, each with the line and column where it starts.
    ///
    /// Written by hand because `JSONSerialization` parses a whole array or nothing and gives no positions:
    /// this scanner only finds where each element starts and ends (tracking strings, escapes and nesting)
    /// and leaves the parsing of each element to `JSONSerialization`. An array cut short rejects its last
    /// element as truncated; bytes after the closing `]` are a rejection of their own.
    static func jsonArray(_ data: Data, file: String) -> [JSONRecordSlot] {
        let bytes = [UInt8](data)
        var positions = TextPosition(data)
        func location(_ offset: Int) -> SourceLocation {
            let (line, column) = positions.lineAndColumn(ofOffset: offset)
            return SourceLocation(file: file, line: line, column: column)
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        var slots: [JSONRecordSlot] = []
        var i = 0
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return [] }
        i += 1
        var closed = false
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            if bytes[i] == UInt8(ascii: "]") {
                closed = true
                i += 1
                break
            }
            let start = i
            var depth = 0
            var inString = false
            var end: Int?
            while i < bytes.count {
                let b = bytes[i]
                if inString {
                    if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inString = false }
                } else if b == UInt8(ascii: "\"") {
                    inString = true
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                } else if b == UInt8(ascii: "}") || (b == UInt8(ascii: "]") && depth > 0) {
                    depth -= 1
                } else if depth <= 0, b == UInt8(ascii: ",") || b == UInt8(ascii: "]") {
                    end = i
                    break
                }
                i += 1
            }
            let here = location(start)
            guard let end else {
                // The data ends inside this element, or after it without `,` or `]`: keep it if it is whole.
                var last = bytes.count
                while last > start, isSpace(bytes[last - 1]) { last -= 1 }
                let parsed = parse(Data(bytes[start..<last]), at: here, terminated: true)
                if case .success = parsed {
                    slots.append(JSONRecordSlot(location: here, fields: parsed))
                    let eof = location(bytes.count)
                    slots.append(JSONRecordSlot(location: eof, fields: .failure(.unclosedArray(eof))))
                } else {
                    slots.append(JSONRecordSlot(location: here, fields: .failure(.truncatedRecord(here))))
                }
                return slots
            }
            var last = end
            while last > start, isSpace(bytes[last - 1]) { last -= 1 }
            let element = Data(bytes[start..<last])
            slots.append(JSONRecordSlot(location: here, fields: parse(element, at: here, terminated: true)))
            if bytes[end] == UInt8(ascii: ",") {
                i = end + 1
            } else {
                i = end  // the closing bracket, handled at the top of the loop
            }
        }
        if !closed {
            let here = location(bytes.count)
            slots.append(JSONRecordSlot(location: here, fields: .failure(.unclosedArray(here))))
            return slots
        }
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        if i < bytes.count {
            let here = location(i)
            slots.append(JSONRecordSlot(location: here, fields: .failure(.trailingContent(here))))
        }
        return slots
    }

    /// Parses one record's bytes as a JSON object.
    static func parse(_ bytes: Data, at location: SourceLocation, terminated: Bool) -> Result<[String: TaskJSON], TaskLoadError> {
        if let bad = TextPosition.firstInvalidUTF8(in: [UInt8](bytes)) {
            // The bad byte's place in the file, from its place within the record.
            var record = TextPosition(bytes)
            let within = record.lineAndColumn(ofOffset: bad)
            var at = location
            at.line = (location.line ?? 1) + within.line - 1
            at.column = within.line == 1 ? (location.column ?? 1) + within.column - 1 : within.column
            return .failure(.invalidUTF8(at, byte: bytes[bytes.startIndex + bad]))
        }
        let value: TaskJSON
        do {
            value = try TaskJSON.parse(bytes)
        } catch {
            if let duplicate = error.duplicate {
                return .failure(
                    .duplicateKey(
                        place(duplicate.offset, in: bytes, at: location), key: duplicate.key,
                        first: place(duplicate.firstOffset, in: bytes, at: location)))
            }
            guard terminated else { return .failure(.truncatedRecord(location)) }
            return .failure(malformed(error.detail, in: bytes, at: location))
        }
        guard case .object(let fields) = value else { return .failure(.notAnObject(location, found: value.typeName)) }
        return .success(fields)
    }

    /// The file location of byte `offset` of a record that starts at `location`.
    private static func place(_ offset: Int, in bytes: Data, at location: SourceLocation) -> SourceLocation {
        var record = TextPosition(bytes)
        let within = record.lineAndColumn(ofOffset: offset)
        var at = location
        at.line = (location.line ?? 1) + within.line - 1
        at.column = within.line == 1 ? (location.column ?? 1) + within.column - 1 : within.column
        return at
    }

    /// A parse failure located where the parser says it is: "Invalid value around character 24." becomes
    /// "invalid value" at the line and column of byte 24 of the record.
    private static func malformed(_ detail: String, in bytes: Data, at location: SourceLocation) -> TaskLoadError {
        var message = detail.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        var at = location
        if let range = message.range(of: " around character "),
            let offset = Int(message[range.upperBound...].prefix(while: \.isNumber))
        {
            message = String(message[..<range.lowerBound])
            var record = TextPosition(bytes)
            let within = record.lineAndColumn(ofOffset: offset)
            at.line = (location.line ?? 1) + within.line - 1
            at.column = within.line == 1 ? (location.column ?? 1) + within.column - 1 : within.column
        }
        if let first = message.first { message = first.lowercased() + message.dropFirst() }
        return .malformedJSON(at, detail: message)
    }
}
