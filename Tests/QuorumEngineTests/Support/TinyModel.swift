import Foundation
@testable import QuorumEngine

/// A tiny random llama/qwen2 model written as a synthetic GGUF file, together with a plain Double-precision
/// reference forward pass over its (decoded) weights: an independent statement of what the engine computes.
struct TinyModel {
    let architecture: String
    let dim = 64, layers = 3, heads = 4, kvHeads = 2, ffn = 256, vocab = 40, context = 96
    let ropeBase = 10_000.0, eps = 1e-5
    let tied: Bool
    /// Decoded weights by tensor name, row-major (rows × cols).
    private(set) var weights: [String: [Float]] = [:]
    private(set) var builder = GGUFBuilder()

    var headDim: Int { dim / heads }

    init(architecture: String, tied: Bool, seed: UInt64) {
        self.architecture = architecture
        self.tied = tied
        var g = SplitMix64(seed: seed)
        let a = architecture
        builder.metadata = [
            ("general.architecture", .string(a)), ("\(a).block_count", .u32(UInt32(layers))),
            ("\(a).embedding_length", .u32(UInt32(dim))), ("\(a).attention.head_count", .u32(UInt32(heads))),
            ("\(a).attention.head_count_kv", .u32(UInt32(kvHeads))), ("\(a).feed_forward_length", .u32(UInt32(ffn))),
            ("\(a).context_length", .u32(UInt32(context))), ("\(a).rope.freq_base", .f32(Float(ropeBase))),
            ("\(a).attention.layer_norm_rms_epsilon", .f32(Float(eps))),
            ("tokenizer.ggml.eos_token_id", .u32(2)),
        ]
        // Types chosen so the forward pass runs through several kernels.
        add("token_embd.weight", rows: vocab, cols: dim, type: .q8_0, scale: 1, using: &g)
        for l in 0..<layers {
            let p = "blk.\(l)."
            addVector(p + "attn_norm.weight", count: dim, around: 1, using: &g)
            add(p + "attn_q.weight", rows: dim, cols: dim, type: .q8_0, scale: 0.3, using: &g)
            add(p + "attn_k.weight", rows: kvHeads * headDim, cols: dim, type: .f16, scale: 0.3, using: &g)
            add(p + "attn_v.weight", rows: kvHeads * headDim, cols: dim, type: .q5_0, scale: 0.3, using: &g)
            if architecture == "qwen2" {
                addVector(p + "attn_q.bias", count: dim, around: 0, using: &g)
                addVector(p + "attn_k.bias", count: kvHeads * headDim, around: 0, using: &g)
                addVector(p + "attn_v.bias", count: kvHeads * headDim, around: 0, using: &g)
            }
            add(p + "attn_output.weight", rows: dim, cols: dim, type: [.q4_1, .q5_1, .f32][l % 3], scale: 0.3, using: &g)
            addVector(p + "ffn_norm.weight", count: dim, around: 1, using: &g)
            add(p + "ffn_gate.weight", rows: ffn, cols: dim, type: .q4_0, scale: 0.3, using: &g)
            add(p + "ffn_up.weight", rows: ffn, cols: dim, type: .bf16, scale: 0.3, using: &g)
            add(p + "ffn_down.weight", rows: dim, cols: ffn, type: [.q4_K, .q5_K, .q6_K][l % 3], scale: 0.3, using: &g)
        }
        addVector("output_norm.weight", count: dim, around: 1, using: &g)
        if !tied { add("output.weight", rows: vocab, cols: dim, type: .q8_0, scale: 1, using: &g) }
    }

    /// Writes random values with an RMS near `scale`/√cols and records their decoded floats.
    private mutating func add(
        _ name: String, rows: Int, cols: Int, type: GGMLType, scale: Float, using g: inout SplitMix64
    ) {
        let target = scale / Float(cols).squareRoot()
        let data: Data
        switch type {
        case .f32, .f16, .bf16:
            data = Self.encode((0..<(rows * cols)).map { _ in Float.random(in: -1...1, using: &g) * target * 1.7 }, type)
        default:
            // Quantised blocks of random bits, with their scales sized so the values have about the target RMS.
            let blocks = rows * cols / type.blockSize
            let probe = ReferenceDequantizer.decode(type, ReferenceDequantizer.randomBlocks(type, blocks: blocks, using: &g), count: rows * cols)
            let rms = (probe.map { $0 * $0 }.reduce(0, +) / Float(probe.count)).squareRoot()
            data = Data(ReferenceDequantizer.randomBlocks(type, blocks: blocks, scale: target / rms, using: &g))
        }
        builder.tensors.append((name, [cols, rows], type, data))
        weights[name] = ReferenceDequantizer.decode(type, Array(data), count: rows * cols)
    }

