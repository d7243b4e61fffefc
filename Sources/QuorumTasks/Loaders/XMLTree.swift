import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One XML element with its position in the file, built by ``XMLTreeBuilder``.
struct TaskXMLNode: Sendable, Hashable {
    /// The element name as written (with its prefix, if any).
    var name: String
    var attributes: [String: String]
    /// Text and child elements, in document order.
    var content: [TaskXMLContent]
    /// 1-based line and column (in Unicode scalars) of the element's `<`.
    var line: Int
    var column: Int

    /// The child elements, in document order.
    var elements: [TaskXMLNode] {
        content.compactMap { if case .element(let node) = $0 { node } else { nil } }
    }

    /// The children named `name`.
    func elements(named name: String) -> [TaskXMLNode] { elements.filter { $0.name == name } }

    /// All text inside the element, its descendants' included, in document order.
    var textContent: String {
        content.map {
            switch $0 {
            case .text(let text): text
            case .element(let node): node.textContent
            }
        }.joined()
    }

    /// The element's own text (not its children's), for checking that a container holds no stray text.
    var directText: String {
        content.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }
}

/// A piece of an element's content.
indirect enum TaskXMLContent: Sendable, Hashable {
    case text(String)
    case element(TaskXMLNode)
}

/// Parses a whole XML document into an ``TaskXMLNode`` tree with FoundationXML's `XMLParser` (libxml2),
/// stopping at the first error with its line and column.
///
/// `XMLParser` gives no positions of nodes in a built tree (and `XMLDocument` none at all), so the tree
/// is built here from SAX events; an element's position is libxml2's position when it reports the start
/// tag (the tag's end), moved back to the tag's `<`. External entities are never resolved.
struct XMLTreeBuilder {
    /// Parses `data`; `file` is used in error locations.
    static func parse(_ data: Data, file: String) throws(TaskLoadError) -> TaskXMLNode {
        var positions = TextPosition(data)
        // libxml2 reports UTF-8 errors without saying which byte; check ourselves when the document is
        // UTF-8 (the default and what every task file here declares).
        if declaresUTF8(data), let bad = TextPosition.firstInvalidUTF8(in: [UInt8](data)) {
            let (line, column) = positions.lineAndColumn(ofOffset: bad)
            throw .invalidUTF8(SourceLocation(file: file, line: line, column: column), byte: data[data.startIndex + bad])
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let delegate = Delegate(positions: positions, mapsColumns: declaresUTF8(data))
        parser.delegate = delegate
        _ = parser.parse()
        if let error = delegate.error {
            var detail = Self.message(error.code)
            // libxml2 reports a document cut short as "extra content at the end" (code 5); say what is open.
            if error.code == 5, let open = delegate.stack.last {
                detail = "the document ends inside <\(open.name)> opened at \(open.line):\(open.column)"
            }
            throw .malformedXML(SourceLocation(file: file, line: error.line, column: error.column), detail: detail)
        }
        if let open = delegate.stack.last {
            let end = positions.lineAndColumn(ofOffset: data.count)
            throw .malformedXML(
                SourceLocation(file: file, line: end.line, column: end.column),
                detail: "the document ends inside <\(open.name)> opened at \(open.line):\(open.column)")
        }
        guard let root = delegate.root else {
            throw .malformedXML(SourceLocation(file: file, line: 1, column: 1), detail: "no root element")
        }
        return root
    }

    /// Whether the XML declaration names no encoding or UTF-8.
    private static func declaresUTF8(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml"), let end = head.range(of: "?>") else { return true }
        let declaration = head[..<end.lowerBound].lowercased()
        guard let encoding = declaration.range(of: "encoding") else { return true }
        let rest = declaration[encoding.upperBound...].drop(while: { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" })
        return rest.hasPrefix("utf-8") || rest.hasPrefix("utf8")
    }

    /// Messages for libxml2's error codes (`xmlParserErrors` in libxml/xmlerror.h), which `XMLParser`
    /// passes on as the `NSError` code without text.
    static func message(_ code: Int) -> String {
        let known: [Int: String] = [
            4: "the document is empty or has no root element",
            5: "extra content at the end of the document",
            6: "invalid hexadecimal character reference", 7: "invalid decimal character reference",
            8: "invalid character reference", 9: "invalid character (not allowed in XML, or bad encoding)",
            10: "character reference at end of input", 14: "entity reference at end of input",
            22: "entity reference without a name", 23: "entity reference without ';'",
            26: "undeclared entity", 27: "undeclared entity", 31: "unknown encoding",
            32: "unsupported encoding", 33: "string not started", 34: "string not closed",
            37: "entity value not finished", 38: "'<' in an attribute value",
            39: "attribute value not started (missing quotes?)", 40: "attribute value not finished",
            41: "attribute without a value", 42: "attribute given twice",
            43: "literal not started", 44: "literal not finished", 45: "comment not finished",
            47: "processing instruction not finished", 57: "XML declaration not finished",
            61: "DOCTYPE not finished", 62: "']]>' outside CDATA", 63: "CDATA section not finished",
            64: "reserved name 'xml' used", 65: "white space required", 68: "name required",
            73: "'>' required", 74: "'</' required", 75: "'=' required",
            76: "closing tag does not match the open element", 77: "tag not finished",
            81: "input is not in the declared encoding", 85: "not well balanced",
            86: "extra content at the end of the document", 89: "entity loop",
            201: "undefined namespace prefix",
        ]
        return known[code].map { "\($0) (libxml2 error \(code))" } ?? "libxml2 error \(code)"
    }

    /// Collects SAX events into a tree; used by one parse on one thread, then discarded.
    private final class Delegate: NSObject, XMLParserDelegate {
        struct Failure {
            var code: Int
            var line: Int
            var column: Int
        }
        var positions: TextPosition
        let mapsColumns: Bool
        var stack: [TaskXMLNode] = []
        var root: TaskXMLNode?
        var error: Failure?

        init(positions: TextPosition, mapsColumns: Bool) {
            self.positions = positions
            self.mapsColumns = mapsColumns
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            var line = parser.lineNumber
            var column = parser.columnNumber
            if mapsColumns, let end = positions.offset(line: line, column: column),
                let open = positions.lastTagOpen(atOrBefore: end)
            {
                (line, column) = positions.lineAndColumn(ofOffset: open)
            }
            stack.append(TaskXMLNode(name: elementName, attributes: attributes, content: [], line: line, column: column))
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard let node = stack.popLast() else { return }
            if stack.isEmpty {
                root = node
            } else {
                stack[stack.count - 1].content.append(.element(node))
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { appendText(string) }

        func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
            appendText(whitespaceString)
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            appendText(String(decoding: CDATABlock, as: UTF8.self))
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            // libxml2 recovers from some errors and goes on; the first one decides, and parsing stops.
            if error == nil {
                error = Failure(code: (parseError as NSError).code, line: parser.lineNumber, column: parser.columnNumber)
            }
            parser.abortParsing()
        }

        private func appendText(_ text: String) {
            guard !stack.isEmpty else { return }
            let last = stack.count - 1
            if case .text(let previous)? = stack[last].content.last {
                stack[last].content[stack[last].content.count - 1] = .text(previous + text)
            } else {
                stack[last].content.append(.text(text))
            }
        }
    }
}
