import CQuorumKernels
import Dispatch

/// The engine's compute primitives over the C kernels (CQuorumKernels): the instruction set is chosen once,
/// and large products are split by rows across threads. Matrix products are where the time goes.
struct Kernels: Sendable {
    /// Instruction-set level handed to every kernel (QK_ISA_*).
    let isa: Int32
    /// Threads used for matrix products and attention.
    let threads: Int

    /// Kernels for this CPU's best instruction set (or `portable: true` for plain C) on `threads` threads.
    init(threads: Int, portable: Bool = false) {
        isa = portable ? Int32(QK_ISA_PORTABLE) : qk_isa_detect()
        self.threads = max(1, threads)
    }

    /// Whether the kernels can decode `type`.
    static func supports(_ type: GGMLType) -> Bool { qk_type_supported(Int32(type.rawValue)) != 0 }

    /// A name for the instruction set in use.
    var isaName: String { isa == Int32(QK_ISA_AVX2) ? "avx2" : "portable" }

    /// Floats of matmul scratch a call needs for rows of `cols` values.
    func matmulScratchCount(cols: Int) -> Int { threads * qk_matmul_scratch_count(cols) }

    /// Decodes `count` values of `type` from `source` into `destination`.
    func dequantize(_ type: GGMLType, _ source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int) {
        let status = qk_dequantize(isa, Int32(type.rawValue), source, destination, count)
        precondition(status == 0, "dequantize \(type) × \(count)")  // types and counts are validated at load
    }

    /// y[v][r] = Σ_c w[r][c] · x[v][c] for all rows r of `w` and vectors v < `count`; `scratch` holds
    /// ``matmulScratchCount(cols:)`` floats.
    func matmul(
        _ w: WeightMatrix, x: UnsafePointer<Float>, xStride: Int, count: Int, y: UnsafeMutablePointer<Float>,
        yStride: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let type = Int32(w.type.rawValue)
        let perThread = qk_matmul_scratch_count(w.cols)
        let work = w.rows * w.cols * count
        let chunks = threads > 1 && work >= 1 << 16 && w.rows >= 16 * threads ? threads : 1
        if chunks == 1 {
            let status = qk_matmul(isa, type, w.base, w.rowBytes, w.cols, 0, w.rows, x, xStride, count, y, yStride, scratch)
            precondition(status == 0, "matmul \(w.name)")
            return
        }
        let per = ((w.rows + chunks - 1) / chunks + 3) / 4 * 4
        let buffers = ThreadShared((x, y, scratch))
        let isa = isa
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let (x, y, scratch) = buffers.value
            let begin = c * per, end = min(w.rows, begin + per)
            guard begin < end else { return }
            let status = qk_matmul(
                isa, type, w.base, w.rowBytes, w.cols, begin, end, x, xStride, count, y, yStride, scratch + c * perThread)
            precondition(status == 0, "matmul \(w.name)")
        }
    }

    /// Runs `body(i)` for i in 0..<count, spread over the threads when `count · costEach` is large.
    func parallelFor(_ count: Int, costEach: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
        let chunks = threads > 1 && count > 1 && count * costEach >= 1 << 15 ? min(threads, count) : 1
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        let per = (count + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let shared = ThreadShared(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let range = (c * per)..<min(count, (c + 1) * per)
                if !range.isEmpty { shared.value(c, range) }
            }
        }
    }
}

/// Hands buffers or a closure to the iterations of `DispatchQueue.concurrentPerform`, whose closure must be
/// `@Sendable`. Sound here because concurrentPerform returns only after every iteration has finished, and
/// the iterations write disjoint parts of the buffers (a range of rows or of (row, head) pairs each).
struct ThreadShared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
