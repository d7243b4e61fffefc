import Foundation
import Testing
@testable import QuorumEngine

/// Metadata arrays are stored by element type (GGUFArray) and read back element by element exactly.
/// The memory they take is measured end to end in QuorumCLITests (GGUFMetadataMemoryCommandTests).
@Suite struct GGUFArrayTests {
    @Test func everyElementTypeIsStoredTypedAndReadsBackExactly() throws {
        var b = GGUFBuilder()
        b.metadata = [
            ("u8", .array(elementType: 0, [.u8(0), .u8(255)])), ("i8", .array(elementType: 1, [.i8(-128), .i8(127)])),
            ("u16", .array(elementType: 2, [.u16(65535)])), ("i16", .array(elementType: 3, [.i16(-2)])),
            ("u32", .array(elementType: 4, [.u32(4_000_000_000)])), ("i32", .array(elementType: 5, [.i32(-7), .i32(9)])),
            ("f32", .array(elementType: 6, [.f32(0.25), .f32(-1e30)])), ("bool", .array(elementType: 7, [.bool(true), .bool(false)])),
            ("s", .array(elementType: 8, [.string(""), .string("é a"), .string("<0x0A>")])),
            ("u64", .array(elementType: 10, [.u64(1 << 63)])), ("i64", .array(elementType: 11, [.i64(-(1 << 40))])),
            ("f64", .array(elementType: 12, [.f64(2.5)])),
            ("nested", .array(elementType: 9, [.array(elementType: 5, [.i32(1), .i32(2)]), .array(elementType: 8, [.string("x")])])),
            ("empty", .array(elementType: 4, [])),
        ]
        let path = try b.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let f = try GGUFFile(path: path)
        #expect(f["u8"]?.arrayValue == .uint8([0, 255]))
        #expect(f["i8"]?.arrayValue == .int8([-128, 127]))
        #expect(f["u16"]?.arrayValue == .uint16([65535]))
        #expect(f["i16"]?.arrayValue == .int16([-2]))
        #expect(f["u32"]?.arrayValue == .uint32([4_000_000_000]))
        #expect(f["i32"]?.arrayValue == .int32([-7, 9]))
        #expect(f["i32"]?.arrayValue?.map(\.intValue) == [-7, 9])
        #expect(f["f32"]?.arrayValue == .float32([0.25, -1e30]))
        #expect(f["bool"]?.arrayValue == .bool([true, false]))
        #expect(f["s"]?.arrayValue?.map(\.stringValue) == ["", "é a", "<0x0A>"])
        guard case .string(let strings)? = f["s"]?.arrayValue else {
            Issue.record("strings not stored as one buffer")
            return
        }
        #expect(strings.bytes.count == "é a<0x0A>".utf8.count && strings.ends == [0, 4, 10])
        #expect(f["u64"]?.arrayValue == .uint64([1 << 63]))
        #expect(f["i64"]?.arrayValue?.first?.intValue == -(1 << 40))
        #expect(f["f64"]?.arrayValue?.first?.doubleValue == 2.5)
        let nested = try #require(f["nested"]?.arrayValue)
        #expect(nested.count == 2)
        #expect(nested[0].arrayValue == .int32([1, 2]))
        #expect(nested[1].arrayValue?.first?.stringValue == "x")
        #expect(f["empty"]?.arrayValue?.isEmpty == true)
    }

    @Test func aBadBooleanOrStringInsideAnArrayIsStillRefused() throws {
        var b = GGUFBuilder()
        b.metadata = [("flags", .array(elementType: 7, [.bool(true), .u8(2)]))]
        let badBool = try b.write()
        defer { try? FileManager.default.removeItem(atPath: badBool) }
        #expect(throws: GGUFError.invalidMetadata(path: badBool, key: "flags", reason: "boolean byte 2")) { try GGUFFile(path: badBool) }
        var data = GGUFBuilder(metadata: [("s", .array(elementType: 8, [.string("ab")]))]).build()
        let at = try #require(data.range(of: Data("ab".utf8))).lowerBound
        data[at] = 0xFF  // not UTF-8
        let badString = try GGUFBuilder.write(data)
        defer { try? FileManager.default.removeItem(atPath: badString) }
        #expect(throws: GGUFError.self) { try GGUFFile(path: badString) }
    }
}
