import CQuorumKernels

/// Work buffers of one forward pass over up to `rows` rows (llama2.c's RunState without the cache). Grown
/// on demand, reused across passes; owned by one caller at a time.
final class ForwardScratch {
    private(set) var rows = 0
    private(set) var positions = 0
    private(set) var logitRows = 0
    /// (rows, embeddingLength) residual stream
    private(set) var x = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// (rows, embeddingLength) normalised input / block output
    private(set) var xb = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// (rows, queryDimension) queries
    private(set) var q = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// (rows, kvDimension) keys and values of the new positions
    private(set) var k = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var v = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// (rows, queryDimension) attention output
    private(set) var attention = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// (rows, feedForwardLength) gate and up projections
    private(set) var gate = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var up = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// (logitRows, vocabularySize) logits of the rows that want them
    private(set) var logits = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// The 8-bit form of the current matmul input, one per QK_ACT_* kind (index kind − 1).
    let activations: [QuantizedActivations]
    /// Per thread: (threads, QK_MATMUL_TILE · widest) float-matmul tiles.
    let matmul: UnsafeMutablePointer<Float>
    let matmulStride: Int
    /// Per thread: (threads, widest / 16 + 16) mins of the 8-bit matmul.
    let mins: UnsafeMutablePointer<Float>
    let minsStride: Int
    /// Per thread: (threads, group · positions) attention scores.
    private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var scoresStride = 0

    private let config: ModelConfig
    private let threads: Int
    /// The widest matmul input.
    let widest: Int

    init(config: ModelConfig, threads: Int) {
        self.config = config
        self.threads = threads
        widest = max(config.embeddingLength, config.queryDimension, config.feedForwardLength)
        activations = [QuantizedActivations(), QuantizedActivations()]
        matmulStride = qk_matmul_scratch_count(widest)
        matmul = .allocate(capacity: threads * matmulStride)
        minsStride = qk_matmul_q8_scratch_count(widest)
        mins = .allocate(capacity: threads * minsStride)
    }

    deinit {
        for p in [x, xb, q, k, v, attention, gate, up, logits, matmul, mins, scores] { p.deallocate() }
    }

    /// Makes room for `rows` rows attending over up to `positions` positions, `logitRows` of them wanting
    /// logits.
    func reserve(rows wanted: Int, positions wantedPositions: Int, logitRows wantedLogits: Int) {
        if wanted > rows {
            let c = config
            func grow(_ p: inout UnsafeMutablePointer<Float>, _ width: Int) {
                p.deallocate()
                p = .allocate(capacity: wanted * width)
            }
            grow(&x, c.embeddingLength)
            grow(&xb, c.embeddingLength)
            grow(&q, c.queryDimension)
            grow(&k, c.kvDimension)
            grow(&v, c.kvDimension)
            grow(&attention, c.queryDimension)
            grow(&gate, c.feedForwardLength)
            grow(&up, c.feedForwardLength)
            for a in activations { a.reserve(rows: wanted, cols: widest) }
            rows = wanted
        }
        if wantedLogits > logitRows {
            logits.deallocate()
            logits = .allocate(capacity: wantedLogits * config.vocabularySize)
            logitRows = wantedLogits
        }
        if wantedPositions > positions {
            positions = max(wantedPositions, 2 * positions)
            scoresStride = positions * (config.headCount / config.headCountKV)
            scores.deallocate()
            scores = .allocate(capacity: threads * scoresStride)
        }
    }
}

/// Rows of a matmul input in 8-bit form (see `qk_quantize_act`): for row r of `cols` values, q + r·cols
/// (int8), d + r·cols/32 and s + r·cols/16 (floats).
final class QuantizedActivations {
    private(set) var q = UnsafeMutablePointer<Int8>.allocate(capacity: 1)
    private(set) var d = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var s = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var capacity = 0

    deinit {
        q.deallocate()
        d.deallocate()
        s.deallocate()
    }

    func reserve(rows: Int, cols: Int) {
        let values = rows * ((cols + 255) / 256 * 256)
        guard values > capacity else { return }
        q.deallocate()
        d.deallocate()
        s.deallocate()
        q = .allocate(capacity: values)
        d = .allocate(capacity: values / 32)
        s = .allocate(capacity: values / 16)
        capacity = values
    }
}
