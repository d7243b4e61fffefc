import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of one parsed XML document, stored flat: an element's children are indices into
/// ``elements``, not nested values.
///
/// Flat storage keeps every walk and the teardown of the tree iterative: freeing a nested tree of values
/// recurses once per level (60,000 nested elements overflowed the stack before the depth cap), freeing two
/// arrays does not.
final class TaskXMLDocument: Sendable {
    /// One element: its name as written (with its prefix, if any), attributes, content in document order,
    /// and the 1-based line and column (in Unicode scalars) of its `<`.
    struct Element: Sendable {
        var name: String
        var attributes: [String: String]
        var content: [Content]
        var line: Int
        var column: Int
    }

    /// A piece of an element's content: text, or the index of a child element.
    enum Content: Sendable {
        case text(String)
        case element(Int)
    }

    let elements: [Element]
    /// The index of the root element.
    let root: Int

    init(elements: [Element], root: Int) {
        self.elements = elements
        self.root = root
    }
}

/// One element of a ``TaskXMLDocument``, built by ``XMLTreeBuilder``.
struct TaskXMLNode: Sendable, Hashable {
    let document: TaskXMLDocument
    let index: Int

    private var element: TaskXMLDocument.Element { document.elements[index] }

    /// The element name as written (with its prefix, if any).
    var name: String { element.name }
    var attributes: [String: String] { element.attributes }
    /// 1-based line and column (in Unicode scalars) of the element's `<`.
    var line: Int { element.line }
    var column: Int { element.column }

    /// The child elements, in document order.
    var elements: [TaskXMLNode] {
        element.content.compactMap {
            if case .element(let child) = $0 { TaskXMLNode(document: document, index: child) } else { nil }
        }
    }

    /// The children named `name`.
    func elements(named name: String) -> [TaskXMLNode] { elements.filter { $0.name == name } }

    /// All text inside the element, its descendants' included, in document order (walked with an explicit
    /// stack, not by recursion).
    var textContent: String {
        var text = ""
        // Pending content of the elements being walked, innermost last, each as (element, next position).
        var stack: [(element: Int, next: Int)] = [(index, 0)]
        while let top = stack.last {
            let content = document.elements[top.element].content
            guard top.next < content.count else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next += 1
            switch content[top.next] {
            case .text(let piece): text += piece
            case .element(let child): stack.append((child, 0))
            }
        }
        return text
    }

    /// The element's own text (not its children's), for checking that a container holds no stray text.
    var directText: String {
        element.content.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }

    static func == (a: TaskXMLNode, b: TaskXMLNode) -> Bool { a.document === b.document && a.index == b.index }

    func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(document))
        hasher.combine(index)
    }
}

/// Parses a whole XML document into a ``TaskXMLDocument`` with FoundationXML's `XMLParser` (libxml2),
/// stopping at the first error with its line and column.
///
/// `XMLParser` gives no positions of nodes in a built tree (and `XMLDocument` none at all), so the tree
/// is built here from SAX events; an element's position is libxml2's position when it reports the start
/// tag (the tag's end), moved back to the tag's `<`.
///
/// Before libxml2 sees a byte, ``XMLInput`` reads the declared encoding (refusing any but UTF-8, UTF-16
/// with a byte order mark, US-ASCII and ISO-8859-1, which crashed libxml2 under FoundationXML), hands
/// libxml2 UTF-8 only, and refuses DTD entity declarations (FoundationXML drops entity references from the
/// text, and the text after an external one). External entities are never resolved. Elements nest at most
/// ``maximumDepth`` deep.
struct XMLTreeBuilder {
    /// The deepest nesting of elements accepted (the root is at depth 1); deeper is an error at the
    /// element that goes too deep. Task files nest 2 to 4 deep; libxml2's own default limit is 256 too.
    static let maximumDepth = 256

