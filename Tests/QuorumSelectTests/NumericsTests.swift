import Foundation
import QuorumSelect
import Testing

/// The numerical building blocks: numpy-order sums, the bounded optimiser, the Weibull mixture.
@Suite struct NumericsTests {
    /// `x_i = (i mod 7 + 1)/(i + 3) · (−1)^i · (10⁶ if 3 | i)`: values whose sum depends on the order.
    static func values(_ n: Int) -> [Double] {
        (0..<n).map { i -> Double in
            let base = Double(i % 7 + 1) / Double(i + 3)
            let sign: Double = i % 2 == 0 ? 1 : -1
            let scale: Double = i % 3 == 0 ? 1e6 : 1
            return base * sign * scale
        }
    }

    /// Expected values printed by numpy 2.4.6 as `repr(float(np.sum(a)))` for the arrays above; for
    /// n ≥ 8 they differ from a sequential sum, so the order is really tested.
    @Test(arguments: [
        (5, -333332.5190476191), (8, 444444.40873015876), (13, 594444.5410977912), (128, 521808.018878285),
        (129, 521808.041779048), (300, 525125.0734989967), (1000, 549780.9033144206),
    ])
    func pairwiseSumMatchesNumpy(n: Int, expected: Double) {
        #expect(PairwiseSum.sum(Self.values(n)) == expected)
    }

    @Test func pairwiseSumDiffersFromSequentialWhereNumpyDoes() {
        let values = Self.values(1000)
        #expect(values.reduce(0, +) == 549780.9033144192)
        #expect(PairwiseSum.mean(values) == 549.7809033144206)
    }

    /// A convex quadratic whose minimiser lies outside the box: the solution is the projection, with the
    /// bound active, found to high accuracy.
    @Test func boundedQuadratic() {
        let optimizer = BoundedLBFGS(lower: [1, -.infinity, 0], upper: [.infinity, 0.5, 2])
        let result = optimizer.minimize(from: [3, -2, 1]) { x, g in
            // f = (x0 + 1)² + 2(x1 − 3)² + (x2 − 1)² + x0·x2/10
            g[0] = 2 * (x[0] + 1) + x[2] / 10
            g[1] = 4 * (x[1] - 3)
            g[2] = 2 * (x[2] - 1) + x[0] / 10
            return (x[0] + 1) * (x[0] + 1) + 2 * (x[1] - 3) * (x[1] - 3) + (x[2] - 1) * (x[2] - 1) + x[0] * x[2] / 10
        }
        #expect(result.termination.converged)
        #expect(result.x[0] == 1)
        #expect(result.x[1] == 0.5)
        #expect(abs(result.x[2] - 0.95) <= 1e-6)
    }

    /// Rosenbrock from the classic start, unconstrained and with the minimiser cut off by a bound.
    @Test func rosenbrock() {
        func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
            let a = 1 - x[0], b = x[1] - x[0] * x[0]
            g[0] = -2 * a - 400 * x[0] * b
            g[1] = 200 * b
            return a * a + 100 * b * b
        }
        let free = BoundedLBFGS(lower: [-.infinity, -.infinity], upper: [.infinity, .infinity])
            .minimize(from: [-1.2, 1], rosenbrock)
        #expect(free.termination.converged)
        #expect(abs(free.x[0] - 1) <= 1e-4 && abs(free.x[1] - 1) <= 1e-4)
        let bounded = BoundedLBFGS(lower: [-.infinity, -.infinity], upper: [0.5, .infinity])
            .minimize(from: [-1.2, 1], rosenbrock)
        #expect(bounded.x[0] == 0.5)
        #expect(abs(bounded.x[1] - 0.25) <= 1e-4)
    }

    /// The optimiser never leaves the box and steps back from points where the objective is infinite.
    @Test func infiniteValuesAreAvoided() {
        let optimizer = BoundedLBFGS(lower: [0.01], upper: [.infinity])
        let result = optimizer.minimize(from: [3]) { x, g in
            // −log(x) + x barrier-like: minimum at 1, +∞ beyond 4.
            if x[0] > 4 { return .infinity }
            g[0] = 1 - 1 / x[0]
            return x[0] - log(x[0])
        }
        #expect(result.termination.converged)
        #expect(abs(result.x[0] - 1) <= 1e-4)
    }

    /// The analytic gradient of the mixture likelihood agrees with central differences.
    @Test func mixtureGradientMatchesFiniteDifferences() {
        let xs = [0.12, 0.3, 0.31, 0.55, 0.8, 0.81, 0.83, 0.9]
        let objective = MixtureLikelihoodProbe(xs: xs)
        let theta = [0.4, 3.5, 0.8, 1.7, 0.3]
        let analytic = objective.gradient(theta)
        for i in 0..<5 {
            let h = 1e-6 * max(1, abs(theta[i]))
            var plus = theta, minus = theta
            plus[i] += h
            minus[i] -= h
            let numeric = (objective.value(plus) - objective.value(minus)) / (2 * h)
            #expect(abs(numeric - analytic[i]) <= 1e-5 * max(1, abs(numeric)), "component \(i)")
        }
    }

    /// Huge shapes do not overflow: the density is computed in logs and the likelihood stays finite where
    /// the data have mass.
    @Test func extremeShapesStayFinite() {
        let mixture = WeibullMixture(weight: 0.5, shape1: 20_000, scale1: 0.9, shape2: 0.02, scale2: 0.5)
        let nll = mixture.negativeLogLikelihood([0.2, 0.5, 0.9, 0.95])
        #expect(nll.isFinite)
        #expect(!mixture.posteriorOfFirst(0.95).isNaN)
        #expect(WeibullMixture.mean(shape: 0.01, scale: 1) > 1e150)
    }

    @Test func orderingPutsTheLargerMeanFirst() {
        let mixture = WeibullMixture(weight: 0.3, shape1: 2, scale1: 0.2, shape2: 5, scale2: 0.8)
        let (ordered, swapped) = mixture.ordered()
        #expect(swapped)
        #expect(ordered.weight == 1 - 0.3)
        #expect(ordered.shape1 == 5 && ordered.scale1 == 0.8)
        #expect(mixture.ordered().mixture == ordered)
    }
}

/// Evaluates the mixture NLL and its gradient through the public fitter's objective.
struct MixtureLikelihoodProbe {
    var xs: [Double]

    func value(_ theta: [Double]) -> Double {
        WeibullMixture(parameters: theta)!.negativeLogLikelihood(xs)
    }

    func gradient(_ theta: [Double]) -> [Double] {
        WeibullMixture(parameters: theta)!.negativeLogLikelihoodGradient(xs)
    }
}
