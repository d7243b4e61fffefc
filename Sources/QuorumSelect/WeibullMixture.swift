import Foundation

/// A two-component Weibull mixture `w·f(x; k1, λ1) + (1 − w)·f(x; k2, λ2)` over path probabilities,
/// with `f(x; k, λ) = (k/λ)(x/λ)^(k−1) exp(−(x/λ)^k)` (RPC's reasoning-pruning model, spec/rpc.md).
///
/// Densities are evaluated in logs, `log f = log k − log λ + (k − 1)·u − e^(k·u)` with `u = log(x/λ)`,
/// so that shapes in the thousands (common in fitted mixtures) neither underflow nor overflow before the
/// mixture is formed; a density that is truly below the smallest double is `−infinity` in logs.
public struct WeibullMixture: Sendable, Hashable, Codable {
    /// Weight of component 1, `w`.
    public var weight: Double
    /// Shape `k1` of component 1.
    public var shape1: Double
    /// Scale `λ1` of component 1.
    public var scale1: Double
    /// Shape `k2` of component 2.
    public var shape2: Double
    /// Scale `λ2` of component 2.
    public var scale2: Double

    public init(weight: Double, shape1: Double, scale1: Double, shape2: Double, scale2: Double) {
        self.weight = weight
        self.shape1 = shape1
        self.scale1 = scale1
        self.shape2 = shape2
        self.scale2 = scale2
    }

    /// The mixture with parameters in the reference's order `(w, k1, λ1, k2, λ2)`; `nil` unless 5 values.
    public init?(parameters: [Double]) {
        guard parameters.count == 5 else { return nil }
        self.init(
            weight: parameters[0], shape1: parameters[1], scale1: parameters[2], shape2: parameters[3],
            scale2: parameters[4])
    }

    /// The parameters in the reference's order `(w, k1, λ1, k2, λ2)`.
    public var parameters: [Double] { [weight, shape1, scale1, shape2, scale2] }

    /// The reference's start point `(0.5, 1, 1, 1.5, 2)`.
    public static let referenceStart = WeibullMixture(
        weight: 0.5, shape1: 1, scale1: 1, shape2: 1.5, scale2: 2)

    /// `log f(x; k, λ)` for `x > 0`; `−infinity` when the density is below the smallest double.
    public static func logDensity(_ x: Double, shape k: Double, scale lambda: Double) -> Double {
        logDensity(logX: log(x), shape: k, scale: lambda)
    }

    static func logDensity(logX: Double, shape k: Double, scale lambda: Double) -> Double {
        let logLambda = log(lambda)
        let u = logX - logLambda
        return log(k) - logLambda + (k - 1) * u - exp(k * u)
    }

    /// The mean `λ·Γ(1 + 1/k)` of a Weibull distribution (`Γ` in logs when it overflows).
    public static func mean(shape k: Double, scale lambda: Double) -> Double {
        let gamma = tgamma(1 + 1 / k)
        if gamma.isFinite { return lambda * gamma }
        return exp(log(lambda) + lgamma(1 + 1 / k))
    }

    /// The same mixture with its components ordered so that component 1 has the larger mean (the "high"
    /// component); swapping replaces `w` by `1 − w`, as the reference does in floating point.
    public func ordered() -> (mixture: WeibullMixture, swapped: Bool) {
        let mean1 = Self.mean(shape: shape1, scale: scale1)
        let mean2 = Self.mean(shape: shape2, scale: scale2)
        guard mean1 < mean2 else { return (self, false) }
        return (
            WeibullMixture(weight: 1 - weight, shape1: shape2, scale1: scale2, shape2: shape1, scale2: scale1),
            true
        )
    }

    /// The posterior probability that `x` comes from component 1, `w f1 / (w f1 + (1 − w) f2)`; NaN when
    /// both weighted densities are 0 (the reference's 0/0, which keeps the path).
    public func posteriorOfFirst(_ x: Double) -> Double {
        let logX = log(x)
        let a = log(weight) + Self.logDensity(logX: logX, shape: shape1, scale: scale1)
        let b = log(1 - weight) + Self.logDensity(logX: logX, shape: shape2, scale: scale2)
        if a == -.infinity && b == -.infinity { return .nan }
        if a.isNaN || b.isNaN { return .nan }
        // 1 / (1 + e^(b − a)), written to avoid inf − inf.
        if a == .infinity { return b == .infinity ? .nan : 1 }
        if b == .infinity { return 0 }
        return 1 / (1 + exp(b - a))
    }

