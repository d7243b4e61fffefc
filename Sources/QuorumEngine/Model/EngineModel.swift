import CQuorumKernels
import Foundation
import QuorumDecode

/// The embedded GGUF engine as a ``LanguageModel``: loads a llama or qwen2 model from a memory-mapped GGUF
/// file and runs it on the CPU.
///
/// Each sequence owns a KV cache; ``fork(_:)`` shares the positions already computed (the prompt of many
/// samples is stored once) and the fork continues in its own storage. ``step(_:)`` advances several
/// sequences in one forward pass (their weights are read once for all rows), and
/// ``prefill(_:tokens:distributions:)`` feeds many tokens of one sequence per pass. The actor serialises
/// calls; each pass uses `threads` threads (a persistent pool).
///
/// Weights stay in the memory-mapped file, in GGUF's block formats, and are never converted: the kernels
/// read the blocks in place, so loading costs no copy and the pages are shared with other processes that
/// map the same file. Only the small norm and bias vectors are decoded to float at load.
public actor EngineModel: LanguageModel {
    /// The model file's name without `.gguf`.
    public nonisolated let name: String
    /// The hyper-parameters read from the file.
    public nonisolated let config: ModelConfig
    /// Rows of the token embedding.
    public nonisolated let vocabularySize: Int
    /// `<arch>.context_length`.
    public nonisolated let contextLength: Int
    /// The tokenizer's end-of-generation ids, or the metadata's EOS/EOT/EOM ids without a tokenizer.
    public nonisolated let endOfGenerationTokens: Set<Int>
    /// The tokenizer as ``TokenText``, or `nil` when it was not loaded.
    public nonisolated let text: (any TokenText)?
    /// The instruction set the kernels use (`portable`, `avx2`, `avx512vnni` or `neon`).
    public nonisolated let instructionSet: String
    /// How the inputs of the quantised products are represented.
    public nonisolated let precision: ActivationPrecision
    /// How the KV cache stores keys and values.
    public nonisolated let kvPrecision: KVPrecision
    /// Threads per forward pass.
    public nonisolated let threads: Int
    /// Most rows in one forward pass; longer prefills are split (default 256).
    public nonisolated let maxRowsPerPass: Int

    private let transformer: Transformer
    private let scratch: ForwardScratch
    private var sequences: [Int: SequenceState] = [:]
    private var nextID = 0

    private struct SequenceState {
        var tokens: [Int]
        let cache: KVCache
    }

    /// The model's tokenizer, when it was loaded.
    public nonisolated let tokenizer: Tokenizer?

    /// Loads the model at `path`.
    /// - Parameters:
    ///   - threads: threads per forward pass; default: the active processor count.
    ///   - portableKernels: use the plain-C kernels even when the CPU has AVX2 (for comparisons); default false.
    ///   - loadTokenizer: read the tokenizer from the file (an unsupported one is an error); default true.
    ///     Without it the model works on token ids only, and only the metadata's EOS/EOT/EOM ids end generation.
    ///   - maxRowsPerPass: most rows per forward pass; default 512.
    ///   - precision: how the inputs of quantised products are represented; default ``ActivationPrecision/int8``.
    ///   - instructionSet: the kernels' instruction set; default: the best this CPU has (`portableKernels`
    ///     true means ``InstructionSet/portable``). A level the CPU lacks is refused.
    ///   - kvCache: how keys and values are stored; default ``KVPrecision/f16`` (llama.cpp's default).
    public init(
        path: String, threads: Int? = nil, portableKernels: Bool = false, loadTokenizer: Bool = true,
        maxRowsPerPass: Int = 512, precision: ActivationPrecision = .int8, instructionSet: InstructionSet? = nil,
        kvCache: KVPrecision = .f16
    ) throws(GGUFError) {
        try self.init(
            file: GGUFFile(path: path), threads: threads, portableKernels: portableKernels,
            loadTokenizer: loadTokenizer, maxRowsPerPass: maxRowsPerPass, precision: precision,
            instructionSet: instructionSet, kvCache: kvCache)
    }

    /// Runs the already opened `file`; see
    /// ``init(path:threads:portableKernels:loadTokenizer:maxRowsPerPass:precision:instructionSet:kvCache:)``.
    public init(
        file: GGUFFile, threads: Int? = nil, portableKernels: Bool = false, loadTokenizer: Bool = true,
        maxRowsPerPass: Int = 512, precision: ActivationPrecision = .int8, instructionSet: InstructionSet? = nil,
        kvCache: KVPrecision = .f16
    ) throws(GGUFError) {
        let config = try ModelConfig(file: file)
        let isa = portableKernels ? .portable : instructionSet
        if let isa, !isa.isAvailable {
            throw .unsupportedArchitecture(
                path: file.path, architecture: config.architecture.rawValue,
                reason: "the instruction set \(isa.rawValue) is not available on this CPU or in this build")
        }
        let threadCount = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let kernels = Kernels(threads: threadCount, isa: isa)
        let weights = try ModelWeights(file: file, config: config, kernels: kernels)
        let tokenizer = loadTokenizer ? try Tokenizer(gguf: file) : nil
        if let tokenizer, tokenizer.vocabularySize != config.vocabularySize {
            throw .invalidMetadata(
                path: file.path, key: "tokenizer.ggml.tokens",
                reason: "\(tokenizer.vocabularySize) tokens, but token_embd.weight has \(config.vocabularySize) rows")
        }
        transformer = Transformer(
            config: config, weights: weights, kernels: kernels, precision: precision, kvPrecision: kvCache)
        scratch = ForwardScratch(config: config, threads: kernels.threads)
        self.precision = precision
        self.kvPrecision = kvCache
        self.threads = kernels.threads
        self.config = config
        name = URL(fileURLWithPath: file.path).deletingPathExtension().lastPathComponent
        vocabularySize = config.vocabularySize
        contextLength = config.contextLength
        self.tokenizer = tokenizer
        text = tokenizer.map { TokenizerText(tokenizer: $0) }
        endOfGenerationTokens = tokenizer?.endOfGenerationIDs ?? Self.metadataEndTokens(in: file, vocabularySize: config.vocabularySize)
        self.instructionSet = kernels.isaName
        self.maxRowsPerPass = max(1, maxRowsPerPass)
    }

    /// The metadata's EOS/EOT/EOM ids (used when no tokenizer is loaded; the tokenizer knows more end tokens).
    static func metadataEndTokens(in file: GGUFFile, vocabularySize: Int) -> Set<Int> {
        var ids = Set<Int>()
        for key in ["eos", "eot", "eom"] {
            if let id = file["tokenizer.ggml.\(key)_token_id"]?.intValue, (0..<vocabularySize).contains(id) { ids.insert(id) }
        }
        return ids
    }

    /// A new sequence with an empty KV cache.
    public func makeSequence() -> SequenceID {
        nextID += 1
        sequences[nextID] = SequenceState(
            tokens: [], cache: KVCache(layerCount: config.blockCount, kvDimension: config.kvDimension, precision: kvPrecision))
        return SequenceID(rawValue: nextID)
    }

    /// A new sequence with `sequence`'s tokens and KV cache. The positions computed so far are shared, not
    /// copied (both sequences then continue in their own storage).
    public func fork(_ sequence: SequenceID) throws(DecodeError) -> SequenceID {
        let state = try self.state(sequence)
        nextID += 1
        sequences[nextID] = SequenceState(tokens: state.tokens, cache: state.cache.fork())
        return SequenceID(rawValue: nextID)
    }

    /// Drops `sequence` and its KV cache.
    public func free(_ sequence: SequenceID) {
        sequences[sequence.rawValue] = nil
    }

    /// Keeps the first `length` tokens of `sequence` and their cache positions. Positions shared with forks
    /// (those it held when it was forked) cannot be dropped.
    public func truncate(_ sequence: SequenceID, to length: Int) throws(DecodeError) {
        let state = try self.state(sequence)
        guard (0...state.tokens.count).contains(length) else {
            throw .invalidRequest("cannot truncate \(sequence) of \(state.tokens.count) tokens to \(length)")
        }
        guard length >= state.cache.sharedCount else {
            throw .unsupported(
                "cannot truncate \(sequence) to \(length) tokens: its first \(state.cache.sharedCount) are shared with forks")
        }
        sequences[sequence.rawValue]?.tokens.removeLast(state.tokens.count - length)
        state.cache.count = length
    }

    /// The tokens `sequence` holds.
    public func tokens(of sequence: SequenceID) throws(DecodeError) -> [Int] {
        try state(sequence).tokens
    }

    /// Number of live sequences.
    public var sequenceCount: Int { sequences.count }

    /// Bytes of KV cache held by the live sequences (shared segments counted once).
    public var cacheBytes: Int {
        var seen = Set<ObjectIdentifier>()
        var total = 0
        for state in sequences.values {
            total += state.cache.byteCount
            var segment = state.cache.sharedSegment
            while let s = segment, seen.insert(ObjectIdentifier(s)).inserted {
                total += s.byteCount
                segment = s.parent
            }
        }
        return total
    }

    /// Feeds `tokens` in passes of up to ``maxRowsPerPass`` rows; returns the distributions after the last
    /// `distributions` of them. Nothing changes when it throws (bad token, unknown sequence, context full).
    public func prefill(_ sequence: SequenceID, tokens: [Int], distributions: Int) throws(DecodeError) -> [NextTokenDistribution] {
        var state = try self.state(sequence)
        try check(tokens)
        guard distributions >= 0 else { throw .invalidRequest("distributions must be ≥ 0, not \(distributions)") }
        let total = state.tokens.count + tokens.count
        guard total <= contextLength else {
            throw .contextFull(sequence: sequence, length: total, contextLength: contextLength)
        }
        let firstWanted = tokens.count - min(distributions, tokens.count)
        var results: [NextTokenDistribution] = []
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + maxRowsPerPass)
            let base = state.cache.count
            let rows = (start..<end).map { i in
                ForwardRow(token: tokens[i], position: base + i - start, cache: state.cache, wantsLogits: i >= firstWanted)
            }
            let pass = transformer.forward(rows, scratch: scratch)
            let wanted = rows.indices.filter { rows[$0].wantsLogits }
            try checkFinite(pass, at: wanted.map { (sequence, state.tokens.count + start + $0) })
            results += pass
            state.cache.count += end - start
            start = end
        }
        state.tokens += tokens
        sequences[sequence.rawValue] = state
        return results
    }

    /// One forward pass over one row per sequence; nothing changes when it throws.
    public func step(_ rows: [StepRow]) throws(DecodeError) -> [NextTokenDistribution] {
        var seen = Set<Int>()
        var states: [SequenceState] = []
        for row in rows {
            guard seen.insert(row.sequence.rawValue).inserted else { throw .duplicateSequenceInStep(row.sequence) }
            let state = try self.state(row.sequence)
            try check([row.token])
            guard state.tokens.count < contextLength else {
                throw .contextFull(sequence: row.sequence, length: state.tokens.count + 1, contextLength: contextLength)
            }
            states.append(state)
        }
        var results: [NextTokenDistribution] = []
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + maxRowsPerPass)
            let pass = (start..<end).map { i in
                ForwardRow(token: rows[i].token, position: states[i].cache.count, cache: states[i].cache, wantsLogits: true)
            }
            let out = transformer.forward(pass, scratch: scratch)
            try checkFinite(out, at: (start..<end).map { (rows[$0].sequence, states[$0].tokens.count) })
            results += out
            start = end
        }
        for (row, var state) in zip(rows, states) {
            state.cache.count += 1
            state.tokens.append(row.token)
            sequences[row.sequence.rawValue] = state
        }
        return results
    }

    /// Throws ``DecodeError/nonFiniteLogits(model:sequence:position:token:value:)`` for the first NaN or +∞
    /// logit of `distributions` (`at`: each one's sequence and position). −∞ is a probability of 0 and is
    /// kept. One pass over the logits costs a fraction of the output product that computed them (a row of
    /// `vocabularySize` comparisons against `vocabularySize × embeddingLength` multiply-adds).
    private func checkFinite(
        _ distributions: [NextTokenDistribution], at positions: [(SequenceID, Int)]
    ) throws(DecodeError) {
        for (d, (sequence, position)) in zip(distributions, positions) {
            // The normaliser cannot stand in for the scan: the log-sum-exp kernels skip NaN terms.
            let logits = d.logits
            if let token = logits.firstIndex(where: { $0.isNaN || $0 == .infinity }) {
                throw .nonFiniteLogits(model: name, sequence: sequence, position: position, token: token, value: logits[token])
            }
        }
    }

    private func state(_ sequence: SequenceID) throws(DecodeError) -> SequenceState {
        guard let state = sequences[sequence.rawValue] else { throw .unknownSequence(sequence) }
        return state
    }

    private func check(_ tokens: [Int]) throws(DecodeError) {
        for t in tokens where !(0..<vocabularySize).contains(t) {
            throw .tokenOutOfRange(token: t, vocabularySize: vocabularySize)
        }
    }

    /// The distribution of raw logits, normalised in `Double` by the C kernel.
    static func distribution(_ logits: [Float]) -> NextTokenDistribution {
        var lse = 0.0, entropy = 0.0
        qk_logsumexp(logits, logits.count, &lse, &entropy)
        return NextTokenDistribution(logits: logits, logSumExp: lse, entropy: entropy)
    }
}
