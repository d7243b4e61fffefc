/// GPT-2's byte-level alphabet: every byte gets a printable Unicode scalar, so that a vocabulary of strings can
/// spell arbitrary bytes. Printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for themselves; the other 68
/// bytes, in increasing order, get U+0100, U+0101, … (so a space is `Ġ` U+0120 and a newline `Ċ` U+010A).
///
/// Written by hand from the published description of the GPT-2 byte encoder.
enum ByteLevel {
    /// The scalar that stands for each byte.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte a scalar stands for, or `nil` when the scalar is not part of the alphabet.
    static func byte(for scalar: UInt32) -> UInt8? {
        if scalar < 256 {
            let b = Int(scalar)
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) { return UInt8(b) }
            return nil
        }
        return scalar < 256 + 68 ? inverseHigh[Int(scalar - 256)] : nil
    }

    private static let inverseHigh: [UInt8] = {
        var inverse = [UInt8](repeating: 0, count: 68)
        for b in 0..<256 where scalarForByte[b] >= 256 { inverse[Int(scalarForByte[b] - 256)] = UInt8(b) }
        return inverse
    }()

    /// The vocabulary spelling of one byte (a one-scalar string).
    static func string(for byte: UInt8) -> String {
        String(Character(Unicode.Scalar(scalarForByte[Int(byte)])!))
    }

    /// Decodes a byte-level vocabulary string to the bytes it spells. A scalar outside the alphabet (which a
    /// well-formed GPT-2 vocabulary never has in a normal token) is kept as its own UTF-8 bytes rather than lost.
    static func decode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            if let b = byte(for: s.value) { out.append(b) } else { out.append(contentsOf: Array(String(s).utf8)) }
        }
        return out
    }
}
