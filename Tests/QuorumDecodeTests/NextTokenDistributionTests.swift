import Foundation
import Testing
import QuorumDecode

@Suite struct NextTokenDistributionTests {
    @Test func normaliserEntropyAndLogprobsMatchADirectComputation() {
        let logits: [Float] = [1.5, -2, 0, 3.25, 3.25, -Float.infinity, 0.5]
        let d = NextTokenDistribution(logits: logits)
        let exps = logits.map { Foundation.exp(Double($0)) }
        let z = exps.reduce(0, +)
        let p = exps.map { $0 / z }
        #expect(abs(d.logSumExp - Foundation.log(z)) < 1e-12)
        let entropy = -p.filter { $0 > 0 }.map { $0 * Foundation.log($0) }.reduce(0, +)
        #expect(abs(d.entropy - entropy) < 1e-12)
        #expect(abs(d.logprob(of: 0)! - Foundation.log(p[0])) < 1e-12)
        #expect(d.logprob(of: 5) == -.infinity)
        #expect(d.logprob(of: 7) == nil)
        #expect(d.isComplete)
        // Ties go to the lower id, both for argmax and in top-k order.
        #expect(d.argmax == 3)
        #expect(d.top(3).map(\.id) == [3, 4, 0])
        #expect(d.top(100).count == logits.count)
        #expect(d.top(0).isEmpty)
    }

    @Test func uniformDistributionHasEntropyLnN() {
        let d = NextTokenDistribution(logits: [Float](repeating: 0.25, count: 1000))
        #expect(abs(d.entropy - Foundation.log(1000)) < 1e-9)
        #expect(abs(d.logprob(of: 999)! + Foundation.log(1000)) < 1e-9)
    }

    @Test func partialDistributionKnowsOnlyItsTokens() {
        let d = NextTokenDistribution(
            top: [TokenLogprob(id: 4, logprob: -2), TokenLogprob(id: 9, logprob: -0.5)], entropyEstimate: 1.2)
        #expect(!d.isComplete)
        #expect(d.argmax == 9)
        #expect(d.top(5).map(\.id) == [9, 4])
        #expect(d.logprob(of: 4) == -2)
        #expect(d.logprob(of: 5) == nil)
        #expect(d.entropy == 1.2)
    }
}
