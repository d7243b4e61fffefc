import Foundation
import QuorumCore

/// The bytes of a task file as UTF-8, from the byte order mark at its start.
///
/// A UTF-8 byte order mark is dropped; UTF-16 (big or little endian) with a byte order mark is transcoded to
/// UTF-8 (an unpaired surrogate is an error at its line and column). UTF-32, UTF-16 without a byte order
/// mark and EBCDIC, recognised from the first bytes, are refused: the loaders read UTF-8 only, and libxml2
/// under FoundationXML crashed on several of these.
enum TaskInputText {
    /// `data` as UTF-8, and whether it was UTF-16.
    static func utf8(_ data: Data, file: String) throws(TaskLoadError) -> (data: Data, fromUTF16: Bool) {
        let head = [UInt8](data.prefix(4))
        let start = SourceLocation(file: file, line: 1, column: 1)
        func refuse(_ encoding: String, _ detail: String) -> TaskLoadError {
            .unsupportedEncoding(start, encoding: encoding, detail: detail)
        }
        if head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { throw refuse("UTF-32BE", "from its byte order mark") }
        if head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { throw refuse("UTF-32LE", "from its byte order mark") }
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (Data(data.dropFirst(3)), false) }
        if head.starts(with: [0xFE, 0xFF]) { return (try transcodeUTF16(data.dropFirst(2), bigEndian: true, file: file), true) }
        if head.starts(with: [0xFF, 0xFE]) { return (try transcodeUTF16(data.dropFirst(2), bigEndian: false, file: file), true) }
        if head == [0x4C, 0x6F, 0xA7, 0x94] { throw refuse("EBCDIC", "'<?xml' in EBCDIC") }
        if head.count == 4, (head[0] == 0 && head[1] == 0) || (head[1] == 0 && head[2] == 0 && head[3] == 0) {
            throw refuse("UTF-32", "NUL bytes at the start, no byte order mark")
        }
        if head.count >= 2, head[0] == 0 || head[1] == 0 {
            throw refuse("UTF-16 without a byte order mark", "NUL bytes at the start")
        }
        return (Data(data), false)
    }

    /// UTF-16 code units (after the byte order mark) as UTF-8.
    private static func transcodeUTF16(_ data: Data, bigEndian: Bool, file: String) throws(TaskLoadError) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var line = 1
        var column = 1
        var i = 0
        func unit(at k: Int) -> UInt32 {
            bigEndian ? UInt32(bytes[k]) << 8 | UInt32(bytes[k + 1]) : UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k])
        }
        func failure(_ detail: String) -> TaskLoadError {
            .notInEncoding(SourceLocation(file: file, line: line, column: column), encoding: "UTF-16", detail: detail)
        }
        while i < bytes.count {
            guard i + 1 < bytes.count else { throw failure("an odd number of bytes (the last code unit is cut)") }
            var scalar = unit(at: i)
            i += 2
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 1 < bytes.count, (0xDC00...0xDFFF).contains(unit(at: i)) else {
                    throw failure("unpaired surrogate 0x\(String(scalar, radix: 16, uppercase: true))")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (unit(at: i) - 0xDC00)
                i += 2
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure("unpaired surrogate 0x\(String(scalar, radix: 16, uppercase: true))")
            }
            out.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
            if scalar == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return Data(out)
    }
}
