import Foundation
import Testing
@testable import QuorumEngine

@Suite struct GGUFFileTests {
    @Test func readsEveryMetadataTypeAndTensorTable() throws {
        var b = GGUFBuilder()
        b.metadata = [
            ("general.architecture", .string("llama")), ("u8", .u8(200)), ("i8", .i8(-3)), ("u16", .u16(60000)),
            ("i16", .i16(-300)), ("u32", .u32(4_000_000_000)), ("i32", .i32(-7)), ("f32", .f32(0.5)),
            ("bool", .bool(true)), ("u64", .u64(1 << 40)), ("i64", .i64(-(1 << 40))), ("f64", .f64(2.25)),
            ("tokens", .array(elementType: 8, [.string("a"), .string("é"), .string("<0x0A>")])),
            ("general.alignment", .u32(64)),
        ]
        b.alignment = 64
        b.tensors = [
            ("a", [4, 2], .f32, Data(count: 32)),
            ("b", [32], .q8_0, Data(count: 34)),
        ]
        let f = try GGUFFile(path: try b.write())
        #expect(f.version == 3)
        #expect(f.alignment == 64)
        #expect(f["general.architecture"]?.stringValue == "llama")
        #expect(f["u8"]?.intValue == 200)
        #expect(f["i16"]?.intValue == -300)
        #expect(f["u32"]?.intValue == 4_000_000_000)
        #expect(f["i64"]?.intValue == -(1 << 40))
        #expect(f["f32"]?.doubleValue == 0.5)
        #expect(f["bool"] == .bool(true))
        #expect(f["tokens"]?.arrayValue?.compactMap(\.stringValue) == ["a", "é", "<0x0A>"])
        #expect(f.tensors.map(\.name) == ["a", "b"])
        #expect(f.tensor(named: "a")?.dims == [4, 2])
        #expect(f.tensor(named: "b")?.byteCount == 34)
        #expect(f.dataOffset % 64 == 0)
        #expect(f.tensor(named: "b")!.fileOffset == f.dataOffset + 64)
    }

    @Test func rejectsBadHeaders() throws {
        func error(_ data: Data) -> GGUFError? {
            do { _ = try GGUFFile(path: try GGUFBuilder.write(data)); return nil } catch let e as GGUFError { return e } catch { return nil }
        }
        if case .notGGUF = error(Data()) {} else { Issue.record("empty file") }
        if case .notGGUF = error(Data("GGML0000".utf8)) {} else { Issue.record("bad magic") }
        var b = GGUFBuilder()
        b.version = 1
        if case .unsupportedVersion(_, 1) = error(b.build()) {} else { Issue.record("version 1") }
        b = GGUFBuilder()
        b.metadata = [("x", .u8(1)), ("x", .u8(2))]
        if case .duplicateKey = error(b.build()) {} else { Issue.record("duplicate key") }
        b = GGUFBuilder()
        b.tensors = [("t", [31], .q4_0, Data(count: 18))]
        if case .invalidTensor = error(b.build()) {} else { Issue.record("row not multiple of block") }
        // An unknown value type.
        var raw = GGUFBuilder().build().prefix(24)  // header only, without the alignment padding
        raw.replaceSubrange(16..<24, with: withUnsafeBytes(of: UInt64(1).littleEndian) { Data($0) })
        raw.append(contentsOf: [1, 0, 0, 0, 0, 0, 0, 0, UInt8(ascii: "k"), 99, 0, 0, 0])
        if case .invalidValueType(_, _, "k", 99) = error(raw) {} else { Issue.record("unknown value type") }
        // A tensor count far larger than the file can hold.
        raw = GGUFBuilder().build()
        raw.replaceSubrange(8..<16, with: withUnsafeBytes(of: UInt64.max.littleEndian) { Data($0) })
        if case .truncated = error(raw) {} else { Issue.record("huge tensor count") }
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
    }

    /// Every prefix of a real model's header, and random byte flips in it, give an error or a valid file,
    /// never a crash.
    @Test func truncationsAndByteFlipsOfTheRealModelNeverCrash() throws {
        let path = ModelFiles.path("smollm2-135m")
        try #require(ModelFiles.exists("smollm2-135m"), Comment(rawValue: ModelFiles.missingMessage))
        let full = try GGUFFile(path: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        let header = original.prefix(full.dataOffset)
        var rng = SplitMix64(seed: 42)
        var cuts = (0..<40).map { _ in Int(rng.next() % UInt64(header.count)) }
        cuts += [0, 3, 4, 8, 23, 24, header.count - 1]
        for cut in cuts {
            let path = try GGUFBuilder.write(original.prefix(cut))
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
        }
        var headerFails = 0
        for _ in 0..<40 {
            var copy = Data(header)
            for _ in 0..<4 {
                let i = Int(rng.next() % UInt64(copy.count))
                copy[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            }
            // The data section is left as a hole of zeros: only the header is under test.
            let path = try GGUFBuilder.write(copy)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try FileHandle(forWritingTo: URL(fileURLWithPath: path)).truncate(atOffset: UInt64(original.count))
            do { _ = try GGUFFile(path: path) } catch { headerFails += 1 }
        }
        #expect(headerFails > 0)
        // Cutting the last byte of the data section leaves the last tensor short.
        let short = try GGUFBuilder.write(header)
        defer { try? FileManager.default.removeItem(atPath: short) }
        try FileHandle(forWritingTo: URL(fileURLWithPath: short)).truncate(atOffset: UInt64(original.count - 1))
        #expect(throws: GGUFError.self) { try GGUFFile(path: short) }
    }

    @Test func realModelMetadata() throws {
        try #require(ModelFiles.exists("smollm2-135m"), Comment(rawValue: ModelFiles.missingMessage))
        let f = try GGUFFile(path: ModelFiles.path("smollm2-135m"))
        #expect(f["general.architecture"]?.stringValue == "llama")
        #expect(f["tokenizer.ggml.tokens"]?.arrayValue?.count == 49152)
        #expect(f.tensors.count == 272)
        #expect(f.tensor(named: "token_embd.weight")?.type == .q8_0)
        #expect(Set(f.tensors.map(\.type)).isSubset(of: [.f32, .q4_1, .q8_0]))
    }
}

/// A small deterministic generator for tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
