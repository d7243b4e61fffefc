import QuorumCore

/// One XML element read as a record, with typed access whose failures carry the element's line and column.
struct XMLRecord: Sendable {
    var node: TaskXMLNode
    var file: String

    /// Where the element's start tag begins.
    var location: SourceLocation { Self.location(of: node, in: file) }

    static func location(of node: TaskXMLNode, in file: String) -> SourceLocation {
        SourceLocation(file: file, line: node.line, column: node.column)
    }

    /// The single child element `name`; absent or repeated is an error.
    func child(_ name: String) throws(TaskLoadError) -> TaskXMLNode {
        guard let child = try optionalChild(name) else { throw .missingField(location, field: "<\(name)>") }
        return child
    }

    /// The child element `name` when there is one; repeated is an error.
    func optionalChild(_ name: String) throws(TaskLoadError) -> TaskXMLNode? {
        let matches = node.elements(named: name)
        if matches.count > 1 {
            throw .invalidValue(
                Self.location(of: matches[1], in: file), field: "<\(name)>",
                detail: "\(matches.count) elements, expected one")
        }
        return matches.first
    }

    /// The text of the single child `name`, which must be more than white space (trimmed unless `raw`).
    func text(_ name: String, raw: Bool = false) throws(TaskLoadError) -> String {
        let child = try child(name)
        let text = child.textContent
        guard !TaskText.trimmed(text).isEmpty else {
            throw .invalidValue(Self.location(of: child, in: file), field: "<\(name)>", detail: "empty")
        }
        return raw ? text : TaskText.trimmed(text)
    }

    /// The attribute `name`, which must be present and not empty.
    func attribute(_ name: String) throws(TaskLoadError) -> String {
        guard let value = node.attributes[name] else { throw .missingField(location, field: "@\(name)") }
        guard !TaskText.trimmed(value).isEmpty else {
            throw .invalidValue(location, field: "@\(name)", detail: "empty")
        }
        return TaskText.trimmed(value)
    }

    /// The child elements not in `used` as metadata (element name → trimmed text), and the attributes
    /// not in `usedAttributes` (name → value).
    func metadata(excludingElements used: Set<String>, attributes usedAttributes: Set<String>) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in node.attributes where !usedAttributes.contains(name) { result[name] = value }
        for child in node.elements where !used.contains(child.name) {
            let text = TaskText.trimmed(child.textContent)
            result[child.name] = result[child.name].map { $0 + "\n" + text } ?? text
        }
        return result
    }
}
