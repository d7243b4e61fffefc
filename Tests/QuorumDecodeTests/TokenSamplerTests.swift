import Foundation
import Testing
@testable import QuorumDecode

@Suite struct TokenSamplerTests {
    static func randomLogits(_ n: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Float(g.uniform() * 8 - 4) }
    }

    @Test func greedyIsArgmax() {
        let d = NextTokenDistribution(logits: Self.randomLogits(500, seed: 1))
        var s = TokenSampler(parameters: .greedy)
        #expect(s.sample(d) == d.argmax)
    }

    @Test func sameSeedAndStreamGiveSameTokensAndStreamsDiffer() {
        let d = NextTokenDistribution(logits: Self.randomLogits(50, seed: 2))
        let p = SamplingParameters(temperature: 1, seed: 42)
        func draw(_ stream: UInt64) -> [Int] {
            var s = TokenSampler(parameters: p, stream: stream)
            return (0..<40).map { _ in s.sample(d) }
        }
        #expect(draw(0) == draw(0))
        #expect(draw(0) != draw(1))
    }

    @Test func frequenciesFollowTheTemperedDistribution() {
        let logits: [Float] = [0, 1, 2, -1]
        let d = NextTokenDistribution(logits: logits)
        var s = TokenSampler(parameters: SamplingParameters(temperature: 2, seed: 3))
        var counts = [0, 0, 0, 0]
        let n = 40_000
        for _ in 0..<n { counts[s.sample(d)] += 1 }
        let w = logits.map { Foundation.exp(Double($0) / 2) }
        let z = w.reduce(0, +)
        for i in 0..<4 {
            let expected = w[i] / z
            let sd = (expected * (1 - expected) / Double(n)).squareRoot()
            #expect(abs(Double(counts[i]) / Double(n) - expected) < 5 * sd)
        }
    }

    /// top-k, top-p and min-p keep exactly the set a brute-force sort gives.
    @Test func truncationMatchesBruteForce() {
        for seed in UInt64(0)..<30 {
            var g = SeededGenerator(seed: seed)
            let d = NextTokenDistribution(logits: Self.randomLogits(300, seed: seed + 100))
            let p = SamplingParameters(
                temperature: 0.3 + g.uniform() * 1.5, topK: Int(g.next() % 3) == 0 ? 0 : Int(g.next() % 60) + 1,
                topP: g.uniform() < 0.3 ? 1 : 0.05 + 0.9 * g.uniform(), minP: g.uniform() < 0.3 ? 0 : 0.2 * g.uniform())
            let kept = Set(TokenSampler.truncate(
                (0..<300).map { ($0, d.logprob(of: $0)!) }, p).map(\.id))
            // Brute force: sort everything, apply each rule on the sorted list.
            var all = (0..<300).map { (id: $0, s: d.logprob(of: $0)! / p.temperature) }
            all.sort { $0.s > $1.s || ($0.s == $1.s && $0.id < $1.id) }
            if p.topK > 0 { all = Array(all.prefix(p.topK)) }
            let top = all[0].s
            if p.topP < 1 {
                let total = all.map { Foundation.exp($0.s - top) }.reduce(0, +)
                var c = 0.0
                var end = all.count
                for (i, e) in all.enumerated() {
                    c += Foundation.exp(e.s - top)
                    if c >= p.topP * total { end = i + 1; break }
                }
                all = Array(all.prefix(end))
            }
            if p.minP > 0 { all = all.filter { Foundation.exp($0.s - top) >= p.minP } }
            #expect(kept == Set(all.map(\.id)), "seed \(seed): \(p)")
        }
    }

    @Test func extremeSettingsReduceToArgmax() {
        let d = NextTokenDistribution(logits: Self.randomLogits(1000, seed: 5))
        for p in [SamplingParameters(topK: 1, seed: 9), SamplingParameters(topP: 1e-9, seed: 9), SamplingParameters(minP: 1, seed: 9)] {
            var s = TokenSampler(parameters: p)
            for _ in 0..<20 { #expect(s.sample(d) == d.argmax) }
        }
    }

    @Test func invalidParametersAreRejectedNotClamped() {
        for p in [
            SamplingParameters(temperature: -1), SamplingParameters(temperature: .nan), SamplingParameters(topK: -1),
            SamplingParameters(topP: 0), SamplingParameters(topP: 1.5), SamplingParameters(minP: -0.1),
            SamplingParameters(minP: 2),
        ] {
            #expect(throws: DecodeError.self) { try p.validate() }
        }
        #expect(throws: Never.self) { try SamplingParameters(temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05).validate() }
    }
}
