import CQuorumKernels
import Foundation
import Testing
@testable import QuorumEngine

/// Every supported tensor type, written into a synthetic GGUF file, decoded by both kernel paths (portable C
/// and AVX2) and checked against the independent Swift decoder; matrix × vectors checked against
/// decode-then-dot in Double.
@Suite struct TensorTypeTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]
    static let kernels = [Kernels(threads: 1, portable: true), Kernels(threads: 1), Kernels(threads: 2)]

    /// A GGUF file with one (rows × cols) matrix of `type` and random contents; returns it with its bytes.
    static func matrixFile(_ type: GGMLType, rows: Int, cols: Int, seed: UInt64) throws -> (GGUFFile, [UInt8]) {
        var g = SplitMix64(seed: seed)
        let bytes = ReferenceDequantizer.randomBlocks(type, blocks: rows * cols / type.blockSize, using: &g)
        var b = GGUFBuilder()
        b.tensors = [("w", [cols, rows], type, Data(bytes))]
        let path = try b.write(name: "tensor-\(type)")
        return (try GGUFFile(path: path), bytes)
    }

    @Test(arguments: types) func dequantisationMatchesReferenceDecoder(type: GGMLType) throws {
        let rows = 3, cols = 512
        let (file, bytes) = try Self.matrixFile(type, rows: rows, cols: cols, seed: UInt64(type.rawValue) + 1)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let info = try #require(file.tensor(named: "w"))
        #expect(info.type == type)
        let expected = ReferenceDequantizer.decode(type, bytes, count: rows * cols)
        #expect(expected.allSatisfy { $0.isFinite })
        #expect(Set(expected).count > cols / 8, "the random data should give varied values")
        for k in Self.kernels {
            var out = [Float](repeating: .nan, count: rows * cols)
            out.withUnsafeMutableBufferPointer { k.dequantize(type, file.bytes(of: info).baseAddress!, into: $0.baseAddress!, count: rows * cols) }
            for (i, (a, b)) in zip(out, expected).enumerated() where abs(a - b) > 1e-6 * max(1, abs(b)) {
                Issue.record("\(type) \(k.isaName): value \(i) is \(a), expected \(b)")
                break
            }
        }
    }

    @Test(arguments: types) func matrixTimesVectorsMatchesDequantiseThenDot(type: GGMLType) throws {
        // 5 rows: a full tile of 4 and a remainder; 37 columns for the one-value types (no vector multiple).
        let rows = 5, cols = type.blockSize == 1 ? 37 : 512
        let (file, bytes) = try Self.matrixFile(type, rows: rows, cols: cols, seed: UInt64(type.rawValue) + 100)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let w = try WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")), rows: rows, cols: cols)
        let decoded = ReferenceDequantizer.decode(type, bytes, count: rows * cols)
        var g = SplitMix64(seed: 9)
        for count in [1, 2, 3] {
            let x = (0..<(count * cols)).map { _ in Float.random(in: -1...1, using: &g) }
            for k in Self.kernels {
                var y = [Float](repeating: .nan, count: count * rows)
                var scratch = [Float](repeating: 0, count: k.matmulScratchCount(cols: cols))
                y.withUnsafeMutableBufferPointer { yb in
                    scratch.withUnsafeMutableBufferPointer { sb in
                        k.matmul(w, x: x, xStride: cols, count: count, y: yb.baseAddress!, yStride: rows, scratch: sb.baseAddress!)
                    }
                }
                for v in 0..<count {
                    for r in 0..<rows {
                        var exact = 0.0, magnitude = 0.0
                        for c in 0..<cols {
                            exact += Double(decoded[r * cols + c]) * Double(x[v * cols + c])
                            magnitude += abs(Double(decoded[r * cols + c]) * Double(x[v * cols + c]))
                        }
                        let got = Double(y[v * rows + r])
                        #expect(abs(got - exact) <= 1e-5 * magnitude + 1e-6, "\(type) \(k.isaName) vectors \(count): row \(r) vector \(v): \(got) vs \(exact)")
                    }
                }
            }
        }
    }

    /// A sub-range of rows is computed, and nothing outside it is written.
    @Test func rowRangesWriteOnlyTheirRows() throws {
        let (file, _) = try Self.matrixFile(.q4_K, rows: 9, cols: 256, seed: 3)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let w = try WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")), rows: 9, cols: 256)
        let x = [Float](repeating: 0.5, count: 2 * 256)
        for isa in [Int32(QK_ISA_PORTABLE), Int32(QK_ISA_AVX2)] {
            var y = [Float](repeating: .nan, count: 2 * 9)
            var scratch = [Float](repeating: 0, count: qk_matmul_scratch_count(256))
            let status = qk_matmul(isa, Int32(GGMLType.q4_K.rawValue), w.base, w.rowBytes, 256, 2, 7, x, 256, 2, &y, 9, &scratch)
            #expect(status == 0)
            for v in 0..<2 {
                for r in 0..<9 { #expect(y[v * 9 + r].isNaN == !(2..<7).contains(r), "isa \(isa) row \(r)") }
            }
        }
    }

    /// Half-precision conversion is exact for every bit pattern, on both paths.
    @Test func everyHalfPrecisionValueConvertsExactly() throws {
        let bits = (0...UInt16.max).map { $0 }
        var bytes: [UInt8] = []
        for b in bits { bytes += [UInt8(b & 0xFF), UInt8(b >> 8)] }
        for isa in [Int32(QK_ISA_PORTABLE), Int32(QK_ISA_AVX2)] {
            var out = [Float](repeating: 0, count: bits.count)
            #expect(qk_dequantize(isa, Int32(QK_TYPE_F16), bytes, &out, bits.count) == 0)
            for (b, f) in zip(bits, out) {
                let expected = Float(Float16(bitPattern: b))
                #expect(expected.isNaN ? f.isNaN : f.bitPattern == expected.bitPattern, "half \(b)")
            }
        }
    }

    @Test func unsupportedTypesAndBadCountsAreRefused() {
        var out = [Float](repeating: 0, count: 64)
        let zeros = [UInt8](repeating: 0, count: 256)
        #expect(qk_dequantize(Int32(QK_ISA_PORTABLE), Int32(GGMLType.q2_K.rawValue), zeros, &out, 32) == -1)
        #expect(qk_dequantize(Int32(QK_ISA_AVX2), Int32(QK_TYPE_Q4_0), zeros, &out, 33) == -1)
        #expect(!Kernels.supports(.q3_K))
        #expect(Kernels.supports(.q6_K))
    }

    @Test func cpuDetectionPicksTheBestLevelTheCPUHas() {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        #if arch(x86_64)
        if !flags.isEmpty {
            let avx2 = flags.isSuperset(of: ["avx2", "fma", "f16c"])
            let vnni = avx2 && flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512_vnni"])
            let expected = vnni ? QK_ISA_AVX512_VNNI : avx2 ? QK_ISA_AVX2 : QK_ISA_PORTABLE
            #expect(qk_isa_detect() == Int32(expected))
            #expect(InstructionSet.avx2.isAvailable == avx2)
            #expect(InstructionSet.avx512vnni.isAvailable == vnni)
            #expect(!InstructionSet.neon.isAvailable)
        }
        #endif
        #expect(InstructionSet.portable.isAvailable)
    }
}
