import CQuorumKernels
import QuorumDecode

/// One row of a forward pass: `token` enters `cache` at `position` (its sequence's next position).
struct ForwardRow {
    let token: Int
    let position: Int
    let cache: KVCache
    /// Whether the pass should return this row's next-token distribution.
    let wantsLogits: Bool
}

/// How the inputs of the quantised matrix products are represented.
public enum ActivationPrecision: String, Sendable, CaseIterable {
    /// Quantised to 8 bits per value in blocks, as llama.cpp does (Q8_0/Q8_1 blocks of 32 for Q4_0…Q8_0
    /// weights, Q8_K blocks of 256 for the K-quants), with integer dot products. The default.
    case int8
    /// Kept in float (slower; for comparisons). F32/F16/BF16 weights always take float inputs.
    case float
}

/// The forward pass of a llama-style decoder over a batch of rows, which may belong to different sequences
/// (batched decoding) or be consecutive positions of one sequence (prefill):
///
///     x = embed(token)
///     per block:  x += W_o · attention(rope(W_q·n(x) + b_q), rope(W_k·n(x) + b_k), W_v·n(x) + b_v)
///                 x += W_down · (silu(W_gate · n(x)) ⊙ (W_up · n(x)))          n = RMSNorm
///     logits = W_out · n(x)
///
/// Weights are read once per block for all rows: each product takes every row's input vector at once, and
/// the kernel decodes each weight block once for up to eight vectors. Products that share an input (Q, K and
/// V; gate and up) run as one parallel operation. Attention is causal: a row sees its sequence's positions up
/// to and including its own, and rows of one sequence must come in position order.
final class Transformer: Sendable {
    let config: ModelConfig
    let weights: ModelWeights
    let kernels: Kernels
    let precision: ActivationPrecision
    /// How the caches of this model's sequences store keys and values (all of them the same).
    let kvPrecision: KVPrecision

    init(config: ModelConfig, weights: ModelWeights, kernels: Kernels, precision: ActivationPrecision, kvPrecision: KVPrecision) {
        self.config = config
        self.weights = weights
        self.kernels = kernels
        self.precision = precision
        self.kvPrecision = kvPrecision
    }

