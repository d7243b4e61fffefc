// GGUF, the file format of llama.cpp's models, as this reader understands it (versions 2 and 3, little-endian):
//
//   1. magic "GGUF" (4 bytes), version u32, tensor count u64, metadata count u64
//   2. metadata: count × (key: string, value type u32, value)
//        string  = length u64 + UTF-8 bytes (no terminator)
//        value   = by type: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool (1 byte), 8 string,
//                  9 array (element type u32, count u64, elements), 10 u64, 11 i64, 12 f64
//   3. tensor infos: count × (name: string, n_dims u32, dims n_dims × u64 (innermost first),
//                             type u32 (GGMLType), offset u64 relative to the data section)
//   4. padding to `general.alignment` (default 32), then the data section: the tensors' bytes.
//
// Every count, length and offset read from the file is checked against the file's size before use, so a
// truncated or corrupted file gives a GGUFError and never a crash or an out-of-bounds read; no two tensors'
// data may overlap. The float vectors the engine decodes at load (norms, biases) must be finite
// (ModelWeights); the big quantised matrices are not scanned, and a non-finite logit they cause stops decoding
// (EngineModel).

/// One tensor's entry in the GGUF tensor table.
public struct GGUFTensorInfo: Sendable, Hashable {
    public let name: String
    /// Dimensions, innermost (contiguous) first, as GGML stores them: a weight matrix of `rows × cols`
    /// has `dims == [cols, rows]`.
    public let dims: [Int]
    public let type: GGMLType
    /// Offset of the tensor's first byte from the start of the file.
    public let fileOffset: Int
    /// Size in bytes.
    public let byteCount: Int

    /// Number of values.
    public var elementCount: Int { dims.reduce(1, *) }
}

