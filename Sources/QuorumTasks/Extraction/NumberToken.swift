/// A decimal number found in text: optional sign, digits with optional thousands separators, optional
/// fraction and exponent, optional trailing `%`.
///
/// Written by hand (rather than with a regular expression) so that the scanner can report exactly where
/// the number ends and why a comma was or was not read as a thousands separator.
struct NumberToken: Hashable {
    /// Index of the first character (the sign when there is one).
    var start: Int
    /// Index one past the last character (past the `%` when there is one).
    var end: Int
    var negative: Bool
    /// Integer digits without separators; may be empty (`.5`).
    var integerDigits: String
    /// Fraction digits; empty when there is no fraction.
    var fractionDigits: String
    /// The exponent of scientific notation (`1.5e3` → 3), if written.
    var exponent: Int?
    /// Whether a `%` follows the number.
    var percent: Bool

    var hasExponent: Bool { exponent != nil }

    /// The number's value, ignoring `percent` (`50%` → 50).
    var magnitude: Double {
        var text = (integerDigits.isEmpty ? "0" : integerDigits)
        if !fractionDigits.isEmpty { text += "." + fractionDigits }
        if let exponent { text += "e\(exponent)" }
        let value = Double(text) ?? .nan
        return negative ? -value : value
    }

    /// The number's value with a percent sign applied (`50%` → 0.5).
    var value: Double { percent ? magnitude / 100 : magnitude }

    /// Canonical spelling: no separators, no leading zeros, no trailing fraction zeros, no `+`, `-0` → `0`,
    /// the `%` kept. Scientific notation keeps its exponent (`1.5e3`).
    var canonical: String {
        var integer = String(integerDigits.drop(while: { $0 == "0" }))
        if integer.isEmpty { integer = "0" }
        var fraction = fractionDigits
        while fraction.last == "0" { fraction.removeLast() }
        var text = integer
        if !fraction.isEmpty { text += "." + fraction }
        if let exponent { text += "e\(exponent)" }
        let isZero = integer == "0" && fraction.isEmpty
        if negative && !isZero { text = "-" + text }
        if percent { text += "%" }
        return text
    }

    /// Scans a number starting exactly at `from`; `nil` if none starts there.
    ///
    /// - Parameters:
    ///   - allowThousands: read `1,250` as one number. A comma counts as a separator only when the first
    ///     group has one to three digits and every group after a comma has exactly three digits followed by
    ///     a non-digit.
    static func scan(_ chars: [Character], from: Int, allowThousands: Bool = true) -> NumberToken? {
        guard from >= 0, from < chars.count else { return nil }
        var index = from
        var negative = false
        if chars[index] == "-" || chars[index] == "+" {
            negative = chars[index] == "-"
            index += 1
        }
        var integer = ""
        while index < chars.count, chars[index].isASCIIDigit {
            integer.append(chars[index])
            index += 1
        }
        if allowThousands, !integer.isEmpty, integer.count <= 3 {
            var probe = index
            var groups = ""
            while probe + 3 < chars.count, chars[probe] == ",",
                (1...3).allSatisfy({ chars[probe + $0].isASCIIDigit })
            {
                let after = probe + 4
                if after < chars.count, chars[after].isASCIIDigit { break }
                groups += String(chars[(probe + 1)...(probe + 3)])
                probe = after
            }
            if !groups.isEmpty {
                integer += groups
                index = probe
            }
        }
        var fraction = ""
        if index + 1 < chars.count, chars[index] == ".", chars[index + 1].isASCIIDigit {
            index += 1
            while index < chars.count, chars[index].isASCIIDigit {
                fraction.append(chars[index])
                index += 1
            }
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        var exponent: Int?
        if index < chars.count, chars[index] == "e" || chars[index] == "E" {
            var probe = index + 1
            var sign = 1
            if probe < chars.count, chars[probe] == "-" || chars[probe] == "+" {
                sign = chars[probe] == "-" ? -1 : 1
                probe += 1
            }
            var digits = ""
            while probe < chars.count, chars[probe].isASCIIDigit, digits.count < 6 {
                digits.append(chars[probe])
                probe += 1
            }
            let letterFollows = probe < chars.count && chars[probe].isLetter
            if let value = Int(digits), !letterFollows {
                exponent = sign * value
                index = probe
            }
        }
        var percent = false
        if index < chars.count, chars[index] == "%" {
            percent = true
            index += 1
        }
        return NumberToken(
            start: from, end: index, negative: negative, integerDigits: integer, fractionDigits: fraction,
            exponent: exponent, percent: percent)
    }
}
