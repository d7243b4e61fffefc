/// A transformer's hyper-parameters, read from GGUF metadata (`<arch>.block_count`, …): the blueprint the
/// weights and caches are shaped by.
public struct ModelConfig: Sendable, Hashable {
    /// The architectures the engine runs.
    public enum Architecture: String, Sendable, Hashable, CaseIterable {
        /// Llama and its descendants (SmolLM2, Llama 3.x): RMSNorm, RoPE in GGML's normal mode, grouped-query
        /// attention, SwiGLU, optionally tied embeddings.
        case llama
        /// Qwen2/2.5: as llama, plus biases on the Q, K and V projections, and RoPE in NEOX mode.
        case qwen2
    }

    /// How RoPE pairs the values of a head.
    public enum RopeStyle: Sendable, Hashable {
        /// Adjacent pairs (2i, 2i+1) — GGML's normal mode.
        case normal
        /// Halves (i, i + d/2) — GGML's NEOX mode.
        case neox
    }

    /// `general.architecture`.
    public let architecture: Architecture
    /// Width of the residual stream (`<arch>.embedding_length`).
    public let embeddingLength: Int
    /// Number of transformer blocks (`<arch>.block_count`).
    public let blockCount: Int
    /// Query heads (`<arch>.attention.head_count`).
    public let headCount: Int
    /// Key/value heads (`<arch>.attention.head_count_kv`; default: `headCount`).
    public let headCountKV: Int
    /// Values per head (`<arch>.attention.key_length`; default: embeddingLength / headCount).
    public let headDimension: Int
    /// Hidden width of the feed-forward block (`<arch>.feed_forward_length`).
    public let feedForwardLength: Int
    /// Longest sequence the model was trained for (`<arch>.context_length`).
    public let contextLength: Int
    /// Number of token ids (rows of `token_embd.weight`).
    public let vocabularySize: Int
    /// RoPE base frequency (`<arch>.rope.freq_base`; default 10000).
    public let ropeFreqBase: Float
    /// Values of each head that RoPE rotates (`<arch>.rope.dimension_count`; default: headDimension).
    public let ropeDimensionCount: Int
    /// Positions are multiplied by this before RoPE (1 / `<arch>.rope.scaling.factor` for linear scaling).
    public let ropePositionScale: Double
    /// Normal for llama, NEOX for qwen2.
    public let ropeStyle: RopeStyle
    /// ε of RMSNorm (`<arch>.attention.layer_norm_rms_epsilon`; default 1e-5).
    public let rmsEpsilon: Float

    /// Width of all query heads together.
    public var queryDimension: Int { headCount * headDimension }
    /// Width of all key (or value) heads together.
    public var kvDimension: Int { headCountKV * headDimension }

    /// Reads the hyper-parameters of `file`, refusing architectures the engine cannot run.
    public init(file: GGUFFile) throws(GGUFError) {
        let path = file.path
        let name = try file.requiredString("general.architecture")
        guard let architecture = Architecture(rawValue: name) else {
            let supported = Architecture.allCases.map(\.rawValue).joined(separator: ", ")
            let reason = switch name {
                case "gemma3", "gemma2", "gemma":
                    "Gemma needs sliding-window attention, QK-norm, GELU and its own norms, which are not implemented yet; supported: \(supported)"
                default: "the engine runs \(supported)"
            }
            throw .unsupportedArchitecture(path: path, architecture: name, reason: reason)
        }
        let a = name
        func int(_ key: String, default value: Int? = nil) throws(GGUFError) -> Int {
            if file[key] == nil, let value { return value }
            let v = try file.requiredInt(key)
            guard v > 0 else { throw .invalidMetadata(path: path, key: key, reason: "must be positive, is \(v)") }
            return v
        }
        func double(_ key: String, default value: Double) throws(GGUFError) -> Double {
            guard let raw = file[key] else { return value }
            guard let v = raw.doubleValue, v.isFinite, v > 0 else {
                throw .invalidMetadata(path: path, key: key, reason: "must be a positive number")
            }
            return v
        }

        self.architecture = architecture
        embeddingLength = try int("\(a).embedding_length")
        blockCount = try int("\(a).block_count")
        headCount = try int("\(a).attention.head_count")
        headCountKV = try int("\(a).attention.head_count_kv", default: headCount)
        guard headCount % headCountKV == 0 else {
            throw .invalidMetadata(
                path: path, key: "\(a).attention.head_count_kv",
                reason: "\(headCountKV) does not divide the \(headCount) query heads")
        }
        guard embeddingLength % headCount == 0 || file["\(a).attention.key_length"] != nil else {
            throw .invalidMetadata(
                path: path, key: "\(a).attention.head_count",
                reason: "\(headCount) heads do not divide the embedding length \(embeddingLength)")
        }
        headDimension = try int("\(a).attention.key_length", default: embeddingLength / headCount)
        let valueLength = try int("\(a).attention.value_length", default: headDimension)
        guard valueLength == headDimension else {
            throw .invalidMetadata(
                path: path, key: "\(a).attention.value_length",
                reason: "\(valueLength) differs from the key length \(headDimension), which is not supported")
        }
        feedForwardLength = try int("\(a).feed_forward_length")
        contextLength = try int("\(a).context_length")
        ropeFreqBase = Float(try double("\(a).rope.freq_base", default: 10_000))
        ropeDimensionCount = try int("\(a).rope.dimension_count", default: headDimension)
        guard ropeDimensionCount % 2 == 0, ropeDimensionCount <= headDimension else {
            throw .invalidMetadata(
                path: path, key: "\(a).rope.dimension_count",
                reason: "\(ropeDimensionCount) must be even and at most the head dimension \(headDimension)")
        }
        let scaling = file["\(a).rope.scaling.type"]?.stringValue ?? "none"
        switch scaling {
        case "none": ropePositionScale = 1
        case "linear": ropePositionScale = 1 / (try double("\(a).rope.scaling.factor", default: 1))
        default:
            throw .unsupportedArchitecture(
                path: path, architecture: name, reason: "RoPE scaling '\(scaling)' is not implemented (none and linear are)")
        }
        ropeStyle = architecture == .qwen2 ? .neox : .normal
        rmsEpsilon = Float(try double("\(a).attention.layer_norm_rms_epsilon", default: 1e-5))

        guard let embedding = file.tensor(named: "token_embd.weight") else {
            throw .missingTensor(path: path, name: "token_embd.weight")
        }
        guard embedding.dims.count == 2, embedding.dims[0] == embeddingLength else {
            throw .invalidTensor(
                path: path, name: embedding.name,
                reason: "shape \(embedding.dims) does not match the embedding length \(embeddingLength)")
        }
        vocabularySize = embedding.dims[1]
    }
}
