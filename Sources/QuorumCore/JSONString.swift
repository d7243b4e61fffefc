/// JSON string literals, written by hand where a line is assembled field by field (paths.jsonl, `generate`'s
/// lines, a task's JSON text, an edited JSON Lines record) rather than encoded from a `Codable` value: the one
/// escaper of the package. `"` and `\` are escaped, `\n`, `\r`, `\t` by name, every other control character
/// as `\u00XX` (lower-case hex); everything else, `/` and non-ASCII included, is written as it is (UTF-8).
/// JSONEncoder would do but escapes \b and \f by name and needs a `Data` round trip per string.
public enum JSONString {
    /// `s` as a JSON string literal, quotes included.
    public static func literal(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
