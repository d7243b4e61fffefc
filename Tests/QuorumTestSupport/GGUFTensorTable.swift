import Foundation

/// Where each tensor of a GGUF file lies, read with a reader of its own (an oracle independent of
/// QuorumEngine's), so that tests can damage a copy of a real model at a chosen byte: a norm weight set to
/// NaN, a block scale of a quantised matrix, a tensor offset in the table.
public struct GGUFTensorTable: Sendable {
    /// One tensor: its GGML type number, dimensions, the absolute byte offset of its data, and the byte
    /// offset of its `offset` field in the tensor table.
    public struct Entry: Sendable {
        public var type: UInt32
        public var dims: [Int]
        public var dataOffset: Int
        public var offsetFieldOffset: Int
        /// The data offset relative to the data section, as the table stores it.
        public var relativeOffset: Int
    }

    public var entries: [String: Entry] = [:]

    /// Reads the tensor table of `file`.
    public init(file: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped)
        var at = 0
        func u32() -> UInt32 { defer { at += 4 }; return data[at..<at + 4].enumerated().reduce(0) { $0 | UInt32($1.1) << (8 * UInt32($1.0)) } }
        func u64() -> Int { defer { at += 8 }; return Int(data[at..<at + 8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.1) << (8 * UInt64($1.0)) }) }
        func string() -> String {
            let n = u64()
            defer { at += n }
            return String(decoding: data[at..<at + n], as: UTF8.self)
        }
        func skip(_ type: UInt32) {
            switch type {
            case 0, 1, 7: at += 1
            case 2, 3: at += 2
            case 4, 5, 6: at += 4
            case 10, 11, 12: at += 8
            case 8: _ = string()
            case 9:
                let element = u32()
                let n = u64()
                for _ in 0..<n { skip(element) }
            default: fatalError("GGUFTensorTable: unknown metadata type \(type)")
            }
        }
        at = 8
        let tensorCount = u64()
        let metadataCount = u64()
        var alignment = 32
        for _ in 0..<metadataCount {
            let key = string()
            let type = u32()
            if key == "general.alignment", type == 4 { alignment = Int(u32()) } else { skip(type) }
        }
        var raw: [(String, Entry)] = []
        for _ in 0..<tensorCount {
            let name = string()
            let n = Int(u32())
            let dims = (0..<n).map { _ in u64() }
            let type = u32()
            let field = at
            let offset = u64()
            raw.append((name, Entry(type: type, dims: dims, dataOffset: offset, offsetFieldOffset: field, relativeOffset: offset)))
        }
        let dataStart = (at + alignment - 1) / alignment * alignment
        for (name, var e) in raw {
            e.dataOffset += dataStart
            entries[name] = e
        }
    }

    /// Copies `source` to `destination` and applies `patches` (absolute offset → bytes) to the copy.
    public static func damagedCopy(of source: String, to destination: String, patches: [(Int, [UInt8])]) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: source))
        for (offset, bytes) in patches { data.replaceSubrange(offset..<offset + bytes.count, with: bytes) }
        try data.write(to: URL(fileURLWithPath: destination))
    }

    /// The little-endian bytes of `value`.
    public static func bytes(_ value: Float) -> [UInt8] { withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    /// The little-endian bytes of `value`.
    public static func bytes(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    /// An IEEE half-precision NaN (0x7E00), little-endian: a Q8_0/Q4_1 block scale that poisons its block.
    public static let halfNaN: [UInt8] = [0x00, 0x7E]
}
