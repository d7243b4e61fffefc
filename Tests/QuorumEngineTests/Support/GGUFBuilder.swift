import Foundation
@testable import QuorumEngine

/// Writes small GGUF files for tests: metadata of every value type and tensors of any GGML type.
struct GGUFBuilder {
    enum Value {
        case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32), f32(Float), bool(Bool)
        case string(String), u64(UInt64), i64(Int64), f64(Double)
        case array(elementType: UInt32, [Value])

        var typeCode: UInt32 {
            switch self {
            case .u8: 0
            case .i8: 1
            case .u16: 2
            case .i16: 3
            case .u32: 4
            case .i32: 5
            case .f32: 6
            case .bool: 7
            case .string: 8
            case .array: 9
            case .u64: 10
            case .i64: 11
            case .f64: 12
            }
        }
    }

    var version: UInt32 = 3
    var alignment = 32
    var metadata: [(String, Value)] = []
    var tensors: [(name: String, dims: [Int], type: GGMLType, data: Data)] = []

    private static func append<T: FixedWidthInteger>(_ v: T, to d: inout Data) {
        withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) }
    }

    private static func append(_ s: String, to d: inout Data) {
        append(UInt64(s.utf8.count), to: &d)
        d.append(contentsOf: Array(s.utf8))
    }

    private static func appendPayload(_ v: Value, to d: inout Data) {
        switch v {
        case .u8(let x): append(x, to: &d)
        case .i8(let x): append(x, to: &d)
        case .u16(let x): append(x, to: &d)
        case .i16(let x): append(x, to: &d)
        case .u32(let x): append(x, to: &d)
        case .i32(let x): append(x, to: &d)
        case .f32(let x): append(x.bitPattern, to: &d)
        case .bool(let x): append(UInt8(x ? 1 : 0), to: &d)
        case .string(let x): append(x, to: &d)
        case .u64(let x): append(x, to: &d)
        case .i64(let x): append(x, to: &d)
        case .f64(let x): append(x.bitPattern, to: &d)
        case .array(let elementType, let values):
            append(elementType, to: &d)
            append(UInt64(values.count), to: &d)
            for e in values { appendPayload(e, to: &d) }
        }
    }

    func build() -> Data {
        var d = Data()
        d.append(contentsOf: Array("GGUF".utf8))
        Self.append(version, to: &d)
        Self.append(UInt64(tensors.count), to: &d)
        Self.append(UInt64(metadata.count), to: &d)
        for (key, value) in metadata {
            Self.append(key, to: &d)
            Self.append(value.typeCode, to: &d)
            Self.appendPayload(value, to: &d)
        }
        var offsets: [Int] = []
        var cursor = 0
        for t in tensors {
            offsets.append(cursor)
            cursor = (cursor + t.data.count + alignment - 1) / alignment * alignment
        }
        for (t, offset) in zip(tensors, offsets) {
            Self.append(t.name, to: &d)
            Self.append(UInt32(t.dims.count), to: &d)
            for dim in t.dims { Self.append(UInt64(dim), to: &d) }
            Self.append(t.type.rawValue, to: &d)
            Self.append(UInt64(offset), to: &d)
        }
        while d.count % alignment != 0 { d.append(0) }
        for (t, offset) in zip(tensors, offsets) {
            precondition(d.count - (d.count - offset) >= 0)
            d.append(t.data)
            let next = (offset + t.data.count + alignment - 1) / alignment * alignment
            d.append(Data(count: next - offset - t.data.count))
        }
        return d
    }

    /// Writes the file to a fresh temporary path and returns it.
    func write(name: String = "test") throws -> String {
        try Self.write(build(), name: name)
    }

    static func write(_ data: Data, name: String = "test") throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("quorum-\(name)-\(UUID().uuidString).gguf")
        try data.write(to: url)
        return url.path
    }
}
