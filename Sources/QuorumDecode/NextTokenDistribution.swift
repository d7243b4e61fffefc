import Foundation

/// A model's distribution over the next token at one position.
///
/// The embedded engine gives the complete distribution: the raw float32 logits of every token, with the
/// log-softmax normaliser and the entropy computed over the whole vocabulary in `Double`. A server that
/// returns only its top-k log-probabilities gives a partial one (``isComplete`` is false): log-probabilities
/// of tokens outside that list are unknown, and ``entropy`` is an estimate.
///
/// All log-probabilities are raw: before temperature and any truncation (top-k, top-p, min-p), as vLLM
/// reports them by default.
public struct NextTokenDistribution: Sendable {
    private enum Storage: Sendable {
        case complete(logits: [Float])
        case partial(top: [TokenLogprob])
    }

    private let storage: Storage
    /// ln Σ_i e^{logit_i} over the whole vocabulary (0 for a partial distribution, whose values are already
    /// log-probabilities).
    public let logSumExp: Double
    /// −Σ p ln p in nats: exact over the whole vocabulary when ``isComplete``, otherwise an estimate.
    public let entropy: Double

    /// A complete distribution from raw logits, with a normaliser and entropy computed here in `Double`.
    public init(logits: [Float]) {
        var maxLogit = -Double.infinity
        for l in logits where Double(l) > maxLogit { maxLogit = Double(l) }
        var s = 0.0, t = 0.0
        if maxLogit.isFinite {
            for l in logits {
                let z = Double(l) - maxLogit
                let e = Foundation.exp(z)
                if e > 0 {
                    s += e
                    t += e * z
                }
            }
        }
        self.init(logits: logits, logSumExp: maxLogit + Foundation.log(s), entropy: Foundation.log(s) - t / s)
    }

    /// A complete distribution whose normaliser and entropy the caller already computed (in `Double`, over
    /// all of `logits`), e.g. by a vectorised kernel.
    public init(logits: [Float], logSumExp: Double, entropy: Double) {
        storage = .complete(logits: logits)
        self.logSumExp = logSumExp
        self.entropy = entropy
    }

    /// A partial distribution: the `top` tokens a server reported (any order) and an entropy estimate.
    public init(top: [TokenLogprob], entropyEstimate: Double) {
        storage = .partial(top: top.sorted { ($0.logprob, -$0.id) > ($1.logprob, -$1.id) })
        logSumExp = 0
        entropy = entropyEstimate
    }

    /// Whether every token's log-probability is known.
    public var isComplete: Bool {
        if case .complete = storage { true } else { false }
    }

    /// The raw logits of every token (empty for a partial distribution).
    public var logits: [Float] {
        if case .complete(let l) = storage { l } else { [] }
    }

    /// ln p(`id`); `nil` only when the distribution is partial and `id` is not among its tokens, or `id` is
    /// out of range.
    public func logprob(of id: Int) -> Double? {
        switch storage {
        case .complete(let logits):
            guard logits.indices.contains(id) else { return nil }
            return Double(logits[id]) - logSumExp
        case .partial(let top):
            return top.first { $0.id == id }?.logprob
        }
    }

    /// The most likely token; ties go to the lowest id.
    public var argmax: Int {
        switch storage {
        case .complete(let logits):
            var best = 0
            for i in logits.indices where logits[i] > logits[best] { best = i }
            return best
        case .partial(let top):
            return top.first?.id ?? 0
        }
    }

    /// The `k` most likely tokens, most likely first (ties: lower id first); fewer when fewer are known.
    public func top(_ k: Int) -> [TokenLogprob] {
        guard k > 0 else { return [] }
        switch storage {
        case .partial(let top):
            return Array(top.prefix(k))
        case .complete(let logits):
            // One pass keeping a sorted list of the best k (k is small next to the vocabulary).
            var best: [(Float, Int)] = []
            best.reserveCapacity(k + 1)
            for (i, l) in logits.enumerated() {
                if best.count == k, let last = best.last, !(l > last.0) { continue }
                var j = best.count
                while j > 0, l > best[j - 1].0 { j -= 1 }
                best.insert((l, i), at: j)
                if best.count > k { best.removeLast() }
            }
            return best.map { TokenLogprob(id: $0.1, logprob: Double($0.0) - logSumExp) }
        }
    }

    /// (id, log-probability) of every known token, in id order for a complete distribution.
    func candidates() -> [(id: Int, logprob: Double)] {
        switch storage {
        case .complete(let logits):
            return logits.enumerated().map { ($0.offset, Double($0.element) - logSumExp) }
        case .partial(let top):
            return top.map { ($0.id, $0.logprob) }
        }
    }
}