    private mutating func addVector(_ name: String, count: Int, around center: Float, using g: inout SplitMix64) {
        let values = (0..<count).map { _ in center + Float.random(in: -0.2...0.2, using: &g) }
        weights[name] = values
        builder.tensors.append((name, [count], .f32, Self.encode(values, .f32)))
    }

    private static func encode(_ values: [Float], _ type: GGMLType) -> Data {
        var d = Data()
        for v in values {
            switch type {
            case .f32: withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) }
            case .f16: withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { d.append(contentsOf: $0) }
            case .bf16: withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { d.append(contentsOf: $0) }
            default: fatalError("encode \(type)")
            }
        }
        return d
    }

    func write() throws -> String {
        try builder.write(name: "tiny-\(architecture)")
    }

    /// Logits after every position of `tokens`, computed in Double from the stored weights.
    func referenceLogits(_ tokens: [Int]) -> [[Double]] {
        let hd = headDim, group = heads / kvHeads, kvd = kvHeads * hd
        func w(_ n: String) -> [Double] { weights[n]!.map(Double.init) }
        func matvec(_ m: [Double], _ x: [Double], rows: Int) -> [Double] {
            let cols = x.count
            return (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + m[r * cols + $1] * x[$1] } }
        }
        func norm(_ x: [Double], _ weight: [Double]) -> [Double] {
            let ms = x.map { $0 * $0 }.reduce(0, +) / Double(x.count)
            let s = 1 / (ms + eps).squareRoot()
            return zip(x, weight).map { $0 * s * $1 }
        }
        func rope(_ v: inout [Double], heads n: Int, position: Int) {
            for h in 0..<n {
                for i in 0..<(hd / 2) {
                    let angle = Double(position) * Foundation.pow(ropeBase, -2 * Double(i) / Double(hd))
                    let (a, b) = architecture == "qwen2" ? (h * hd + i, h * hd + i + hd / 2) : (h * hd + 2 * i, h * hd + 2 * i + 1)
                    let (x0, x1) = (v[a], v[b])
                    v[a] = x0 * Foundation.cos(angle) - x1 * Foundation.sin(angle)
                    v[b] = x0 * Foundation.sin(angle) + x1 * Foundation.cos(angle)
                }
            }
        }
        let embedding = w("token_embd.weight")
        var keys = [[[Double]]](repeating: [], count: layers), values = keys
        var out: [[Double]] = []
        for (position, token) in tokens.enumerated() {
            var x = Array(embedding[(token * dim)..<((token + 1) * dim)])
            for l in 0..<layers {
                let p = "blk.\(l)."
                let xn = norm(x, w(p + "attn_norm.weight"))
                var q = matvec(w(p + "attn_q.weight"), xn, rows: dim)
                var k = matvec(w(p + "attn_k.weight"), xn, rows: kvd)
                var v = matvec(w(p + "attn_v.weight"), xn, rows: kvd)
                if architecture == "qwen2" {
                    q = zip(q, w(p + "attn_q.bias")).map(+)
                    k = zip(k, w(p + "attn_k.bias")).map(+)
                    v = zip(v, w(p + "attn_v.bias")).map(+)
                }
                rope(&q, heads: heads, position: position)
                rope(&k, heads: kvHeads, position: position)
                keys[l].append(k)
                values[l].append(v)
                var attention = [Double](repeating: 0, count: dim)
                for h in 0..<heads {
                    let kv = (h / group) * hd
                    let scores = keys[l].map { key in
                        (0..<hd).reduce(0.0) { $0 + q[h * hd + $1] * key[kv + $1] } / Double(hd).squareRoot()
                    }
                    let m = scores.max()!
                    let e = scores.map { Foundation.exp($0 - m) }
                    let z = e.reduce(0, +)
                    for (t, weight) in e.enumerated() {
                        for i in 0..<hd { attention[h * hd + i] += weight / z * values[l][t][kv + i] }
                    }
                }
                x = zip(x, matvec(w(p + "attn_output.weight"), attention, rows: dim)).map(+)
                let xf = norm(x, w(p + "ffn_norm.weight"))
                let gate = matvec(w(p + "ffn_gate.weight"), xf, rows: ffn)
                let up = matvec(w(p + "ffn_up.weight"), xf, rows: ffn)
                let hidden = zip(gate, up).map { g, u in g / (1 + Foundation.exp(-g)) * u }
                x = zip(x, matvec(w(p + "ffn_down.weight"), hidden, rows: dim)).map(+)
            }
            let xo = norm(x, w("output_norm.weight"))
            out.append(matvec(tied ? embedding : w("output.weight"), xo, rows: vocab))
        }
        return out
    }
}
