import Foundation

/// Chooses tokens from next-token distributions with ``SamplingParameters``, drawing from its own seeded
/// generator (nothing process-wide): the same parameters, stream and distributions give the same tokens.
public struct TokenSampler: Sendable {
    /// The parameters it was made with.
    public let parameters: SamplingParameters
    /// Its random generator, advanced by every non-greedy draw.
    public private(set) var generator: SeededGenerator

    /// A sampler for `parameters`, drawing from stream `stream` of `parameters.seed`.
    public init(parameters: SamplingParameters, stream: UInt64 = 0) {
        self.parameters = parameters
        generator = SeededGenerator(seed: parameters.seed, stream: stream)
    }

    /// The next token.
    public mutating func sample(_ distribution: NextTokenDistribution) -> Int {
        if parameters.isGreedy { return distribution.argmax }
        var kept = Self.truncate(distribution.candidates(), parameters)
        guard !kept.isEmpty else { return distribution.argmax }
        let maxScore = kept.lazy.map(\.score).max()!
        var total = 0.0
        for i in kept.indices {
            kept[i].score = Foundation.exp(kept[i].score - maxScore)
            total += kept[i].score
        }
        var u = generator.uniform() * total
        for c in kept {
            u -= c.score
            if u < 0 { return c.id }
        }
        return kept.last!.id  // rounding left a sliver of u
    }

    /// The tokens left after temperature, top-k, top-p and min-p, with their tempered log-probabilities
    /// (not normalised) as `score`.
    static func truncate(_ all: [(id: Int, logprob: Double)], _ p: SamplingParameters) -> [(id: Int, score: Double)] {
        var kept = all.compactMap { c in c.logprob.isFinite ? (id: c.id, score: c.logprob / p.temperature) : nil }
        guard !kept.isEmpty else { return [] }
        let maxScore = kept.lazy.map(\.score).max()!
        let before = { (a: (id: Int, score: Double), b: (id: Int, score: Double)) in
            a.score > b.score || (a.score == b.score && a.id < b.id)
        }
        var sorted = false
        if p.topK > 0, p.topK < kept.count {
            kept = largest(p.topK, of: kept, by: before)
            sorted = true
        }
        if p.topP < 1 {
            let total = kept.reduce(0.0) { $0 + Foundation.exp($1.score - maxScore) }
            let target = p.topP * total
            if !sorted {
                // Sort only the tokens above a threshold, lowered until they carry the target mass: every
                // token left out is less likely than every token kept, so the nucleus lies inside.
                var threshold = -8.0
                while true {
                    let subset = kept.filter { $0.score - maxScore >= threshold }
                    let mass = subset.reduce(0.0) { $0 + Foundation.exp($1.score - maxScore) }
                    if mass >= target || subset.count == kept.count || threshold < -800 {
                        kept = subset.sorted(by: before)
                        break
                    }
                    threshold *= 2
                }
            }
            var cumulative = 0.0
            var end = kept.count
            for (i, c) in kept.enumerated() {
                cumulative += Foundation.exp(c.score - maxScore)
                if cumulative >= target {
                    end = i + 1
                    break
                }
            }
            kept.removeSubrange(end...)
        }
        if p.minP > 0 {
            let cut = maxScore + Foundation.log(p.minP)
            kept.removeAll { $0.score < cut }
        }
        return kept
    }

    /// The k best elements in order, in one pass (k is small next to the vocabulary).
    private static func largest(
        _ k: Int, of items: [(id: Int, score: Double)], by before: ((id: Int, score: Double), (id: Int, score: Double)) -> Bool
    ) -> [(id: Int, score: Double)] {
        var best: [(id: Int, score: Double)] = []
        best.reserveCapacity(k + 1)
        for item in items {
            if best.count == k, !before(item, best[k - 1]) { continue }
            var j = best.count
            while j > 0, before(item, best[j - 1]) { j -= 1 }
            best.insert(item, at: j)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
