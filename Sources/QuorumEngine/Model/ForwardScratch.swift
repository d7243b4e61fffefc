/// Work buffers of one forward pass over up to `rows` rows (llama2.c's RunState without the cache). Grown
/// on demand, reused across passes; owned by one caller at a time.
final class ForwardScratch {
    private(set) var rows = 0
    private(set) var positions = 0
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
    /// (threads, positions) attention scores
    private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// matmul tiles: Kernels.matmulScratchCount(cols: widest input)
    private(set) var matmul = UnsafeMutablePointer<Float>.allocate(capacity: 1)

    private let config: ModelConfig
    private let kernels: Kernels

    init(config: ModelConfig, kernels: Kernels) {
        self.config = config
        self.kernels = kernels
        let widest = max(config.embeddingLength, config.queryDimension, config.feedForwardLength)
        matmul.deallocate()
        matmul = .allocate(capacity: kernels.matmulScratchCount(cols: widest))
    }

    deinit {
        for p in [x, xb, q, k, v, attention, gate, up, scores, matmul] { p.deallocate() }
    }

    /// Makes room for `rows` rows attending over up to `positions` positions.
    func reserve(rows wanted: Int, positions wantedPositions: Int) {
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
            rows = wanted
        }
        if wantedPositions > positions {
            positions = max(wantedPositions, 2 * positions)
            scores.deallocate()
            scores = .allocate(capacity: kernels.threads * positions)
        }
    }
}