/// A GGUF model file, memory-mapped, with its metadata and tensor table parsed and validated.
public struct GGUFFile: Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata in file order of keys; look values up with ``subscript(_:)``.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    /// Byte offset of the data section.
    public let dataOffset: Int
    public let alignment: Int
    /// The mapping the tensors' bytes are read from.
    public let file: MappedFile

    private let tensorIndex: [String: Int]

    /// Opens and validates `path`.
    public init(path: String) throws(GGUFError) {
        let file = try MappedFile(path: path)
        var cursor = ByteCursor(bytes: file.bytes, path: path)
        guard file.bytes.count >= 4, try cursor.readU32("magic") == 0x4655_4747 else { throw .notGGUF(path: path) }
        let version = try cursor.readU32("version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(path: path, version: version) }
        let tensorCount = try cursor.readCount("tensor count", minimumBytesEach: 8 + 4 + 8 + 4 + 8)
        let metadataCount = try cursor.readCount("metadata count", minimumBytesEach: 8 + 4 + 1)

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        keys.reserveCapacity(metadataCount)
        for _ in 0..<metadataCount {
            let key = try cursor.readString()
            let typeOffset = cursor.offset
            let type = try cursor.readU32("value type of '\(key)'")
            let value = try cursor.readValue(type: type, key: key, typeOffset: typeOffset, depth: 0)
            guard metadata.updateValue(value, forKey: key) == nil else { throw .duplicateKey(path: path, key: key) }
            keys.append(key)
        }

        var alignment = 32
        if let value = metadata["general.alignment"] {
            guard let a = value.intValue, a > 0, a <= 1 << 20, a & (a - 1) == 0 else {
                throw .invalidMetadata(path: path, key: "general.alignment", reason: "must be a power of two")
            }
            alignment = a
        }

        struct RawTensor { var name: String; var dims: [Int]; var type: GGMLType; var offset: Int }
        var raw: [RawTensor] = []
        raw.reserveCapacity(tensorCount)
        for _ in 0..<tensorCount {
            let name = try cursor.readString()
            let nDims = try cursor.readU32("dimension count of '\(name)'")
            guard (1...4).contains(nDims) else {
                throw .invalidTensor(path: path, name: name, reason: "\(nDims) dimensions (1 to 4 allowed)")
            }
            var dims: [Int] = []
            for _ in 0..<nDims {
                let d = try cursor.readU64("dimension of '\(name)'")
                guard d > 0, d <= UInt64(Int32.max) else {
                    throw .invalidTensor(path: path, name: name, reason: "dimension \(d) out of range")
                }
                dims.append(Int(d))
            }
            let typeRaw = try cursor.readU32("type of '\(name)'")
            guard let type = GGMLType(rawValue: typeRaw) else {
                throw .unsupportedTensorType(path: path, name: name, type: typeRaw)
            }
            let offset = try cursor.readU64("offset of '\(name)'")
            guard offset <= UInt64(Int.max / 2) else {
                throw .invalidTensor(path: path, name: name, reason: "offset \(offset) out of range")
            }
            raw.append(RawTensor(name: name, dims: dims, type: type, offset: Int(offset)))
        }

        let dataOffset = (cursor.offset + alignment - 1) / alignment * alignment
        var tensors: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for t in raw {
            var count = 1
            for d in t.dims {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= Int(Int32.max) * 64 else {
                    throw .invalidTensor(path: path, name: t.name, reason: "too many elements")
                }
                count = product
            }
            guard t.dims[0] % t.type.blockSize == 0, let size = t.type.byteCount(elements: count) else {
                throw .invalidTensor(
                    path: path, name: t.name,
                    reason: "row length \(t.dims[0]) is not a multiple of the \(t.type) block size \(t.type.blockSize)")
            }
            guard t.offset % alignment == 0 else {
                throw .invalidTensor(path: path, name: t.name, reason: "offset \(t.offset) is not aligned to \(alignment)")
            }
            let start = dataOffset + t.offset
            guard start <= file.bytes.count, size <= file.bytes.count - start else {
                throw .truncated(path: path, offset: start, reading: "data of tensor '\(t.name)' (\(size) bytes)")
            }
            guard index.updateValue(tensors.count, forKey: t.name) == nil else {
                throw .duplicateKey(path: path, key: t.name)
            }
            tensors.append(GGUFTensorInfo(name: t.name, dims: t.dims, type: t.type, fileOffset: start, byteCount: size))
        }
        // No two tensors may share bytes: sorted by start, each must begin at or after the previous one's end.
        let byStart = tensors.sorted { ($0.fileOffset, $0.byteCount) < ($1.fileOffset, $1.byteCount) }
        for (a, b) in zip(byStart, byStart.dropFirst()) where b.fileOffset < a.fileOffset + a.byteCount {
            throw .overlappingTensors(
                path: path, first: a.name, firstRange: a.fileOffset..<(a.fileOffset + a.byteCount),
                second: b.name, secondRange: b.fileOffset..<(b.fileOffset + b.byteCount))
        }

        self.path = path
        self.version = version
        self.metadataKeys = keys
        self.metadata = metadata
        self.tensors = tensors
        self.tensorIndex = index
        self.dataOffset = dataOffset
        self.alignment = alignment
        self.file = file
    }

    /// The metadata value for `key`, or `nil`.
    public subscript(key: String) -> GGUFValue? { metadata[key] }

    /// The tensor named `name`, or `nil`.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The bytes of `tensor` inside the mapping (valid while ``file`` lives).
    public func bytes(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[tensor.fileOffset..<(tensor.fileOffset + tensor.byteCount)])
    }

    /// A required integer metadata value, or a clear error naming the key.
    public func requiredInt(_ key: String) throws(GGUFError) -> Int {
        guard let value = metadata[key] else { throw .invalidMetadata(path: path, key: key, reason: "missing") }
        guard let int = value.intValue else { throw .invalidMetadata(path: path, key: key, reason: "not an integer") }
        return int
    }

    /// A required string metadata value, or a clear error naming the key.
    public func requiredString(_ key: String) throws(GGUFError) -> String {
        guard let value = metadata[key] else { throw .invalidMetadata(path: path, key: key, reason: "missing") }
        guard let s = value.stringValue else { throw .invalidMetadata(path: path, key: key, reason: "not a string") }
        return s
    }
}

