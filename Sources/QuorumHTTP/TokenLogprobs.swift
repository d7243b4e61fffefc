/// One candidate token at a position with its log-probability.
public struct TokenAlternative: Sendable, Hashable {
    /// The token as text (as the server spells it; byte-level pieces may be escaped, e.g. `bytes:\xe2`).
    public var token: String
    /// Natural-log probability under the model; ≤ 0, possibly `-infinity`.
    public var logprob: Double
    /// The token's id when the server sends it (llama.cpp's `id`), else `nil`.
    public var id: Int?
    /// The token's UTF-8 bytes when the server sends them (`bytes`), else `nil`.
    public var bytes: [UInt8]?

    public init(token: String, logprob: Double, id: Int? = nil, bytes: [UInt8]? = nil) {
        self.token = token
        self.logprob = logprob
        self.id = id
        self.bytes = bytes
    }
}

/// Per-token log-probabilities of one completion, as parallel arrays of equal length (one entry per generated
/// token, in order).
///
/// The values are what the server reports: vLLM and llama.cpp report the model's raw distribution (before
/// temperature and truncation) by default, which is what `paths.jsonl` wants.
public struct TokenLogprobs: Sendable, Hashable {
    /// Each generated token as text.
    public private(set) var tokens: [String]
    /// Each generated token's log-probability.
    public private(set) var logprobs: [Double]
    /// The K most likely alternatives at each position, most likely first (empty arrays when K = 0 or the
    /// server sent none). The sampled token is among them only when it was in the top K.
    public private(set) var top: [[TokenAlternative]]
    /// Each token's UTF-8 bytes when the server sent them (`bytes` in the `content[]` form), else `nil`.
    public private(set) var bytes: [[UInt8]?]
    /// Token ids when the server sent them (llama.cpp's `id`), else `nil`.
    public private(set) var ids: [Int]?

    /// Builds the arrays; `nil` when their lengths differ (the caller reports that as a malformed response).
    public init?(
        tokens: [String], logprobs: [Double], top: [[TokenAlternative]]? = nil, bytes: [[UInt8]?]? = nil,
        ids: [Int]? = nil
    ) {
        let n = tokens.count
        guard logprobs.count == n else { return nil }
        if let top, top.count != n { return nil }
        if let bytes, bytes.count != n { return nil }
        if let ids, ids.count != n { return nil }
        self.tokens = tokens
        self.logprobs = logprobs
        self.top = top ?? Array(repeating: [], count: n)
        self.bytes = bytes ?? Array(repeating: nil, count: n)
        self.ids = ids
    }

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// Sum of the log-probabilities (`0` for an empty completion).
    public var sum: Double { logprobs.reduce(0, +) }

    /// Mean log-probability, the PPL/PC/RPC path score; `nil` for an empty completion.
    public var mean: Double? { count == 0 ? nil : sum / Double(count) }
}

extension TokenLogprobs {
    /// The same log-probabilities with at most `k` alternatives per position.
    func keepingAlternatives(_ k: Int) -> TokenLogprobs {
        var copy = self
        copy.top = top.map { Array($0.prefix(k)) }
        return copy
    }
}
