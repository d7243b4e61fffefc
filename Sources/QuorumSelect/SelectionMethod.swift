/// The selection methods by the names used on the command line and in selections.
public enum SelectionMethod: String, Sendable, CaseIterable, Hashable, Codable, CodingKeyRepresentable {
    /// Self-consistency (majority vote), ``SelfConsistency``.
    case sc
    /// Perplexity (maximum path probability), ``Perplexity``.
    case ppl
    /// Perplexity consistency, ``PerplexityConsistency``.
    case pc
    /// Perplexity consistency with reasoning pruning, ``ReasoningPruningConsistency``.
    case rpc
    /// Score-weighted vote (extra), ``WeightedVote``.
    case weighted
    /// Best-of-N by score (extra), ``BestOfN``.
    case bestOfN = "best-of-n"

    /// The four methods of the RPC paper, in the order the paper reports them.
    public static let reference: [SelectionMethod] = [.ppl, .sc, .pc, .rpc]

    /// The aggregator with its default settings.
    public var aggregator: any Aggregator {
        switch self {
        case .sc: SelfConsistency()
        case .ppl: Perplexity()
        case .pc: PerplexityConsistency()
        case .rpc: ReasoningPruningConsistency()
        case .weighted: WeightedVote()
        case .bestOfN: BestOfN()
        }
    }

    /// Whether the method reads log-probabilities (and so rejects paths without usable ones).
    /// The name tables show: `Weighted`, `Best-of-N`, else the raw value in capitals (`PPL`, `SC`, `PC`, `RPC`).
    public var displayName: String {
        switch self {
        case .weighted: "Weighted"
        case .bestOfN: "Best-of-N"
        default: rawValue.uppercased()
        }
    }

    public var needsLogprobs: Bool { self == .ppl || self == .pc || self == .rpc }

    /// Whether the method reads per-path scores.
    public var needsScores: Bool { self == .weighted || self == .bestOfN }
}
