@testable import QuorumEngine

/// An independent, deliberately plain Swift decoder of GGML's block layouts, element by element, to check
/// the C kernels against. Written from the format descriptions, not from the C code's loop structure.
enum ReferenceDequantizer {
    static func half(_ b: [UInt8], _ at: Int) -> Float {
        Float(Float16(bitPattern: UInt16(b[at]) | UInt16(b[at + 1]) << 8))
    }

    /// Value `i` (0..<blockSize) of the block starting at `o` in `b`.
    static func value(_ type: GGMLType, _ b: [UInt8], block o: Int, _ i: Int) -> Float {
        func nibble(_ byte: UInt8, high: Bool) -> Int { Int(high ? byte >> 4 : byte & 0x0F) }
        func bit(_ word: UInt32, _ k: Int) -> Int { Int((word >> UInt32(k)) & 1) }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) } }
        /// 6-bit scale and min of sub-block j of a K-quant block whose 12 scale bytes start at s.
        func scaleMin(_ s: Int, _ j: Int) -> (Float, Float) {
            if j < 4 { return (Float(b[s + j] & 63), Float(b[s + j + 4] & 63)) }
            let sc = Int(b[s + j + 4] & 0x0F) | Int(b[s + j - 4] >> 6) << 4
            let m = Int(b[s + j + 4] >> 4) | Int(b[s + j] >> 6) << 4
            return (Float(sc), Float(m))
        }
        switch type {
        case .f32:
            return Float(bitPattern: u32(o))
        case .f16:
            return half(b, o)
        case .bf16:
            return Float(bitPattern: UInt32(b[o]) << 16 | UInt32(b[o + 1]) << 24)
        case .q4_0:
            return half(b, o) * Float(nibble(b[o + 2 + i % 16], high: i >= 16) - 8)
        case .q4_1:
            return half(b, o) * Float(nibble(b[o + 4 + i % 16], high: i >= 16)) + half(b, o + 2)
        case .q5_0:
            let q = nibble(b[o + 6 + i % 16], high: i >= 16) + 16 * bit(u32(o + 2), i)
            return half(b, o) * Float(q - 16)
        case .q5_1:
            let q = nibble(b[o + 8 + i % 16], high: i >= 16) + 16 * bit(u32(o + 4), i)
            return half(b, o) * Float(q) + half(b, o + 2)
        case .q8_0:
            return half(b, o) * Float(Int8(bitPattern: b[o + 2 + i]))
        case .q4_K, .q5_K:
            let chunk = i / 64, high = (i % 64) >= 32, l = i % 32, sub = i / 32
            let qs = type == .q4_K ? o + 16 : o + 48
            var q = nibble(b[qs + 32 * chunk + l], high: high)
            if type == .q5_K { q += 16 * Int((b[o + 16 + l] >> UInt8(sub)) & 1) }
            let (sc, m) = scaleMin(o + 4, sub)
            return half(b, o) * sc * Float(q) - half(b, o + 2) * m
        case .q6_K:
            let n = i / 128, g = (i % 128) / 32, l = i % 32
            let low = nibble(b[o + 64 * n + l + (g % 2 == 1 ? 32 : 0)], high: g >= 2)
            let top = Int((b[o + 128 + 32 * n + l] >> UInt8(2 * g)) & 3)
            let scale = Float(Int8(bitPattern: b[o + 192 + 8 * n + 2 * g + l / 16]))
            return half(b, o + 208) * scale * Float(low + 16 * top - 32)
        default:
            fatalError("no reference decoder for \(type)")
        }
    }

    /// `count` values of `type` from `bytes`.
    static func decode(_ type: GGMLType, _ bytes: [UInt8], count: Int) -> [Float] {
        (0..<count).map { e in
            value(type, bytes, block: (e / type.blockSize) * type.typeSize, e % type.blockSize)
        }
    }

    /// Random bytes of `blocks` blocks of `type` whose half-precision fields are finite, moderate numbers
    /// (their ranges multiplied by `scale`).
    static func randomBlocks(_ type: GGMLType, blocks: Int, scale: Float = 1, using g: inout SplitMix64) -> [UInt8] {
        var bytes = (0..<(blocks * type.typeSize)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        func setHalf(_ at: Int, _ range: ClosedRange<Float>) {
            let bits = Float16(Float.random(in: range, using: &g) * scale).bitPattern
            bytes[at] = UInt8(bits & 0xFF)
            bytes[at + 1] = UInt8(bits >> 8)
        }
        for k in 0..<blocks {
            let o = k * type.typeSize
            switch type {
            case .f32: bytes.replaceSubrange(o..<(o + 4), with: withUnsafeBytes(of: Float.random(in: -3...3, using: &g).bitPattern.littleEndian, Array.init))
            case .f16: setHalf(o, -3...3)
            case .bf16: bytes[o + 1] = UInt8.random(in: 0x3C...0x40, using: &g) | (g.next() % 2 == 0 ? 0x80 : 0)
            case .q4_0, .q5_0, .q8_0: setHalf(o, -0.1...0.1)
            case .q4_1, .q5_1: setHalf(o, 0...0.1); setHalf(o + 2, -1...0)
            case .q4_K, .q5_K: setHalf(o, 0...0.01); setHalf(o + 2, 0...0.01)
            case .q6_K: setHalf(o + 208, 0...0.01)
            default: fatalError("no generator for \(type)")
            }
        }
        return bytes
    }
}
