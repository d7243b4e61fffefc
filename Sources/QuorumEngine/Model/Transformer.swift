import CQuorumKernels

/// One row of a forward pass: `token` enters `cache` at `position` (its sequence's next position).
struct ForwardRow {
    let token: Int
    let position: Int
    let cache: KVCache
    /// Whether the pass should return this row's next-token logits.
    let wantsLogits: Bool
}

/// The forward pass of a llama-style decoder over a batch of rows, which may belong to different sequences
/// (batched decoding) or be consecutive positions of one sequence (prefill):
///
///     x = embed(token)
///     per block:  x += W_o · attention(rope(W_q·n(x) + b_q), rope(W_k·n(x) + b_k), W_v·n(x) + b_v)
///                 x += W_down · (silu(W_gate · n(x)) ⊙ (W_up · n(x)))          n = RMSNorm
///     logits = W_out · n(x)
///
/// Weights are read once per block for all rows. Attention is causal: a row sees its sequence's positions
/// up to and including its own, and rows of one sequence must come in position order.
final class Transformer: Sendable {
    let config: ModelConfig
    let weights: ModelWeights
    let kernels: Kernels

    init(config: ModelConfig, weights: ModelWeights, kernels: Kernels) {
        self.config = config
        self.weights = weights
        self.kernels = kernels
    }

    /// Runs `rows` through the model, writing their keys and values into their caches (which must already
    /// hold every earlier position; their `count` is left for the caller to advance), and returns the
    /// logits of the rows that want them, in row order.
    func forward(_ rows: [ForwardRow], scratch s: ForwardScratch) -> [[Float]] {
        let c = config, k = kernels, n = rows.count
        guard n > 0 else { return [] }
        let d = c.embeddingLength, qd = c.queryDimension, kvd = c.kvDimension, hd = c.headDimension
        let ffn = c.feedForwardLength
        let maxPosition = rows.map(\.position).max()!
        s.reserve(rows: n, positions: maxPosition + 1)
        for row in rows { row.cache.reserve(row.position + 1) }

        let x = s.x, xb = s.xb, q = s.q, kk = s.k, v = s.v, att = s.attention
        let mm = s.matmul
        for (i, row) in rows.enumerated() {
            k.dequantize(weights.tokenEmbedding.type, weights.tokenEmbedding.row(row.token), into: x + i * d, count: d)
        }
        let neox: Int32 = c.ropeStyle == .neox ? 1 : 0
        let factors = weights.ropeFrequencyFactors
        let scale = 1 / Float(hd).squareRoot()
        let group = c.headCount / c.headCountKV

        for (l, layer) in weights.layers.enumerated() {
            // Attention block.
            for i in 0..<n { qk_rmsnorm(xb + i * d, x + i * d, layer.attentionNorm, d, c.rmsEpsilon) }
            k.matmul(layer.query, x: xb, xStride: d, count: n, y: q, yStride: qd, scratch: mm)
            k.matmul(layer.key, x: xb, xStride: d, count: n, y: kk, yStride: kvd, scratch: mm)
            k.matmul(layer.value, x: xb, xStride: d, count: n, y: v, yStride: kvd, scratch: mm)
            for i in 0..<n {
                if let b = layer.queryBias { qk_add(q + i * qd, b, qd) }
                if let b = layer.keyBias { qk_add(kk + i * kvd, b, kvd) }
                if let b = layer.valueBias { qk_add(v + i * kvd, b, kvd) }
                let position = Double(rows[i].position) * c.ropePositionScale
                withOptionalPointer(factors) { f in
                    qk_rope(q + i * qd, c.headCount, hd, c.ropeDimensionCount, position, c.ropeFreqBase, f, neox)
                    qk_rope(kk + i * kvd, c.headCountKV, hd, c.ropeDimensionCount, position, c.ropeFreqBase, f, neox)
                }
                let cache = rows[i].cache
                (cache.keys(l) + rows[i].position * kvd).update(from: kk + i * kvd, count: kvd)
                (cache.values(l) + rows[i].position * kvd).update(from: v + i * kvd, count: kvd)
            }
            let heads = c.headCount
            let isa = k.isa
            let scores = s.scores, stride = s.positions
            k.parallelFor(n * heads, costEach: (maxPosition + 1) * hd) { chunk, range in
                for pair in range {
                    let i = pair / heads, h = pair % heads
                    let cache = rows[i].cache
                    let kvOffset = (h / group) * hd
                    qk_attention(
                        isa, att + i * qd + h * hd, q + i * qd + h * hd, cache.keys(l) + kvOffset,
                        cache.values(l) + kvOffset, kvd, rows[i].position + 1, hd, scale, scores + chunk * stride)
                }
            }
            k.matmul(layer.attentionOutput, x: att, xStride: qd, count: n, y: xb, yStride: d, scratch: mm)
            qk_add(x, xb, n * d)

            // Feed-forward block.
            for i in 0..<n { qk_rmsnorm(xb + i * d, x + i * d, layer.ffnNorm, d, c.rmsEpsilon) }
            k.matmul(layer.gate, x: xb, xStride: d, count: n, y: s.gate, yStride: ffn, scratch: mm)
            k.matmul(layer.up, x: xb, xStride: d, count: n, y: s.up, yStride: ffn, scratch: mm)
            qk_swiglu(s.gate, s.up, n * ffn)
            k.matmul(layer.down, x: s.gate, xStride: ffn, count: n, y: xb, yStride: d, scratch: mm)
            qk_add(x, xb, n * d)
        }

        // Logits for the rows that want them, computed together.
        let wanted = rows.indices.filter { rows[$0].wantsLogits }
        guard !wanted.isEmpty else { return [] }
        for (j, i) in wanted.enumerated() { qk_rmsnorm(xb + j * d, x + i * d, weights.outputNorm, d, c.rmsEpsilon) }
        let vocab = c.vocabularySize
        let all = [Float](unsafeUninitializedCapacity: wanted.count * vocab) { buffer, initialized in
            k.matmul(weights.output, x: xb, xStride: d, count: wanted.count, y: buffer.baseAddress!, yStride: vocab, scratch: mm)
            initialized = wanted.count * vocab
        }
        return (0..<wanted.count).map { Array(all[($0 * vocab)..<(($0 + 1) * vocab)]) }
    }
}

/// Calls `body` with a pointer to `array`'s elements, or with nil.
private func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
