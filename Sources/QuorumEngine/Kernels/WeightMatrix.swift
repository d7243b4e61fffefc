/// A weight matrix inside the memory-mapped model file: `rows` rows of `cols` values of `type`, row-major,
/// `rowBytes` bytes per row. GGML's dims `[cols, rows]` (innermost first).
struct WeightMatrix: @unchecked Sendable {
    // @unchecked: `base` points into a read-only mapping that ModelWeights keeps alive and never changes.
    let name: String
    let type: GGMLType
    let base: UnsafeRawPointer
    let rows: Int
    let cols: Int
    let rowBytes: Int

    /// A view of `tensor`, which must be two-dimensional with `cols` values per row, `rows` rows (when
    /// given), and a type the kernels support.
    init(file: GGUFFile, tensor: GGUFTensorInfo, rows: Int?, cols: Int) throws(GGUFError) {
        guard tensor.dims.count == 2 || (tensor.dims.count > 2 && tensor.dims[2...].allSatisfy { $0 == 1 }) else {
            throw .invalidTensor(path: file.path, name: tensor.name, reason: "expected a matrix, shape is \(tensor.dims)")
        }
        guard tensor.dims[0] == cols, rows == nil || tensor.dims[1] == rows else {
            throw .invalidTensor(
                path: file.path, name: tensor.name,
                reason: "shape \(tensor.dims) differs from the expected [\(cols), \(rows.map(String.init) ?? "any")]")
        }
        guard Kernels.supports(tensor.type) else {
            throw .unsupportedTensorType(path: file.path, name: tensor.name, type: tensor.type.rawValue)
        }
        guard let rowBytes = tensor.type.byteCount(elements: cols), let base = file.bytes(of: tensor).baseAddress else {
            throw .invalidTensor(path: file.path, name: tensor.name, reason: "empty or malformed rows")
        }
        name = tensor.name
        type = tensor.type
        self.base = base
        self.rows = tensor.dims[1]
        self.cols = cols
        self.rowBytes = rowBytes
    }

    /// Start of row `r`.
    func row(_ r: Int) -> UnsafeRawPointer { base + r * rowBytes }
}
