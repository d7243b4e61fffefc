import QuorumCore

/// Why a task file, or one record of it, could not be read.
///
/// A case that concerns one record becomes a ``QuorumCore/Rejection`` of the loaded ``QuorumCore/TaskSet``
/// (its ``reason``, at its ``location``) and loading goes on; a case that concerns the whole file (empty,
/// unreadable, unknown layout, XML that is not well-formed) is thrown by ``TaskLoader``.
///
/// Every ``reason`` reads `category[: detail]`, where the category never contains `": "`; ``category``
/// returns it, so that rejections can be counted per reason (`quorum tasks inspect`).
public enum TaskLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadableFile(SourceLocation, detail: String)
    /// The file holds no bytes, or only white space.
    case emptyFile(SourceLocation)
    /// The file is in a known container but holds no records (`[]`, an XML root without records);
    /// `layout` says which layout or container was found.
    case noRecords(SourceLocation, layout: String)
    /// A gzip stream that zlib could not decompress.
    case corruptGzip(SourceLocation, detail: String)
    /// Bytes that are not UTF-8; the location points at the first bad byte.
    case invalidUTF8(SourceLocation, byte: UInt8)
    /// A text encoding the loaders do not read (declared in an XML declaration, or recognised from the first
    /// bytes), with what gave it away.
    case unsupportedEncoding(SourceLocation, encoding: String, detail: String?)
    /// Bytes that are not in the file's (declared or detected) encoding; the location points at the first.
    case notInEncoding(SourceLocation, encoding: String, detail: String)
    /// An XML document that declares a DTD entity (`<!ENTITY two "2">`), which is neither expanded nor resolved.
    case dtdEntity(SourceLocation, name: String)
    /// A JSON text that does not parse; `detail` is the parser's message.
    case malformedJSON(SourceLocation, detail: String)
    /// The last line of a JSON Lines file has no newline and does not parse: an interrupted write.
    case truncatedRecord(SourceLocation)
    /// A JSON array whose closing `]` is missing after its last complete element.
    case unclosedArray(SourceLocation)
    /// A JSON object that gives `key` twice; `first` is where it was first given.
    case duplicateKey(SourceLocation, key: String, first: SourceLocation)
    /// A record that is valid JSON but not an object.
    case notAnObject(SourceLocation, found: String)
    /// Bytes after the closing `]` of a JSON array.
    case trailingContent(SourceLocation)
    /// A field (JSON key, XML element or attribute) that the layout needs is absent.
    case missingField(SourceLocation, field: String)
    /// A field is present with the wrong JSON type or XML shape.
    case wrongType(SourceLocation, field: String, expected: String, found: String)
    /// A field is present with the right type but a value that cannot be used.
    case invalidValue(SourceLocation, field: String, detail: String)
    /// A record whose problem id an earlier record of the file already has.
    case duplicateID(SourceLocation, id: String, first: SourceLocation)
    /// An XML element that the layout does not allow at this place.
    case unexpectedElement(SourceLocation, element: String, parent: String)
    /// An XML attribute that the layout does not allow on this element.
    case unexpectedAttribute(SourceLocation, attribute: String, element: String)
    /// XML that is not well-formed; `detail` says what libxml2 found.
    case malformedXML(SourceLocation, detail: String)
    /// No known layout matches; `found` describes what the file holds (its fields or root element).
    case unknownLayout(SourceLocation, found: String)
    /// A `--field` specification that cannot be used.
    case invalidFieldMapping(spec: String, detail: String)

    /// Where the problem is; `nil` only for a bad `--field` specification.
    public var location: SourceLocation? {
        switch self {
        case .unreadableFile(let l, _), .emptyFile(let l), .noRecords(let l, _), .corruptGzip(let l, _),
            .invalidUTF8(let l, _), .unsupportedEncoding(let l, _, _), .notInEncoding(let l, _, _), .dtdEntity(let l, _),
            .duplicateKey(let l, _, _),
            .malformedJSON(let l, _), .truncatedRecord(let l), .unclosedArray(let l),
            .notAnObject(let l, _),
            .trailingContent(let l), .missingField(let l, _), .wrongType(let l, _, _, _),
            .invalidValue(let l, _, _), .duplicateID(let l, _, _), .unexpectedElement(let l, _, _),
            .unexpectedAttribute(let l, _, _), .malformedXML(let l, _), .unknownLayout(let l, _):
            l
        case .invalidFieldMapping:
            nil
        }
    }

    /// The message without the location: `category[: detail]`.
    public var reason: String {
        switch self {
        case .unreadableFile(_, let detail): "cannot read file: \(detail)"
        case .emptyFile: "empty file: no records"
        case .noRecords(_, let layout): "no records: the file holds no problems (\(layout))"
        case .corruptGzip(_, let detail): "corrupt gzip: \(detail)"
        case .invalidUTF8(_, let byte): "invalid UTF-8: byte 0x\(String(byte, radix: 16, uppercase: true))"
        case .unsupportedEncoding(_, let encoding, let detail):
            "unsupported encoding: \(encoding)\(detail.map { " (\($0))" } ?? ""); task files are read in UTF-8,"
                + " UTF-16 with a byte order mark, US-ASCII or ISO-8859-1"
        case .notInEncoding(_, let encoding, let detail): "not \(encoding): \(detail)"
        case .dtdEntity(_, let name):
            "DTD entity declared: <!ENTITY \(name) …>; Quorum neither expands nor resolves DTD entities,"
                + " write the text in place of &\(name);"
        case .malformedJSON(_, let detail): "malformed JSON: \(detail)"
        case .truncatedRecord:
            "truncated record: the last line has no newline and is not valid JSON (an interrupted write?)"
        case .unclosedArray: "truncated record: the JSON array is not closed"
        case .duplicateKey(_, let key, let first):
            "duplicate key: \"\(key)\" is given twice in one object (first at \(first.line.map { "\($0)" } ?? "?")"
                + "\(first.column.map { ":\($0)" } ?? ""))"
        case .notAnObject(_, let found): "not a JSON object: found \(found)"
        case .trailingContent: "trailing content: bytes after the closing ] of the JSON array"
        case .missingField(_, let field): "missing field '\(field)'"
        case .wrongType(_, let field, let expected, let found):
            "wrong type for '\(field)': expected \(expected), found \(found)"
        case .invalidValue(_, let field, let detail): "invalid '\(field)': \(detail)"
        case .duplicateID(_, let id, let first): "duplicate id: '\(id)' was first used at \(first)"
        case .unexpectedElement(_, let element, let parent): "unexpected element: <\(element)> in <\(parent)>"
        case .unexpectedAttribute(_, let attribute, let element):
            "unexpected attribute: \(attribute) on <\(element)>"
        case .malformedXML(_, let detail): "XML not well-formed: \(detail)"
        case .unknownLayout(_, let found):
            "unknown layout: \(found). Known layouts: "
                + TaskLayout.detectable.map { "\($0.rawValue) (\($0.signature))" }.joined(separator: "; ")
                + ". For any other layout map the fields, e.g. --field question=Body+Question --field answer=Answer"
                + " (JSON: dotted paths such as question.stem; XML: element paths such as Problem/Body and"
                + " attributes such as Problem/@ID)"
        case .invalidFieldMapping(let spec, let detail): "invalid --field '\(spec)': \(detail)"
        }
    }

    /// The part of ``reason`` before the first `": "`, e.g. `"missing field 'answer'"` or `"malformed JSON"`.
    public var category: String { Self.category(ofReason: reason) }

    /// The category of a rejection's reason text (everything before the first `": "`).
    public static func category(ofReason reason: String) -> String {
        guard let range = reason.range(of: ": ") else { return reason }
        return String(reason[..<range.lowerBound])
    }

    /// `file:line[:column]: reason`.
    public var description: String {
        guard let location else { return reason }
        return "\(location): \(reason)"
    }

    /// This error as a rejected record of a task set.
    public var rejection: Rejection {
        Rejection(location: location ?? SourceLocation(file: "<arguments>"), reason: reason)
    }
}
