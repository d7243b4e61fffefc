import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses text as XML with libxml2 (FoundationXML's XMLDocument), throwing on any well-formedness error.
enum XMLCheck {
    static func parse(_ text: String) throws -> XMLDocument {
        try XMLDocument(data: Data(text.utf8), options: [])
    }

    static func parse(file path: String) throws -> XMLDocument {
        try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
    }

    /// Elements matching an XPath over local names (the XHTML and SVG namespaces make `//td` miss).
    static func nodes(_ document: XMLDocument, _ xpath: String) throws -> [XMLNode] {
        try document.nodes(forXPath: xpath)
    }
}
