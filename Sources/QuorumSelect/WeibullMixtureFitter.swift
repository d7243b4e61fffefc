/// Fits a ``WeibullMixture`` to path probabilities by maximum likelihood, as RPC's reasoning pruning does.
///
/// spec/rpc.md: start at `(w, k1, λ1, k2, λ2) = (0.5, 1, 1, 1.5, 2)`, bounds `w ∈ [0.2, 0.8]` and
/// `k, λ ≥ 0.01`, bounded L-BFGS with scipy's defaults; the result is used even when not converged. We use
/// the analytic gradient (the reference used finite differences) and evaluate everything in logs. The
/// likelihood is badly identified (weights on a bound, shapes running to 10⁴), so another optimiser lands on
/// other optima for a few percent of inputs; the fit is deterministic for given input.
public struct WeibullMixtureFitter: Sendable, Hashable {
    /// Where the optimiser starts.
    public var start: WeibullMixture = .referenceStart
    /// Bounds of the weight `w`.
    public var weightBounds: ClosedRange<Double> = 0.2...0.8
    /// Lower bound of every shape and scale.
    public var minimumShapeAndScale = 0.01
    /// Optimiser settings.
    public var options = BoundedLBFGS.Options()

    public init() {}

    /// Fits the mixture to `xs`, which must be positive and finite (zeros have no finite log-likelihood).
    public func fit(_ xs: [Double]) -> WeibullMixtureFit {
        let objective = MixtureLikelihood(xs: xs)
        let optimizer = BoundedLBFGS(
            lower: [weightBounds.lowerBound] + [Double](repeating: minimumShapeAndScale, count: 4),
            upper: [weightBounds.upperBound] + [Double](repeating: .infinity, count: 4),
            options: options)
        let result = optimizer.minimize(from: start.parameters) { theta, gradient in
            objective.evaluate(theta, gradient: &gradient)
        }
        return WeibullMixtureFit(
            mixture: WeibullMixture(parameters: result.x)!, negativeLogLikelihood: result.value,
            iterations: result.iterations, evaluations: result.evaluations, termination: result.termination)
    }
}

/// The outcome of fitting a ``WeibullMixture``.
public struct WeibullMixtureFit: Sendable, Hashable {
    /// The fitted parameters as the optimiser left them (components not yet ordered).
    public var mixture: WeibullMixture
    /// The negative log-likelihood at ``mixture``.
    public var negativeLogLikelihood: Double
    /// Optimiser iterations.
    public var iterations: Int
    /// Likelihood evaluations.
    public var evaluations: Int
    /// Why the optimiser stopped.
    public var termination: BoundedLBFGS.Termination

    public init(
        mixture: WeibullMixture, negativeLogLikelihood: Double, iterations: Int, evaluations: Int,
        termination: BoundedLBFGS.Termination
    ) {
        self.mixture = mixture
        self.negativeLogLikelihood = negativeLogLikelihood
        self.iterations = iterations
        self.evaluations = evaluations
        self.termination = termination
    }
}
