/// Accumulates SVG markup; every attribute value and text is escaped (``Markup/xml(_:)``).
struct SVGBuilder {
    private(set) var text = ""
    private var depth = 0

    /// Opens `<name …>`; attributes are written in sorted order, so output is deterministic.
    mutating func open(_ name: String, _ attributes: [String: String] = [:]) {
        text += indent + "<" + name + Self.attributes(attributes) + ">\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</" + name + ">\n"
    }

    /// `<name …/>`, or `<name …>text</name>` when `text` is given; `raw` is appended to the attributes
    /// verbatim (only for constant attribute strings of this module).
    mutating func element(_ name: String, _ attributes: [String: String] = [:], raw: String = "", text content: String? = nil) {
        let head = indent + "<" + name + Self.attributes(attributes) + raw
        if let content {
            text += head + ">" + Markup.xml(content) + "</" + name + ">\n"
        } else {
            text += head + "/>\n"
        }
    }

    private var indent: String { String(repeating: " ", count: depth) }

    private static func attributes(_ attributes: [String: String]) -> String {
        attributes.keys.sorted().map { " \($0)=\"\(Markup.xml(attributes[$0]!))\"" }.joined()
    }
}
