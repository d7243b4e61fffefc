import Foundation
import QuorumCore

/// What an XML task file must be before libxml2 reads it: UTF-8 with no declared encoding and no DTD
/// entity declarations.
///
/// - Encodings: UTF-8 (the default), UTF-16 with a byte order mark (transcoded by ``TaskInputText`` before
///   this is called), US-ASCII (checked byte by byte) and ISO-8859-1 (transcoded) are read; any other
///   declared encoding (UTF-32, UTF-7, EBCDIC …) is refused, because libxml2 under FoundationXML crashed on
///   several of them. The declaration's `encoding="…"` is then blanked with spaces, so libxml2 reads UTF-8
///   and every line and column stays where it was.
/// - Entities: FoundationXML drops references to DTD entities from the text (and, after an external one,
///   the rest of the element's text), so a document that declares an entity (`<!ENTITY two "2">`) is refused
///   at the declaration rather than read with words missing. External entities are never resolved.
/// - Processing instructions without data (`<?pi?>`, 10 bytes with a root: `<?pi?><a/>`) crash FoundationXML
///   (it reads libxml2's null data pointer as a C string; found by make fuzz, docs/fuzzing.md). The tree
///   keeps no processing instructions, so the target's last character is blanked (`<?p ?>`: empty data,
///   same length, lines and columns unchanged); a one-character target (`<?x?>`) is refused.
enum XMLInput {
    /// `data` (UTF-8, or UTF-8 transcoded from UTF-16 when `fromUTF16`) ready for libxml2.
    static func utf8Document(_ data: Data, file: String, fromUTF16: Bool = false) throws(TaskLoadError) -> Data {
        var bytes = [UInt8](data)
        if let declared = try declaredEncoding(bytes, file: file) {
            let name = declared.name.lowercased()
            let at = location(offset: declared.nameOffset, in: bytes, file: file)
            switch name {
            case "utf-16", "utf16", "utf-16le", "utf-16be", "ucs-2", "iso-10646-ucs-2":
                guard fromUTF16 else {
                    throw .unsupportedEncoding(at, encoding: declared.name, detail: "the file has no UTF-16 byte order mark")
                }
            case _ where fromUTF16:
                throw .unsupportedEncoding(
                    at, encoding: declared.name, detail: "the file starts with a UTF-16 byte order mark")
            case "utf-8", "utf8":
                break
            case "us-ascii", "ascii", "iso646-us", "ansi_x3.4-1968":
                if let bad = bytes.firstIndex(where: { $0 >= 0x80 }) {
                    throw .notInEncoding(
                        location(offset: bad, in: bytes, file: file), encoding: declared.name,
                        detail: "byte 0x\(String(bytes[bad], radix: 16, uppercase: true))")
                }
            case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1":
                bytes = latin1ToUTF8(bytes)
            default:
                throw .unsupportedEncoding(at, encoding: declared.name, detail: "declared")
            }
            // The declaration is ASCII, so its offsets are the same after transcoding from ISO-8859-1.
            for i in declared.attribute { bytes[i] = 0x20 }
        }
        if let entity = firstEntityDeclaration(bytes) {
            throw .dtdEntity(location(offset: entity.offset, in: bytes, file: file), name: entity.name)
        }
        try giveProcessingInstructionsData(&bytes, file: file)
        return Data(bytes)
    }

