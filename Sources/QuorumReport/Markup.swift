/// Escaping of untrusted text (questions, model output) for the report's three formats.
///
/// Written here: Foundation on Linux has no XML/HTML text escaper, and Markdown escaping is ours anyway.
public enum Markup {
    /// `text` as XML character data or an attribute value (HTML in its XHTML form, SVG): `& < > " '` become
    /// entity references, and characters XML 1.0 forbids even as references (C0 controls other than tab,
    /// newline and carriage return; U+FFFE, U+FFFF) are shown visibly as `\u{XX}` rather than dropped.
    public static func xml(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `text` as inline Markdown (a paragraph or a table cell): HTML-significant characters become entities
    /// (so `<script>` is shown, never run, by renderers that pass HTML through), Markdown punctuation is
    /// backslash-escaped, `|` cannot end a table cell, and line breaks become `<br>` so one record stays on
    /// one line.
    public static func markdown(_ text: String) -> String {
        var result = ""
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\n" where afterCarriageReturn: break
            case "\\", "`", "*", "_", "[", "]", "{", "}", "#", "|", "!", "~", "$":
                result += "\\" + String(scalar)
            case "\n", "\r": result += "<br>"
            default:
                if scalar.value < 0x20 && scalar != "\t" {
                    result += "\\\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `text` as a fenced Markdown code block whose fence is longer than any run of backticks in the text, so
    /// that nothing in it can close the block early.
    public static func markdownCodeBlock(_ text: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            if character == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        var body = text
        if !body.hasSuffix("\n") { body += "\n" }
        return fence + "text\n" + body + fence + "\n"
    }
}