    /// The negative log-likelihood `−Σ log(w f1(x) + (1 − w) f2(x))` of positive `xs`.
    public func negativeLogLikelihood(_ xs: [Double]) -> Double {
        let objective = MixtureLikelihood(xs: xs)
        var gradient = [Double](repeating: 0, count: 5)
        return objective.evaluate(parameters, gradient: &gradient)
    }

    /// The gradient of ``negativeLogLikelihood(_:)`` with respect to `(w, k1, λ1, k2, λ2)` (analytic).
    public func negativeLogLikelihoodGradient(_ xs: [Double]) -> [Double] {
        let objective = MixtureLikelihood(xs: xs)
        var gradient = [Double](repeating: 0, count: 5)
        _ = objective.evaluate(parameters, gradient: &gradient)
        return gradient
    }
}

/// The mixture's negative log-likelihood and its analytic gradient over fixed data, in logs.
///
/// With `z = x/λ`, `∂log f/∂k = 1/k + log z − z^k log z` and `∂log f/∂λ = (k/λ)(z^k − 1)`; with the
/// responsibilities `r_c = w_c f_c / mix`, `∂NLL/∂w = −Σ (r1/w − r2/(1 − w))` and
/// `∂NLL/∂θ_c = −Σ r_c ∂log f_c/∂θ_c`. A component whose responsibility is exactly 0 adds nothing (its
/// log-derivative may be infinite there). Returns +infinity where some `x` has zero density under both
/// components, so that line searches step back.
struct MixtureLikelihood {
    let logXs: [Double]

    init(xs: [Double]) {
        logXs = xs.map { log($0) }
    }

    func evaluate(_ theta: [Double], gradient g: inout [Double]) -> Double {
        let w = theta[0], k1 = theta[1], lambda1 = theta[2], k2 = theta[3], lambda2 = theta[4]
        let logW1 = log(w), logW2 = log(1 - w)
        let logK1 = log(k1), logK2 = log(k2)
        let logLambda1 = log(lambda1), logLambda2 = log(lambda2)
        let kOverLambda1 = k1 / lambda1, kOverLambda2 = k2 / lambda2
        let inverseK1 = 1 / k1, inverseK2 = 1 / k2
        let inverseW1 = 1 / w, inverseW2 = 1 / (1 - w)
        var nll = 0.0
        var gw = 0.0, gk1 = 0.0, gl1 = 0.0, gk2 = 0.0, gl2 = 0.0
        // Σ log(1 + t) is taken as the log of a running product (one log per 700 points instead of one per
        // point: the product of factors in (1, 2] is renormalised long before it could overflow).
        var product = 1.0
        var logProducts = 0.0
        var sinceLog = 0
        for logX in logXs {
            let u1 = logX - logLambda1
            let e1 = exp(k1 * u1)
            let a = logW1 + logK1 - logLambda1 + (k1 - 1) * u1 - e1
            let u2 = logX - logLambda2
            let e2 = exp(k2 * u2)
            let b = logW2 + logK2 - logLambda2 + (k2 - 1) * u2 - e2
            guard a.isFinite || b.isFinite else { return .infinity }
            // log(e^a + e^b) = max + log(1 + t) with t = e^(−|a − b|); responsibilities r1, r2.
            let r1: Double, r2: Double, t: Double
            if a >= b {
                t = exp(b - a)
                nll -= a
                r1 = 1 / (1 + t)
                r2 = t * r1
            } else {
                t = exp(a - b)
                nll -= b
                r2 = 1 / (1 + t)
                r1 = t * r2
            }
            product *= 1 + t
            sinceLog += 1
            if sinceLog == 700 {
                logProducts += log(product)
                product = 1
                sinceLog = 0
            }
            gw -= r1 * inverseW1 - r2 * inverseW2
            if r1 > 0 {
                gk1 -= r1 * (inverseK1 + u1 * (1 - e1))
                gl1 -= r1 * kOverLambda1 * (e1 - 1)
            }
            if r2 > 0 {
                gk2 -= r2 * (inverseK2 + u2 * (1 - e2))
                gl2 -= r2 * kOverLambda2 * (e2 - 1)
            }
        }
        nll -= logProducts + log(product)
        g[0] = gw
        g[1] = gk1
        g[2] = gl1
        g[3] = gk2
        g[4] = gl2
        return nll
    }
}
