import Foundation
import Testing
@testable import QuorumCode

/// The unbiased pass@k estimator against values computed by hand from 1 − C(n−c, k) / C(n, k).
@Suite struct PassAtKTests {
    /// (n, c, k, expected): C(3,2)/C(5,2) = 3/10; C(7,5)/C(10,5) = 21/252; C(8,2)/C(10,2) = 28/45;
    /// C(3,3)/C(4,3) = 1/4; fewer than k failures give 1; no success gives 0.
    static let handComputed: [(Int, Int, Int, Double)] = [
        (5, 2, 2, 0.7), (10, 3, 5, 1 - 21.0 / 252), (10, 2, 2, 1 - 28.0 / 45), (10, 3, 1, 0.3), (1, 1, 1, 1.0),
        (1, 0, 1, 0.0), (4, 1, 4, 1.0), (4, 1, 3, 0.75), (200, 0, 100, 0.0), (200, 200, 1, 1.0), (6, 5, 2, 1.0),
        (1000, 1, 1, 0.001),
    ]

    @Test func matchesHandComputedValues() throws {
        for (n, c, k, expected) in Self.handComputed {
            #expect(abs(try PassAtK.estimate(samples: n, correct: c, k: k) - expected) < 1e-12, "n \(n) c \(c) k \(k)")
        }
    }

    /// pass@1 is the fraction of passing samples.
    @Test func passAtOneIsTheFraction() throws {
        for n in 1...40 {
            for c in 0...n {
                #expect(abs(try PassAtK.estimate(samples: n, correct: c, k: 1) - Double(c) / Double(n)) < 1e-12)
            }
        }
    }

    /// The product form agrees with the ratio form ∏_{j<k} (n−c−j)/(n−j) and with log-gamma, where the
    /// binomials themselves would overflow a Double (C(10000, 100) ≈ 10^241 is fine, C(10000, 5000) is not).
    @Test func staysAccurateForLargeN() throws {
        for (n, c, k) in [(200, 13, 10), (10_000, 5_000, 100), (10_000, 1, 5_000), (100_000, 99_000, 500)] {
            var ratio = 1.0
            for j in 0..<k { ratio *= Double(n - c - j) / Double(n - j) }
            let logRatio = lgamma(Double(n - c + 1)) - lgamma(Double(n - c - k + 1)) - lgamma(Double(n + 1)) + lgamma(Double(n - k + 1))
            let value = try PassAtK.estimate(samples: n, correct: c, k: k)
            #expect(abs(value - (1 - ratio)) < 1e-10, "\(n) \(c) \(k)")
            #expect(abs(value - (1 - exp(logRatio))) < 1e-9, "\(n) \(c) \(k)")
            #expect((0...1).contains(value))
        }
    }

    @Test func meanOverProblems() throws {
        #expect(abs(try PassAtK.mean([(5, 2), (10, 3)], k: 1) - 0.35) < 1e-12)
        #expect(abs(try PassAtK.mean([(5, 2), (10, 3)], k: 2) - (0.7 + (1 - 21.0 / 45)) / 2) < 1e-12)
        #expect(throws: CodeError.invalidPassAtK(samples: 5, correct: 2, k: 8)) { try PassAtK.mean([(10, 3), (5, 2)], k: 8) }
        #expect(throws: CodeError.invalidPassAtK(samples: 0, correct: 0, k: 1)) { try PassAtK.mean([], k: 1) }
    }

    @Test(arguments: [(5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6), (0, 0, 1)])
    func rejectsImpossibleCounts(n: Int, c: Int, k: Int) {
        #expect(throws: CodeError.invalidPassAtK(samples: n, correct: c, k: k)) { try PassAtK.estimate(samples: n, correct: c, k: k) }
    }
}
