import CQuorumKernels
import Foundation
import Testing
@testable import QuorumEngine

/// The 8-bit path of the C kernels, on every instruction set this machine runs, against plain Swift
/// statements of what they compute: activation quantisation (GGML's Q8_0/Q8_1/Q8_K schemes), matrix × 8-bit
/// vectors, attention over spans, SwiGLU, log-sum-exp and RoPE with precomputed angles.
@Suite struct Int8KernelTests {
    static let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]
    static let levels = InstructionSet.allCases.filter(\.isAvailable).map(\.level)

    /// The activation scheme, written out: blocks of 32 (scale rounded to half precision; sums d·Σq per 32,
    /// exact and rounded to half) or 256 (float scale 1/(127/amax); sums d·Σq per 16); values
    /// round(x·127/amax), ties to even.
    static func quantize(_ x: [Float], kind: Int32) -> (q: [Int8], d: [Float], s: [Float]) {
        let block = kind == Int32(QK_ACT_Q8_32) ? 32 : 256
        var q = [Int8](repeating: 0, count: x.count)
        var d = [Float](repeating: 0, count: x.count / 32)
        var s = [Float](repeating: 0, count: x.count / 16)
        for b in stride(from: 0, to: x.count, by: block) {
            let amax = x[b..<(b + block)].map(abs).max()!
            let id: Float = amax != 0 ? 127 / amax : 0
            let scale = block == 32 ? Float(Float16(amax / 127)) : (amax != 0 ? 1 / id : 0)
            for i in b..<(b + block) { q[i] = Int8(max(-127, min(127, (x[i] * id).rounded(.toNearestOrEven)))) }
            for i in stride(from: b, to: b + block, by: 32) { d[i / 32] = scale }
            if block == 32 {
                s[b / 16] = scale * Float(q[b..<(b + 32)].reduce(0) { $0 + Int($1) })
                s[b / 16 + 1] = Float(Float16(s[b / 16]))
            } else {
                for i in stride(from: b, to: b + block, by: 16) { s[i / 16] = scale * Float(q[i..<(i + 16)].reduce(0) { $0 + Int($1) }) }
            }
        }
        return (q, d, s)
    }

    static func randomVector(_ n: Int, using g: inout SplitMix64) -> [Float] {
        // A few large values, as activations have, so that block scales differ.
        (0..<n).map { i in Float.random(in: -1...1, using: &g) * (i % 37 == 5 ? 9 : 1) }
    }

    @Test(arguments: [Int32(QK_ACT_Q8_32), Int32(QK_ACT_Q8_256)])
    func quantisationFollowsTheScheme(kind: Int32) {
        var g = SplitMix64(seed: UInt64(kind) + 40)
        var x = Self.randomVector(1024, using: &g)
        x.replaceSubrange(256..<512, with: [Float](repeating: 0, count: 256))  // all-zero blocks: scale 0
        x[600] = 0.5; x[601] = -0.5  // an exact tie of +amax and −amax
        let expected = Self.quantize(x, kind: kind)
        for isa in Self.levels {
            var q = [Int8](repeating: 99, count: x.count)
            var d = [Float](repeating: .nan, count: x.count / 32), s = [Float](repeating: .nan, count: x.count / 16)
            #expect(qk_quantize_act(isa, kind, x, x.count, &q, &d, &s) == 0)
            #expect(q == expected.q, "isa \(isa)")
            #expect(d == expected.d, "isa \(isa)")
            #expect(zip(s, expected.s).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }, "isa \(isa)")
        }
        var q = [Int8](repeating: 0, count: 40), d = [Float](repeating: 0, count: 2), s = [Float](repeating: 0, count: 3)
        #expect(qk_quantize_act(Int32(QK_ISA_PORTABLE), kind, x, 40, &q, &d, &s) == -1, "not a whole number of blocks")
        #expect(qk_quantize_act(Int32(QK_ISA_PORTABLE), 7, x, 256, &q, &d, &s) == -1, "unknown kind")
    }

    @Test func everyQuantisedTypeNamesItsActivationKind() {
        for t in Self.types {
            let expected = [.q4_K, .q5_K, .q6_K].contains(t) ? QK_ACT_Q8_256 : QK_ACT_Q8_32
            #expect(qk_act_kind(Int32(t.rawValue)) == Int32(expected))
        }
        for t in [GGMLType.f32, .f16, .bf16] { #expect(qk_act_kind(Int32(t.rawValue)) == Int32(QK_ACT_FLOAT)) }
        #expect(qk_act_kind(Int32(GGMLType.q2_K.rawValue)) == -1)
    }

    /// Against Σ w·(d·q) in Double over the reference decoder's weights: equal up to float summation (for
    /// Q4_1 and Q5_1 with each block's min times the half-precision block sum, as GGML's Q8_1 has it). Row
    /// counts and vector counts cover every tile and group shape of the kernels (1…8 vectors, more than 8,
    /// rows in and outside 8-row tiles).
    @Test(arguments: types) func matrixTimesEightBitVectorsMatchesDecodeThenDot(type: GGMLType) throws {
        let rows = 19, cols = 512
        let (file, bytes) = try TensorTypeTests.matrixFile(type, rows: rows, cols: cols, seed: UInt64(type.rawValue) + 300)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let w = try WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")), rows: rows, cols: cols)
        let decoded = ReferenceDequantizer.decode(type, bytes, count: rows * cols)
        let kind = qk_act_kind(Int32(type.rawValue))
        var g = SplitMix64(seed: 77)
        for count in [1, 2, 3, 4, 5, 8, 9, 17] {
            var q: [Int8] = [], d: [Float] = [], s: [Float] = []
            for _ in 0..<count {
                let a = Self.quantize(Self.randomVector(cols, using: &g), kind: kind)
                q += a.q; d += a.d; s += a.s
            }
            for isa in Self.levels {
                var y = [Float](repeating: .nan, count: count * rows)
                var scratch = [Float](repeating: 0, count: qk_matmul_q8_scratch_count(cols))
                #expect(qk_matmul_q8(isa, Int32(type.rawValue), w.base, w.rowBytes, cols, 0, rows, q, d, s, count, &y, rows, &scratch) == 0)
                for v in 0..<count {
                    for r in 0..<rows {
                        var exact = 0.0, magnitude = 0.0
                        for c in 0..<cols {
                            let x = Double(d[v * cols / 32 + c / 32]) * Double(q[v * cols + c])
                            exact += Double(decoded[r * cols + c]) * x
                            magnitude += abs(Double(decoded[r * cols + c]) * x)
                        }
                        if type == .q4_1 || type == .q5_1 {
                            for j in 0..<(cols / 32) {
                                let m = ReferenceDequantizer.half(bytes, (r * cols / 32 + j) * type.typeSize + 2)
                                exact += Double(m) * (Double(s[v * cols / 16 + 2 * j + 1]) - Double(s[v * cols / 16 + 2 * j]))
                            }
                        }
                        let got = Double(y[v * rows + r])
                        #expect(abs(got - exact) <= 1e-5 * magnitude + 1e-6, "\(type) isa \(isa) vectors \(count): row \(r) vector \(v): \(got) vs \(exact)")
                    }
                }
            }
        }
    }

    @Test func eightBitRowRangesWriteOnlyTheirRows() throws {
        for type in [GGMLType.q4_1, .q6_K] {
            let rows = 21, cols = 256
            let (file, _) = try TensorTypeTests.matrixFile(type, rows: rows, cols: cols, seed: 5)
            defer { try? FileManager.default.removeItem(atPath: file.path) }
            let w = try WeightMatrix(file: file, tensor: try #require(file.tensor(named: "w")), rows: rows, cols: cols)
            var g = SplitMix64(seed: 6)
            let a = Self.quantize(Self.randomVector(2 * cols, using: &g), kind: qk_act_kind(Int32(type.rawValue)))
            for isa in Self.levels {
                var y = [Float](repeating: .nan, count: 2 * rows)
                var scratch = [Float](repeating: 0, count: qk_matmul_q8_scratch_count(cols))
                #expect(qk_matmul_q8(isa, Int32(type.rawValue), w.base, w.rowBytes, cols, 3, 17, a.q, a.d, a.s, 2, &y, rows, &scratch) == 0)
                for v in 0..<2 {
                    for r in 0..<rows { #expect(y[v * rows + r].isNaN == !(3..<17).contains(r), "\(type) isa \(isa) row \(r)") }
                }
            }
        }
        var y = [Float](repeating: 0, count: 4), scratch = [Float](repeating: 0, count: 64)
        let zeros = [UInt8](repeating: 0, count: 1024), q = [Int8](repeating: 0, count: 256), f = [Float](repeating: 0, count: 16)
        #expect(qk_matmul_q8(Int32(QK_ISA_PORTABLE), Int32(QK_TYPE_F16), zeros, 512, 256, 0, 1, q, f, f, 1, &y, 1, &scratch) == -1)
        #expect(qk_matmul_q8(Int32(QK_ISA_PORTABLE), Int32(QK_TYPE_Q4_K), zeros, 144, 32, 0, 1, q, f, f, 1, &y, 1, &scratch) == -1)
    }

    /// Softmax attention over spans, against Double, with keys and values stored as float and as half.
    @Test(arguments: [(64, 1), (64, 3), (64, 7), (12, 2)]) func attentionOverSpansMatchesSoftmax(headDim: Int, heads: Int) {
        var g = SplitMix64(seed: UInt64(headDim * 10 + heads))
        let stride = headDim * 3 + 4
        for counts in [[9], [4, 6], [3, 0, 11], [1]] {
            let total = counts.reduce(0, +)
            let q = (0..<(heads * headDim)).map { _ in Float.random(in: -1...1, using: &g) }
            let keys = counts.map { n in (0..<(n * stride)).map { _ in Float.random(in: -1...1, using: &g) } }
            let values = counts.map { n in (0..<(n * stride)).map { _ in Float.random(in: -1...1, using: &g) } }
            let scale = 1 / Float(headDim).squareRoot()
            for half in [false, true] {
                // What the cache holds: the values themselves, or rounded to half precision.
                let stored = { (x: [[Float]]) in half ? x.map { $0.map { Float(Float16($0)) } } : x }
                let (k, v) = (stored(keys), stored(values))
                var expected = [Double](repeating: 0, count: heads * headDim)
                for i in 0..<heads {
                    var rows: [(keys: [Float], values: [Float], at: Int)] = []
                    for (j, n) in counts.enumerated() { for p in 0..<n { rows.append((k[j], v[j], p * stride)) } }
                    let scores = rows.map { r in
                        Double(scale) * (0..<headDim).reduce(0.0) { $0 + Double(q[i * headDim + $1]) * Double(r.keys[r.at + $1]) }
                    }
                    let m = scores.max()!
                    let e = scores.map { Foundation.exp($0 - m) }
                    let sum = e.reduce(0, +)
                    for (p, r) in rows.enumerated() {
                        for c in 0..<headDim { expected[i * headDim + c] += e[p] / sum * Double(r.values[r.at + c]) }
                    }
                }
                let keyData = half ? keys.map { $0.map { Float16($0).bitPattern } }.map { Data(bytes: $0, count: 2 * $0.count) }
                                   : keys.map { Data(bytes: $0, count: 4 * $0.count) }
                let valueData = half ? values.map { $0.map { Float16($0).bitPattern } }.map { Data(bytes: $0, count: 2 * $0.count) }
                                     : values.map { Data(bytes: $0, count: 4 * $0.count) }
                for isa in Self.levels {
                    var out = [Float](repeating: .nan, count: heads * headDim)
                    var scores = [Float](repeating: 0, count: heads * total)
                    keyData.withPointers { kp in
                        valueData.withPointers { vp in
                            qk_attention_spans(isa, &out, q, heads, headDim, kp, vp, counts, counts.count, stride, half ? 1 : 0, scale, &scores)
                        }
                    }
                    for (a, b) in zip(out, expected) { #expect(abs(Double(a) - b) <= 2e-6, "isa \(isa) half \(half) counts \(counts): \(a) vs \(b)") }
                }
            }
        }
    }

    @Test func keysAndValuesAreStoredAsFloatOrRoundedHalf() {
        var g = SplitMix64(seed: 9)
        let x = (0..<203).map { _ in Float.random(in: -70_000...70_000, using: &g) / Float(1 << Int(g.next() % 24)) }
        for isa in Self.levels {
            var halves = [UInt16](repeating: 0, count: x.count), floats = [Float](repeating: 0, count: x.count)
            qk_store_kv(isa, &halves, x, x.count, 1)
            qk_store_kv(isa, &floats, x, x.count, 0)
            #expect(halves == x.map { Float16($0).bitPattern }, "isa \(isa)")
            #expect(floats == x)
        }
    }

    @Test func swigluAndLogSumExpAreWithinFloatRounding() {
        var g = SplitMix64(seed: 12)
        let n = 49_152 + 5
        var logits = (0..<n).map { _ in Float.random(in: -30...12, using: &g) }
        logits[7] = -.infinity
        logits[n - 1] = -200
        var lse = 0.0, entropy = 0.0
        qk_logsumexp(logits, n, &lse, &entropy)  // exact (Double) reference
        let gate = (0..<1003).map { _ in Float.random(in: -100...30, using: &g) }
        let up = (0..<1003).map { _ in Float.random(in: -3...3, using: &g) }
        for isa in Self.levels {
            var l = 0.0, h = 0.0
            qk_logsumexp_isa(isa, logits, n, &l, &h)
            #expect(abs(l - lse) <= 1e-5 && abs(h - entropy) <= 1e-5, "isa \(isa): \(l) \(h) vs \(lse) \(entropy)")
            var out = gate
            qk_swiglu_isa(isa, &out, up, gate.count)
            for i in gate.indices {
                let exact = Double(gate[i]) / (1 + Foundation.exp(-Double(gate[i]))) * Double(up[i])
                #expect(abs(Double(out[i]) - exact) <= 2e-6 * max(1, abs(exact)), "isa \(isa): silu(\(gate[i])) · \(up[i])")
            }
        }
        var l = 0.0, h = 0.0
        qk_logsumexp_isa(Int32(QK_ISA_AVX2), [-.infinity, -.infinity], 2, &l, &h)
        #expect(l == -.infinity && h.isNaN, "no finite logit: as the exact code says")
    }

    @Test func ropeWithPrecomputedAnglesEqualsRope() {
        var g = SplitMix64(seed: 3)
        for neox: Int32 in [0, 1] {
            let x = (0..<(5 * 64)).map { _ in Float.random(in: -2...2, using: &g) }
            var a = x, b = x
            let factors = (0..<24).map { _ in Float.random(in: 1...4, using: &g) }
            qk_rope(&a, 5, 64, 48, 123, 10_000, factors, neox)
            var cs = [Float](repeating: 0, count: 48)
            qk_rope_angles(&cs, 48, 123, 10_000, 1, factors)
            qk_rope_apply(&b, 5, 64, 48, cs, neox)
            #expect(a == b)
        }
    }
}

extension Array where Element == Data {
    /// Calls `body` with C pointers to each element's bytes (valid inside `body` only).
    func withPointers<R>(_ body: (UnsafePointer<UnsafeRawPointer?>) -> R) -> R {
        func nest(_ i: Int, _ collected: [UnsafeRawPointer?]) -> R {
            if i == count { return collected.withUnsafeBufferPointer { body($0.baseAddress!) } }
            return self[i].withUnsafeBytes { nest(i + 1, collected + [$0.baseAddress]) }
        }
        return nest(0, [])
    }
}
