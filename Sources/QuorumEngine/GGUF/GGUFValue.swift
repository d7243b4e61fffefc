/// A metadata value of a GGUF file.
public enum GGUFValue: Sendable, Hashable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    /// An array, stored compactly by element type (``GGUFArray``).
    case array(GGUFArray)

    /// The value as an integer, when it is one of the integer cases (and fits).
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(exactly: v)
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }

    /// The value as a floating-point number, when it is numeric.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: intValue.map(Double.init)
        }
    }

    /// The string, when the value is a string.
    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    /// The elements, when the value is an array (a collection of ``GGUFValue`` made as they are read).
    public var arrayValue: GGUFArray? {
        if case .array(let a) = self { a } else { nil }
    }
}
