import Foundation

/// Maps byte offsets of a UTF-8 file to 1-based line and column numbers (columns count Unicode scalars,
/// as libxml2 does), and finds the first byte that is not UTF-8.
///
/// Written by hand: Foundation reports neither where a UTF-8 decoding failed nor line/column positions.
struct TextPosition: Sendable {
    /// Byte offset (from the start of the data) at which each line starts; `lineStarts[0] == 0`.
    private let lineStarts: [Int]
    private let bytes: [UInt8]

    init(_ data: Data) {
        bytes = [UInt8](data)
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            for offset in 0..<buffer.count where buffer[offset] == 0x0A { starts.append(offset + 1) }
        }
        lineStarts = starts
    }

    /// The last position computed, so that positions asked for in increasing order (SAX events, array
    /// elements) are found by walking on from it rather than from the line start: linear overall, even
    /// for a file on one long line.
    private var cursor = (offset: 0, line: 1, column: 1)

    /// The 1-based line and column of the byte at `offset` (clamped to the data).
    mutating func lineAndColumn(ofOffset offset: Int) -> (line: Int, column: Int) {
        let offset = max(0, min(offset, bytes.count))
        // Last line start <= offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var index = lineStarts[low]
        var column = 1
        if cursor.line == low + 1, cursor.offset >= index {
            if cursor.offset <= offset {
                (index, column) = (cursor.offset, cursor.column)
            } else {
                // Walk back from the cursor: one column less per scalar start between offset and it.
                column = cursor.column
                for i in offset..<cursor.offset where bytes[i] & 0xC0 != 0x80 { column -= 1 }
                index = offset
            }
        }
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        // Only remember scalar boundaries: an offset inside a scalar has no column of its own.
        if offset == bytes.count || bytes[offset] & 0xC0 != 0x80 { cursor = (offset, low + 1, column) }
        return (low + 1, column)
    }

    /// The byte offset of 1-based `line` and scalar `column`, or `nil` when the line does not exist.
    mutating func offset(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        var index = lineStarts[line - 1]
        var remaining = column - 1
        if cursor.line == line, cursor.column <= column, cursor.offset >= index {
            index = cursor.offset
            remaining = column - cursor.column
        }
        while remaining > 0, index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            remaining -= 1
        }
        cursor = (index, line, column - remaining)
        return index
    }

    /// The offset of the last `<` at or before `offset`, or `nil` when there is none.
    func lastTagOpen(atOrBefore offset: Int) -> Int? {
        var index = min(offset, bytes.count - 1)
        while index >= 0 {
            if bytes[index] == UInt8(ascii: "<") { return index }
            index -= 1
        }
        return nil
    }

    /// The byte offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong
    /// forms, surrogates and scalars above U+10FFFF are ill-formed), or `nil` when all of `bytes` is UTF-8.
    static func firstInvalidUTF8<C: Collection>(in bytes: C) -> Int? where C.Element == UInt8, C.Index == Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return index - bytes.startIndex
            }
            for k in 1..<length {
                let i = index + k
                guard i < bytes.endIndex else { return index - bytes.startIndex }
                let byte = bytes[i]
                let (lo, hi) = k == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= lo, byte <= hi else { return index - bytes.startIndex }
            }
            index += length
        }
        return nil
    }
}
