/// A metadata array of a GGUF file, stored by element type: numbers in a typed Swift array, strings as one
/// UTF-8 buffer with end offsets, so that an array takes about its size in the file (a `GGUFValue` per
/// element took 24 bytes, ~24× a byte array's size and ~6× a 32-bit one's; docs/results.md).
///
/// A random-access collection of ``GGUFValue``: an element is made when it is read.
public enum GGUFArray: Sendable, Hashable {
    case uint8([UInt8]), int8([Int8]), uint16([UInt16]), int16([Int16]), uint32([UInt32]), int32([Int32])
    case uint64([UInt64]), int64([Int64]), float32([Float]), float64([Double]), bool([Bool])
    case string(GGUFStringArray)
    /// Arrays of arrays (rare; GGUF allows them).
    case array([GGUFArray])
}

extension GGUFArray: RandomAccessCollection {
    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch self {
        case .uint8(let a): a.count
        case .int8(let a): a.count
        case .uint16(let a): a.count
        case .int16(let a): a.count
        case .uint32(let a): a.count
        case .int32(let a): a.count
        case .uint64(let a): a.count
        case .int64(let a): a.count
        case .float32(let a): a.count
        case .float64(let a): a.count
        case .bool(let a): a.count
        case .string(let a): a.count
        case .array(let a): a.count
        }
    }

    public subscript(position: Int) -> GGUFValue {
        switch self {
        case .uint8(let a): .uint8(a[position])
        case .int8(let a): .int8(a[position])
        case .uint16(let a): .uint16(a[position])
        case .int16(let a): .int16(a[position])
        case .uint32(let a): .uint32(a[position])
        case .int32(let a): .int32(a[position])
        case .uint64(let a): .uint64(a[position])
        case .int64(let a): .int64(a[position])
        case .float32(let a): .float32(a[position])
        case .float64(let a): .float64(a[position])
        case .bool(let a): .bool(a[position])
        case .string(let a): .string(a[position])
        case .array(let a): .array(a[position])
        }
    }
}

/// Strings stored end to end in one UTF-8 buffer (validated when read from the file).
public struct GGUFStringArray: Sendable, Hashable, RandomAccessCollection {
    /// The strings' bytes, end to end.
    var bytes: [UInt8] = []
    /// `ends[i]`: the offset in `bytes` just past string `i`.
    var ends: [Int] = []

    public init() {}

    /// Room for `count` strings of `byteCount` bytes in all.
    mutating func reserve(count: Int, byteCount: Int) {
        ends.reserveCapacity(count)
        bytes.reserveCapacity(byteCount)
    }

    /// Appends a string given as validated UTF-8.
    mutating func append(utf8: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: utf8)
        ends.append(bytes.count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }

    public subscript(position: Int) -> String {
        let start = position == 0 ? 0 : ends[position - 1]
        return bytes.withUnsafeBufferPointer { String(decoding: $0[start..<ends[position]], as: UTF8.self) }
    }
}