    /// Parses `raw` (UTF-8, or UTF-8 transcoded from UTF-16 when `fromUTF16`); `file` is used in error locations.
    static func parse(_ raw: Data, file: String, fromUTF16: Bool = false) throws(TaskLoadError) -> TaskXMLNode {
        let data = try XMLInput.utf8Document(raw, file: file, fromUTF16: fromUTF16)
        var positions = TextPosition(data)
        // libxml2 reports UTF-8 errors without saying which byte; check ourselves.
        if let bad = TextPosition.firstInvalidUTF8(in: [UInt8](data)) {
            let (line, column) = positions.lineAndColumn(ofOffset: bad)
            throw .invalidUTF8(SourceLocation(file: file, line: line, column: column), byte: data[data.startIndex + bad])
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let delegate = Delegate(positions: positions)
        parser.delegate = delegate
        _ = parser.parse()
        if let tooDeep = delegate.tooDeep {
            throw .malformedXML(
                SourceLocation(file: file, line: tooDeep.line, column: tooDeep.column),
                detail: "elements nest more than \(maximumDepth) deep (<\(tooDeep.name)> here)")
        }
        if let error = delegate.error {
            var detail = Self.message(error.code)
            // libxml2 reports a document cut short as "extra content at the end" (code 5); say what is open.
            if error.code == 5, let open = delegate.stack.last.map({ delegate.elements[$0] }) {
                detail = "the document ends inside <\(open.name)> opened at \(open.line):\(open.column)"
            }
            throw .malformedXML(SourceLocation(file: file, line: error.line, column: error.column), detail: detail)
        }
        if let open = delegate.stack.last.map({ delegate.elements[$0] }) {
            let end = positions.lineAndColumn(ofOffset: data.count)
            throw .malformedXML(
                SourceLocation(file: file, line: end.line, column: end.column),
                detail: "the document ends inside <\(open.name)> opened at \(open.line):\(open.column)")
        }
        guard let root = delegate.root else {
            throw .malformedXML(SourceLocation(file: file, line: 1, column: 1), detail: "no root element")
        }
        return TaskXMLNode(document: TaskXMLDocument(elements: delegate.elements, root: root), index: root)
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

    /// Collects SAX events into flat storage; used by one parse on one thread, then discarded.
    private final class Delegate: NSObject, XMLParserDelegate {
        struct Failure {
            var code: Int
            var line: Int
            var column: Int
        }
        var positions: TextPosition
        var elements: [TaskXMLDocument.Element] = []
        /// Indices of the open elements, innermost last.
        var stack: [Int] = []
        var root: Int?
        var error: Failure?
        /// The element that went deeper than ``XMLTreeBuilder/maximumDepth``.
        var tooDeep: TaskXMLDocument.Element?

        init(positions: TextPosition) {
            self.positions = positions
        }

        private var stopped: Bool { error != nil || tooDeep != nil }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            guard !stopped else { return }
            var line = parser.lineNumber
            var column = parser.columnNumber
            if let end = positions.offset(line: line, column: column), let open = positions.lastTagOpen(atOrBefore: end) {
                (line, column) = positions.lineAndColumn(ofOffset: open)
            }
            let element = TaskXMLDocument.Element(
                name: elementName, attributes: attributes, content: [], line: line, column: column)
            guard stack.count < XMLTreeBuilder.maximumDepth else {
                tooDeep = element
                parser.abortParsing()
                return
            }
            flushText()
            let index = elements.count
            elements.append(element)
            if let parent = stack.last { elements[parent].content.append(.element(index)) }
            stack.append(index)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard !stopped else { return }
            flushText()
            guard let index = stack.popLast() else { return }
            if stack.isEmpty { root = index }
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
            if !stopped {
                error = Failure(code: (parseError as NSError).code, line: parser.lineNumber, column: parser.columnNumber)
            }
            parser.abortParsing()
        }

        /// Text of the innermost open element since its last child, gathered in place (libxml2 reports text
        /// in pieces, one per entity or character reference) and stored when a child starts or it ends.
        private var pendingText = ""

        private func appendText(_ text: String) {
            guard !stopped, !stack.isEmpty else { return }
            pendingText += text
        }

        private func flushText() {
            guard let last = stack.last, !pendingText.isEmpty else { return }
            elements[last].content.append(.text(pendingText))
            pendingText = ""
        }
    }
}
