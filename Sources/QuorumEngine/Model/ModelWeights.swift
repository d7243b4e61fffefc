/// A model's weights as views into the memory-mapped GGUF file (no copy; the kernel pages them in on first
/// use), except the small norm and bias vectors, which are decoded to `Float` once and must be finite
/// (``GGUFError/nonFiniteTensor(path:name:index:value:)``).
///
/// Tensor names follow GGUF's convention: `token_embd`, `blk.N.attn_{norm,q,k,v,output}`,
/// `blk.N.ffn_{norm,gate,up,down}`, `output_norm`, `output` (absent when the embeddings are tied).
final class ModelWeights: Sendable {
    /// The file; keeps the mapping alive.
    let file: GGUFFile
    /// (vocabularySize, embeddingLength)
    let tokenEmbedding: WeightMatrix
    let layers: [LayerWeights]
    /// (embeddingLength)
    let outputNorm: [Float]
    /// (vocabularySize, embeddingLength); the token embedding itself when the model ties them.
    let output: WeightMatrix
    /// Whether `output` is the token embedding.
    let tiedEmbeddings: Bool
    /// (ropeDimensionCount / 2) per-pair frequency divisors (Llama 3's `rope_freqs.weight`), if present.
    let ropeFrequencyFactors: [Float]?

    init(file: GGUFFile, config c: ModelConfig, kernels: Kernels) throws(GGUFError) {
        func tensor(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
            guard let t = file.tensor(named: name) else { throw .missingTensor(path: file.path, name: name) }
            return t
        }
        func matrix(_ name: String, rows: Int?, cols: Int) throws(GGUFError) -> WeightMatrix {
            try WeightMatrix(file: file, tensor: tensor(name), rows: rows, cols: cols)
        }
        func vector(_ name: String, count: Int) throws(GGUFError) -> [Float] {
            let t = try tensor(name)
            guard t.elementCount == count, t.dims[0] == count else {
                throw .invalidTensor(path: file.path, name: name, reason: "shape \(t.dims) differs from [\(count)]")
            }
            guard Kernels.supports(t.type) else {
                throw .unsupportedTensorType(path: file.path, name: name, type: t.type.rawValue)
            }
            let bytes = file.bytes(of: t)
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                kernels.dequantize(t.type, bytes.baseAddress!, into: buffer.baseAddress!, count: count)
                initialized = count
            }
            // A NaN or ∞ here would turn every hidden state into NaN: refuse the model at load.
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteTensor(path: file.path, name: name, index: index, value: values[index])
            }
            return values
        }
        func optionalVector(_ name: String, count: Int) throws(GGUFError) -> [Float]? {
            file.tensor(named: name) == nil ? nil : try vector(name, count: count)
        }

        let d = c.embeddingLength
        self.file = file
        tokenEmbedding = try matrix("token_embd.weight", rows: c.vocabularySize, cols: d)
        var layers: [LayerWeights] = []
        for i in 0..<c.blockCount {
            let p = "blk.\(i)."
            layers.append(
                LayerWeights(
                    attentionNorm: try vector(p + "attn_norm.weight", count: d),
                    query: try matrix(p + "attn_q.weight", rows: c.queryDimension, cols: d),
                    key: try matrix(p + "attn_k.weight", rows: c.kvDimension, cols: d),
                    value: try matrix(p + "attn_v.weight", rows: c.kvDimension, cols: d),
                    queryBias: try optionalVector(p + "attn_q.bias", count: c.queryDimension),
                    keyBias: try optionalVector(p + "attn_k.bias", count: c.kvDimension),
                    valueBias: try optionalVector(p + "attn_v.bias", count: c.kvDimension),
                    attentionOutput: try matrix(p + "attn_output.weight", rows: d, cols: c.queryDimension),
                    ffnNorm: try vector(p + "ffn_norm.weight", count: d),
                    gate: try matrix(p + "ffn_gate.weight", rows: c.feedForwardLength, cols: d),
                    up: try matrix(p + "ffn_up.weight", rows: c.feedForwardLength, cols: d),
                    down: try matrix(p + "ffn_down.weight", rows: d, cols: c.feedForwardLength)))
            if c.architecture == .qwen2, layers[i].queryBias == nil || layers[i].keyBias == nil || layers[i].valueBias == nil {
                throw .missingTensor(path: file.path, name: p + "attn_{q,k,v}.bias")
            }
        }
        self.layers = layers
        outputNorm = try vector("output_norm.weight", count: d)
        if file.tensor(named: "output.weight") != nil {
            output = try matrix("output.weight", rows: c.vocabularySize, cols: d)
            tiedEmbeddings = false
        } else {
            output = tokenEmbedding
            tiedEmbeddings = true
        }
        ropeFrequencyFactors = try optionalVector("rope_freqs.weight", count: c.ropeDimensionCount / 2)
    }
}

/// One transformer block's weights. Shapes are (rows, cols) of the product y = W·x.
struct LayerWeights: Sendable {
    /// (embeddingLength)
    let attentionNorm: [Float]
    /// (queryDimension, embeddingLength)
    let query: WeightMatrix
    /// (kvDimension, embeddingLength)
    let key: WeightMatrix
    /// (kvDimension, embeddingLength)
    let value: WeightMatrix
    /// (queryDimension), (kvDimension), (kvDimension): qwen2 only.
    let queryBias: [Float]?
    let keyBias: [Float]?
    let valueBias: [Float]?
    /// (embeddingLength, queryDimension)
    let attentionOutput: WeightMatrix
    /// (embeddingLength)
    let ffnNorm: [Float]
    /// (feedForwardLength, embeddingLength)
    let gate: WeightMatrix
    /// (feedForwardLength, embeddingLength)
    let up: WeightMatrix
    /// (embeddingLength, feedForwardLength)
    let down: WeightMatrix
}
