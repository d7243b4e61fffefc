import CQuorumKernels

/// The engine's compute primitives over the C kernels (CQuorumKernels): the instruction set is chosen once,
/// and large products are split by rows over a ``WorkerPool``. Matrix products are where the time goes.
struct Kernels: Sendable {
    /// Instruction-set level handed to every kernel (QK_ISA_*).
    let isa: Int32
    /// The threads that run matrix products and attention (the caller's included).
    let pool: WorkerPool
    /// Threads used for matrix products and attention.
    var threads: Int { pool.threads }

    /// Kernels for this CPU's best instruction set (or `portable: true` for plain C) on `threads` threads.
    init(threads: Int, portable: Bool = false) {
        self.init(threads: threads, isa: portable ? .portable : nil)
    }

    /// Kernels at instruction-set level `isa` (nil: the best this CPU has) on `threads` threads.
    init(threads: Int, isa: InstructionSet?) {
        self.isa = isa?.level ?? qk_isa_detect()
        pool = WorkerPool(threads: max(1, threads))
    }

    /// Whether the kernels can decode `type`.
    static func supports(_ type: GGMLType) -> Bool { qk_type_supported(Int32(type.rawValue)) != 0 }

    /// A name for the instruction set in use.
    var isaName: String { InstructionSet(level: isa).rawValue }

    /// Floats of matmul scratch a call needs for rows of `cols` values.
    func matmulScratchCount(cols: Int) -> Int { threads * qk_matmul_scratch_count(cols) }

    /// Decodes `count` values of `type` from `source` into `destination`.
    func dequantize(_ type: GGMLType, _ source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int) {
        let status = qk_dequantize(isa, Int32(type.rawValue), source, destination, count)
        precondition(status == 0, "dequantize \(type) × \(count)")  // types and counts are validated at load
    }

    /// y[v][r] = Σ_c w[r][c] · x[v][c] for all rows r of `w` and vectors v < `count`, with float vectors;
    /// `scratch` holds ``matmulScratchCount(cols:)`` floats.
    func matmul(
        _ w: WeightMatrix, x: UnsafePointer<Float>, xStride: Int, count: Int, y: UnsafeMutablePointer<Float>,
        yStride: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let type = Int32(w.type.rawValue)
        let perThread = qk_matmul_scratch_count(w.cols)
        let chunks = Self.chunks(rows: w.rows, cols: w.cols, vectors: count, threads: threads)
        let per = (w.rows + chunks - 1) / chunks
        let isa = isa
        pool.run(chunks) { c, thread in
            let begin = c * per, end = min(w.rows, begin + per)
            guard begin < end else { return }
            let status = qk_matmul(
                isa, type, w.base, w.rowBytes, w.cols, begin, end, x, xStride, count, y, yStride,
                scratch + thread * perThread)
            precondition(status == 0, "matmul \(w.name)")
        }
    }

    /// How many row ranges to cut a product into: about 32 K multiply-adds (a microsecond or two) each, at
    /// most 64 per thread, at least 8 rows each; one range when it is small or there is one thread. Small
    /// ranges keep the threads balanced when the OS deschedules one of them; claiming one costs ~0.1 µs.
    static func chunks(rows: Int, cols: Int, vectors: Int, threads: Int) -> Int {
        guard threads > 1 else { return 1 }
        let work = rows * cols * vectors
        return max(1, min(work >> 15, 64 * threads, rows / 8))
    }
}

/// The instruction-set levels of the C kernels.
public enum InstructionSet: String, Sendable, CaseIterable {
    /// Plain C, any CPU.
    case portable
    /// x86-64 with AVX2, FMA and F16C.
    case avx2
    /// AVX2 plus AVX-512 F/BW/VL/VNNI (the 8-bit products use VPDPBUSD).
    case avx512vnni
    /// AArch64 NEON (the 8-bit products use SDOT when the CPU has it).
    case neon

    var level: Int32 {
        switch self {
        case .portable: Int32(QK_ISA_PORTABLE)
        case .avx2: Int32(QK_ISA_AVX2)
        case .avx512vnni: Int32(QK_ISA_AVX512_VNNI)
        case .neon: Int32(QK_ISA_NEON)
        }
    }

    init(level: Int32) {
        self = Self.allCases.first { $0.level == level } ?? .portable
    }

    /// The best level this CPU and build support.
    public static var best: InstructionSet { InstructionSet(level: qk_isa_detect()) }

    /// Whether this CPU and build can run the level.
    public var isAvailable: Bool { qk_isa_available(level) != 0 }
}