/// A bounds-checked little-endian reader over the mapped header.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var offset = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - offset }

    mutating func take(_ n: Int, _ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= remaining else { throw .truncated(path: path, offset: offset, reading: what()) }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        let raw = try take(MemoryLayout<T>.size, what())
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    mutating func readU32(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt32 { try read(UInt32.self, what()) }
    mutating func readU64(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt64 { try read(UInt64.self, what()) }

    /// A u64 count, checked against what could possibly fit in the rest of the file.
    mutating func readCount(_ what: String, minimumBytesEach: Int) throws(GGUFError) -> Int {
        let start = offset
        let n = try readU64(what)
        guard n <= UInt64(remaining / max(minimumBytesEach, 1)) else {
            throw .truncated(path: path, offset: start, reading: "\(what) \(n)")
        }
        return Int(n)
    }

    mutating func readString() throws(GGUFError) -> String {
        let start = offset
        let length = try readU64("string length")
        guard length <= UInt64(remaining) else { throw .invalidString(path: path, offset: start) }
        let raw = try take(Int(length), "string")
        guard let s = String(validating: raw, as: UTF8.self) else { throw .invalidString(path: path, offset: start) }
        return s
    }

    mutating func readValue(type: UInt32, key: String, typeOffset: Int, depth: Int) throws(GGUFError) -> GGUFValue {
        let what = "value of '\(key)'"
        switch type {
        case 0: return .uint8(try read(UInt8.self, what))
        case 1: return .int8(try read(Int8.self, what))
        case 2: return .uint16(try read(UInt16.self, what))
        case 3: return .int16(try read(Int16.self, what))
        case 4: return .uint32(try read(UInt32.self, what))
        case 5: return .int32(try read(Int32.self, what))
        case 6: return .float32(Float(bitPattern: try read(UInt32.self, what)))
        case 7:
            let b = try read(UInt8.self, what)
            guard b <= 1 else { throw .invalidMetadata(path: path, key: key, reason: "boolean byte \(b)") }
            return .bool(b == 1)
        case 8: return .string(try readString())
        case 9:
            guard depth < 4 else { throw .invalidValueType(path: path, offset: typeOffset, key: key, type: type) }
            let elementOffset = offset
            let elementType = try readU32("array element type of '\(key)'")
            let minimum: Int = switch elementType {
                case 0, 1, 7: 1
                case 2, 3: 2
                case 4, 5, 6: 4
                case 8, 10, 11, 12: 8
                case 9: 12
                default: throw .invalidValueType(path: path, offset: elementOffset, key: key, type: elementType)
            }
            let count = try readCount("array length of '\(key)'", minimumBytesEach: minimum)
            return .array(try readArray(of: elementType, count: count, key: key, typeOffset: elementOffset, depth: depth))
        case 10: return .uint64(try read(UInt64.self, what))
        case 11: return .int64(try read(Int64.self, what))
        case 12: return .float64(Double(bitPattern: try read(UInt64.self, what)))
        default: throw .invalidValueType(path: path, offset: typeOffset, key: key, type: type)
        }
    }

    /// `count` elements of `type` (already checked to fit in the file) into a typed array.
    mutating func readArray(of type: UInt32, count: Int, key: String, typeOffset: Int, depth: Int) throws(GGUFError) -> GGUFArray {
        let what = "array '\(key)'"
        switch type {
        case 0: return .uint8(try readNumbers(UInt8.self, count, what))
        case 1: return .int8(try readNumbers(Int8.self, count, what))
        case 2: return .uint16(try readNumbers(UInt16.self, count, what))
        case 3: return .int16(try readNumbers(Int16.self, count, what))
        case 4: return .uint32(try readNumbers(UInt32.self, count, what))
        case 5: return .int32(try readNumbers(Int32.self, count, what))
        case 6: return .float32(try readNumbers(UInt32.self, count, what, as: { Float(bitPattern: $0) }))
        case 7:
            let raw = try take(count, what)
            if let bad = raw.first(where: { $0 > 1 }) { throw .invalidMetadata(path: path, key: key, reason: "boolean byte \(bad)") }
            return .bool(raw.map { $0 == 1 })
        case 8:
            var strings = GGUFStringArray()
            strings.reserve(count: count, byteCount: min(remaining, count * 16))
            for _ in 0..<count {
                let start = offset
                let length = try readU64("string length")
                guard length <= UInt64(remaining) else { throw .invalidString(path: path, offset: start) }
                let raw = try take(Int(length), "string")
                guard String(validating: raw, as: UTF8.self) != nil else { throw .invalidString(path: path, offset: start) }
                strings.append(utf8: raw)
            }
            return .string(strings)
        case 9:
            var arrays: [GGUFArray] = []
            arrays.reserveCapacity(count)
            for _ in 0..<count {
                guard case .array(let a) = try readValue(type: 9, key: key, typeOffset: typeOffset, depth: depth + 1) else {
                    throw .invalidValueType(path: path, offset: typeOffset, key: key, type: type)
                }
                arrays.append(a)
            }
            return .array(arrays)
        case 10: return .uint64(try readNumbers(UInt64.self, count, what))
        case 11: return .int64(try readNumbers(Int64.self, count, what))
        case 12: return .float64(try readNumbers(UInt64.self, count, what, as: { Double(bitPattern: $0) }))
        default: throw .invalidValueType(path: path, offset: typeOffset, key: key, type: type)
        }
    }

    /// `count` little-endian integers in one bounds check.
    mutating func readNumbers<T: FixedWidthInteger>(_: T.Type, _ count: Int, _ what: String) throws(GGUFError) -> [T] {
        try readNumbers(T.self, count, what, as: { $0 })
    }

    /// `count` little-endian integers, each converted by `convert` (a float from its bit pattern) as it is
    /// read: no intermediate array.
    mutating func readNumbers<T: FixedWidthInteger, U>(
        _: T.Type, _ count: Int, _ what: String, as convert: (T) -> U
    ) throws(GGUFError) -> [U] {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.size)
        guard !overflow else { throw .truncated(path: path, offset: offset, reading: what) }
        let raw = try take(size, what)
        return [U](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = convert(T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)))
            }
            initialized = count
        }
    }
}