    /// Runs `rows` through the model, writing their keys and values into their caches (which must already
    /// hold every earlier position; their `count` is left for the caller to advance), and returns the
    /// next-token distributions of the rows that want them, in row order.
    func forward(_ rows: [ForwardRow], scratch s: ForwardScratch) -> [NextTokenDistribution] {
        let c = config, k = kernels, n = rows.count
        guard n > 0 else { return [] }
        let d = c.embeddingLength, qd = c.queryDimension, kvd = c.kvDimension, hd = c.headDimension
        let ffn = c.feedForwardLength
        let wanted = rows.indices.filter { rows[$0].wantsLogits }
        let maxPosition = rows.map(\.position).max()!
        s.reserve(rows: n, positions: maxPosition + 1, logitRows: wanted.count)
        for row in rows { row.cache.reserve(row.position + 1) }
        // Span lists after the caches grew (growing moves the own storage).
        let spans = rows.map { $0.cache.spans(upTo: $0.position + 1) }

        let x = s.x, xb = s.xb, q = s.q, kk = s.k, v = s.v, att = s.attention
        let embedding = weights.tokenEmbedding
        forRows(n, cost: d) { i in
            k.dequantize(embedding.type, embedding.row(rows[i].token), into: x + i * d, count: d)
        }
        // RoPE angles per row, shared by every layer.
        let rotation = c.ropeDimensionCount
        var angles = [Float](repeating: 0, count: n * rotation)
        withOptionalPointer(weights.ropeFrequencyFactors) { f in
            for i in 0..<n {
                qk_rope_angles(&angles[i * rotation], rotation, Float(rows[i].position), c.ropeFreqBase, Float(c.ropePositionScale), f)
            }
        }
        let neox: Int32 = c.ropeStyle == .neox ? 1 : 0
        let scale = 1 / Float(hd).squareRoot()
        let group = c.headCount / c.headCountKV

        for (l, layer) in weights.layers.enumerated() {
            // Attention block.
            forRows(n, cost: d) { i in qk_rmsnorm(xb + i * d, x + i * d, layer.attentionNorm, d, c.rmsEpsilon) }
            project(xb, rows: n, [(layer.query, q, qd), (layer.key, kk, kvd), (layer.value, v, kvd)], scratch: s)
            angles.withUnsafeBufferPointer { angles in
                forRows(n, cost: qd + 2 * kvd) { i in
                    if let b = layer.queryBias { qk_add(q + i * qd, b, qd) }
                    if let b = layer.keyBias { qk_add(kk + i * kvd, b, kvd) }
                    if let b = layer.valueBias { qk_add(v + i * kvd, b, kvd) }
                    let cs = angles.baseAddress! + i * rotation
                    qk_rope_apply(q + i * qd, c.headCount, hd, rotation, cs, neox)
                    qk_rope_apply(kk + i * kvd, c.headCountKV, hd, rotation, cs, neox)
                    let cache = rows[i].cache
                    let half: Int32 = cache.precision == .f16 ? 1 : 0
                    qk_store_kv(k.isa, cache.keys(l, at: rows[i].position), kk + i * kvd, kvd, half)
                    qk_store_kv(k.isa, cache.values(l, at: rows[i].position), v + i * kvd, kvd, half)
                }
            }
            attention(rows: n, spans: spans, layer: l, group: group, scale: scale, scratch: s)
            project(att, rows: n, [(layer.attentionOutput, xb, d)], scratch: s)
            forRows(n, cost: d) { i in
                qk_add(x + i * d, xb + i * d, d)
                qk_rmsnorm(xb + i * d, x + i * d, layer.ffnNorm, d, c.rmsEpsilon)
            }

            // Feed-forward block.
            project(xb, rows: n, [(layer.gate, s.gate, ffn), (layer.up, s.up, ffn)], scratch: s)
            let isa = k.isa
            forRows(n, cost: 4 * ffn) { i in qk_swiglu_isa(isa, s.gate + i * ffn, s.up + i * ffn, ffn) }
            project(s.gate, rows: n, [(layer.down, xb, d)], scratch: s)
            forRows(n, cost: d) { i in qk_add(x + i * d, xb + i * d, d) }
        }

        // Logits and their normaliser for the rows that want them, computed together.
        guard !wanted.isEmpty else { return [] }
        forRows(wanted.count, cost: d) { j in
            qk_rmsnorm(xb + j * d, x + wanted[j] * d, weights.outputNorm, d, c.rmsEpsilon)
        }
        let vocab = c.vocabularySize
        project(xb, rows: wanted.count, [(weights.output, s.logits, vocab)], scratch: s)
        let logits = s.logits, isa = k.isa
        var results = [NextTokenDistribution?](repeating: nil, count: wanted.count)
        results.withUnsafeMutableBufferPointer { out in
            let out = ThreadShared(out)
            k.pool.run(wanted.count) { j, _ in
                let row = [Float](UnsafeBufferPointer(start: logits + j * vocab, count: vocab))
                var lse = 0.0, entropy = 0.0
                qk_logsumexp_isa(isa, row, vocab, &lse, &entropy)
                out.value[j] = NextTokenDistribution(logits: row, logSumExp: lse, entropy: entropy)
            }
        }
        return results.map { $0! }
    }