    /// Blanks the last character of the target of every processing instruction without data (outside
    /// comments and CDATA sections), so that libxml2 reports empty data instead of none; see the type's
    /// documentation. A one-character target cannot be shortened and is refused at its `<?`.
    static func giveProcessingInstructionsData(_ bytes: inout [UInt8], file: String) throws(TaskLoadError) {
        var i = 0
        while i < bytes.count {
            if starts(bytes, at: i, with: "<!--") {
                i = (find(bytes, "-->", from: i + 4) ?? bytes.count) + 3
            } else if starts(bytes, at: i, with: "<![CDATA[") {
                i = (find(bytes, "]]>", from: i + 9) ?? bytes.count) + 3
            } else if starts(bytes, at: i, with: "<?") {
                var end = i + 2
                while end < bytes.count, !isSpace(bytes[end]), bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: ">") {
                    end += 1
                }
                let target = String(decoding: bytes[(i + 2)..<end], as: UTF8.self)
                if end > i + 2, starts(bytes, at: end, with: "?>"), target.lowercased() != "xml" {
                    var last = end - 1
                    while last > i + 2, bytes[last] & 0xC0 == 0x80 { last -= 1 }  // the last character's first byte
                    guard last > i + 2 else {
                        throw .malformedXML(
                            location(offset: i, in: bytes, file: file),
                            detail: "processing instruction <?\(target)?> has no data and a one-character target, "
                                + "which FoundationXML cannot read; write <?\(target) ?>")
                    }
                    for k in last..<end { bytes[k] = 0x20 }
                }
                i = end
            } else {
                i += 1
            }
        }
    }

    /// The encoding named by the XML declaration at the start of `bytes` (after white space), the offset of
    /// the name, and the byte range of the whole `encoding="…"` pseudo-attribute; `nil` when there is no
    /// declaration or it names no encoding.
    static func declaredEncoding(
        _ bytes: [UInt8], file: String
    ) throws(TaskLoadError) -> (name: String, nameOffset: Int, attribute: Range<Int>)? {
        var i = 0
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        guard starts(bytes, at: i, with: "<?xml"), i + 5 < bytes.count, isSpace(bytes[i + 5]) else { return nil }
        let start = i
        guard let end = find(bytes, "?>", from: start) else {
            throw .malformedXML(location(offset: start, in: bytes, file: file), detail: "XML declaration not finished")
        }
        guard let keyword = find(bytes, "encoding", from: start, before: end) else { return nil }
        var j = keyword + 8
        while j < end, isSpace(bytes[j]) { j += 1 }
        guard j < end, bytes[j] == UInt8(ascii: "=") else {
            throw .malformedXML(location(offset: keyword, in: bytes, file: file), detail: "encoding declaration without '='")
        }
        j += 1
        while j < end, isSpace(bytes[j]) { j += 1 }
        guard j < end, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") else {
            throw .malformedXML(location(offset: j, in: bytes, file: file), detail: "encoding name not quoted")
        }
        let quote = bytes[j]
        let nameStart = j + 1
        guard let close = bytes[nameStart..<end].firstIndex(of: quote) else {
            throw .malformedXML(location(offset: j, in: bytes, file: file), detail: "encoding name not closed")
        }
        let name = String(decoding: bytes[nameStart..<close], as: UTF8.self)
        return (name, nameStart, keyword..<(close + 1))
    }

    /// The first `<!ENTITY` declaration in the document type declaration's internal subset, with the
    /// entity's name; `nil` when there is none. Only the prolog (before the root element) is scanned;
    /// comments, processing instructions and quoted literals are skipped.
    static func firstEntityDeclaration(_ bytes: [UInt8]) -> (offset: Int, name: String)? {
        var i = 0
        while i < bytes.count {
            if isSpace(bytes[i]) {
                i += 1
            } else if starts(bytes, at: i, with: "<?") {
                guard let end = find(bytes, "?>", from: i + 2) else { return nil }
                i = end + 2
            } else if starts(bytes, at: i, with: "<!--") {
                guard let end = find(bytes, "-->", from: i + 4) else { return nil }
                i = end + 3
            } else if starts(bytes, at: i, with: "<!DOCTYPE") {
                return entityInDoctype(bytes, from: i + 9)
            } else {
                return nil  // the root element (or something libxml2 will reject)
            }
        }
        return nil
    }

    private static func entityInDoctype(_ bytes: [UInt8], from start: Int) -> (offset: Int, name: String)? {
        var i = start
        var inSubset = false
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                guard let close = bytes[(i + 1)...].firstIndex(of: b) else { return nil }
                i = close + 1
            } else if inSubset, starts(bytes, at: i, with: "<!--") {
                guard let end = find(bytes, "-->", from: i + 4) else { return nil }
                i = end + 3
            } else if inSubset, starts(bytes, at: i, with: "<?") {
                guard let end = find(bytes, "?>", from: i + 2) else { return nil }
                i = end + 2
            } else if inSubset, starts(bytes, at: i, with: "<!ENTITY") {
                var j = i + 8
                while j < bytes.count, isSpace(bytes[j]) || bytes[j] == UInt8(ascii: "%") { j += 1 }
                var end = j
                while end < bytes.count, !isSpace(bytes[end]), bytes[end] != UInt8(ascii: ">") { end += 1 }
                return (i, String(decoding: bytes[j..<end], as: UTF8.self))
            } else if b == UInt8(ascii: "[") {
                inSubset = true
                i += 1
            } else if b == UInt8(ascii: "]") {
                inSubset = false
                i += 1
            } else if b == UInt8(ascii: ">"), !inSubset {
                return nil
            } else {
                i += 1
            }
        }
        return nil
    }

    /// ISO-8859-1 bytes as UTF-8: every byte is the Unicode scalar of the same value.
    static func latin1ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
            } else {
                out.append(0xC0 | (b >> 6))
                out.append(0x80 | (b & 0x3F))
            }
        }
        return out
    }

    private static func location(offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var positions = TextPosition(Data(bytes))
        let (line, column) = positions.lineAndColumn(ofOffset: offset)
        return SourceLocation(file: file, line: line, column: column)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private static func starts(_ bytes: [UInt8], at i: Int, with text: String) -> Bool {
        let needle = Array(text.utf8)
        guard i >= 0, i + needle.count <= bytes.count else { return false }
        for k in 0..<needle.count where bytes[i + k] != needle[k] { return false }
        return true
    }

    private static func find(_ bytes: [UInt8], _ text: String, from: Int, before limit: Int? = nil) -> Int? {
        let needle = Array(text.utf8)
        let last = (limit ?? bytes.count) - needle.count
        guard from <= last else { return nil }
        for i in from...last where starts(bytes, at: i, with: text) { return i }
        return nil
    }
}