    /// y_m = W_m · input for each (W_m, y_m, width of y_m) of `outputs`, for `rows` input rows of
    /// `W.cols` values each (the weights share their input width). The input is quantised once per kind of
    /// 8-bit block the weights need; all products run as one parallel operation.
    private func project(
        _ input: UnsafeMutablePointer<Float>, rows n: Int,
        _ outputs: [(WeightMatrix, UnsafeMutablePointer<Float>, Int)], scratch s: ForwardScratch
    ) {
        let k = kernels, isa = k.isa
        let cols = outputs[0].0.cols
        let kinds = outputs.map { precision == .int8 ? qk_act_kind(Int32($0.0.type.rawValue)) : Int32(QK_ACT_FLOAT) }
        for kind in Set(kinds) where kind != Int32(QK_ACT_FLOAT) {
            let a = s.activations[Int(kind) - 1]
            forRows(n, cost: 2 * cols) { i in
                let status = qk_quantize_act(
                    isa, kind, input + i * cols, cols, a.q + i * cols, a.d + i * (cols / 32), a.s + i * (cols / 16))
                precondition(status == 0, "quantise \(cols) values as kind \(kind)")
            }
        }
        // Tasks: row ranges of every matrix.
        var tasks: [(matrix: Int, begin: Int, end: Int)] = []
        for (m, (w, _, _)) in outputs.enumerated() {
            let chunks = Kernels.chunks(rows: w.rows, cols: w.cols, vectors: n, threads: k.threads)
            let per = ((w.rows + chunks - 1) / chunks + 7) / 8 * 8  // whole 8-row tiles of the kernels
            for begin in stride(from: 0, to: w.rows, by: per) { tasks.append((m, begin, min(w.rows, begin + per))) }
        }
        let matmulScratch = s.matmul, matmulStride = s.matmulStride, mins = s.mins, minsStride = s.minsStride
        let activations = s.activations
        k.pool.run(tasks.count) { t, thread in
            let task = tasks[t]
            let (w, y, width) = outputs[task.matrix]
            let kind = kinds[task.matrix]
            let type = Int32(w.type.rawValue)
            let status: Int32
            if kind == Int32(QK_ACT_FLOAT) {
                status = qk_matmul(
                    isa, type, w.base, w.rowBytes, cols, task.begin, task.end, input, cols, n, y, width,
                    matmulScratch + thread * matmulStride)
            } else {
                let a = activations[Int(kind) - 1]
                status = qk_matmul_q8(
                    isa, type, w.base, w.rowBytes, cols, task.begin, task.end, a.q, a.d, a.s, n, y, width,
                    mins + thread * minsStride)
            }
            precondition(status == 0, "matmul \(w.name)")
        }
    }

    /// Attention for every row and key/value head: the `group` query heads that share a key/value head are
    /// computed together, reading each cached key and value once; a row's positions come from its spans.
    private func attention(rows n: Int, spans: [[KVSpan]], layer l: Int, group: Int, scale: Float, scratch s: ForwardScratch) {
        let c = config, hd = c.headDimension, qd = c.queryDimension, kvd = c.kvDimension
        let kvHeads = c.headCountKV, isa = kernels.isa
        let q = s.q, att = s.attention, scores = s.scores, stride = s.scoresStride
        let half: Int32 = kvPrecision == .f16 ? 1 : 0, headBytes = hd * kvPrecision.bytes
        kernels.pool.run(n * kvHeads) { pair, thread in
            let i = pair / kvHeads, h = pair % kvHeads
            let rowSpans = spans[i]
            withUnsafeTemporaryAllocation(of: UnsafeRawPointer?.self, capacity: 2 * rowSpans.count) { pointers in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: rowSpans.count) { counts in
                    for (j, span) in rowSpans.enumerated() {
                        pointers[j] = span.keys(l) + h * headBytes
                        pointers[rowSpans.count + j] = span.values(l) + h * headBytes
                        counts[j] = span.count
                    }
                    qk_attention_spans(
                        isa, att + i * qd + h * group * hd, q + i * qd + h * group * hd, group, hd,
                        pointers.baseAddress!, pointers.baseAddress! + rowSpans.count, counts.baseAddress!,
                        rowSpans.count, kvd, half, scale, scores + thread * stride)
                }
            }
        }
    }

    /// Runs `body(i)` for i in 0..<n on the pool when n · cost is worth splitting, else on this thread.
    private func forRows(_ n: Int, cost: Int, _ body: (Int) -> Void) {
        let chunks = n * cost >= 1 << 15 ? min(n, 4 * kernels.threads) : 1
        if chunks == 1 {
            for i in 0..<n { body(i) }
            return
        }
        let per = (n + chunks - 1) / chunks
        kernels.pool.run((n + per - 1) / per) { chunk, _ in
            for i in (chunk * per)..<min(n, (chunk + 1) * per) { body(i) }
        }
    }
}

/// Calls `body` with a pointer to `array`'s elements, or with nil.
private func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Hands buffers to the tasks of a ``WorkerPool`` run. Sound because `run` returns only after every task
/// has finished, and the tasks write disjoint parts of the buffers (a range of rows or of (row, head) pairs).
struct ThreadShared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
