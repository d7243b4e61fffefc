/// RPC's reasoning pruning: drop low-probability paths that a two-component Weibull mixture attributes to
/// its low component.
///
/// spec/rpc.md: fit the mixture to the K path probabilities, order the components so that component 1 has
/// the larger mean, and prune path t iff `P_high(p_t) < 1 − P_high(p_t)` and `p_t < mean(p)` (a NaN
/// posterior compares false: kept). The mean is numpy's (``PairwiseSum``).
///
/// Guards, each reported by ``PruningOutcome/skipReason``: nothing is pruned for K < 2 or when all
/// probabilities are equal (spec: "K = 1 or all p equal: nothing is pruned"), nor when fewer than two
/// distinct positive probabilities remain to fit. Probabilities of exactly 0 (log-probability −∞) have
/// no finite likelihood, so the mixture is fitted to the positive ones; a zero lies below any positive mean
/// and adds nothing to any score, and it is reported as pruned whenever a fit was made.
public struct ReasoningPruning: Sendable, Hashable {
    /// How the mixture is fitted.
    public var fitter: WeibullMixtureFitter

    public init(fitter: WeibullMixtureFitter = WeibullMixtureFitter()) {
        self.fitter = fitter
    }

    /// Why no fit was made.
    public enum SkipReason: String, Sendable, Hashable {
        case singlePath, allEqual, tooFewPositive
    }

    /// Fits the mixture to `probabilities` and decides which to prune.
    public func prune(_ probabilities: [Double]) -> PruningOutcome {
        let mean = PairwiseSum.mean(probabilities)
        let none = [Bool](repeating: false, count: probabilities.count)
        guard probabilities.count >= 2 else {
            return PruningOutcome(pruned: none, mean: mean, skipReason: .singlePath)
        }
        guard probabilities.contains(where: { $0 != probabilities[0] }) else {
            return PruningOutcome(pruned: none, mean: mean, skipReason: .allEqual)
        }
        let positive = probabilities.filter { $0 > 0 }
        guard positive.contains(where: { $0 != positive[0] }) else {
            return PruningOutcome(pruned: none, mean: mean, skipReason: .tooFewPositive)
        }
        let fit = fitter.fit(positive)
        var outcome = Self.prune(probabilities, mixture: fit.mixture)
        outcome.fit = fit
        return outcome
    }

    /// Decides which of `probabilities` to prune under a given (unordered) mixture, e.g. one the reference
    /// fitted. Deterministic; reproduces the reference's masks given its parameters.
    public static func prune(_ probabilities: [Double], mixture: WeibullMixture) -> PruningOutcome {
        let mean = PairwiseSum.mean(probabilities)
        let (ordered, swapped) = mixture.ordered()
        let pruned = probabilities.map { p -> Bool in
            if p == 0 { return mean > 0 }
            let high = ordered.posteriorOfFirst(p)
            return high < 1 - high && p < mean
        }
        return PruningOutcome(pruned: pruned, mean: mean, ordered: ordered, swapped: swapped)
    }
}

/// Which paths reasoning pruning removed, and why.
public struct PruningOutcome: Sendable, Hashable {
    /// Per position: whether the path was pruned.
    public var pruned: [Bool]
    /// The mean probability: only paths below it can be pruned (the pruning cut).
    public var mean: Double
    /// The fit, when one was made by ``ReasoningPruning/prune(_:)``.
    public var fit: WeibullMixtureFit?
    /// The mixture with its high-mean component first, when a mixture was used.
    public var ordered: WeibullMixture?
    /// Whether ordering swapped the fitted components.
    public var swapped = false
    /// Why no mixture was fitted, if none was.
    public var skipReason: ReasoningPruning.SkipReason?

    public init(
        pruned: [Bool], mean: Double, fit: WeibullMixtureFit? = nil, ordered: WeibullMixture? = nil,
        swapped: Bool = false, skipReason: ReasoningPruning.SkipReason? = nil
    ) {
        self.pruned = pruned
        self.mean = mean
        self.fit = fit
        self.ordered = ordered
        self.swapped = swapped
        self.skipReason = skipReason
    }

    /// Positions of the pruned paths.
    public var prunedPositions: [Int] { pruned.indices.filter { pruned[$0] } }

    /// The outcome as selection diagnostics: fitted and ordered parameters, the cut, fit statistics.
    public var diagnostics: [String: Double] {
        var result: [String: Double] = ["cut": mean, "n_pruned": Double(prunedPositions.count)]
        if let fit {
            let raw = fit.mixture
            result["fit_w"] = raw.weight
            result["fit_k1"] = raw.shape1
            result["fit_lambda1"] = raw.scale1
            result["fit_k2"] = raw.shape2
            result["fit_lambda2"] = raw.scale2
            result["nll"] = fit.negativeLogLikelihood
            result["iterations"] = Double(fit.iterations)
            result["evaluations"] = Double(fit.evaluations)
            result["converged"] = fit.termination.converged ? 1 : 0
        }
        if let ordered {
            result["w_high"] = ordered.weight
            result["k_high"] = ordered.shape1
            result["lambda_high"] = ordered.scale1
            result["k_low"] = ordered.shape2
            result["lambda_low"] = ordered.scale2
            result["mean_high"] = WeibullMixture.mean(shape: ordered.shape1, scale: ordered.scale1)
            result["mean_low"] = WeibullMixture.mean(shape: ordered.shape2, scale: ordered.scale2)
            result["swapped"] = swapped ? 1 : 0
        }
        if skipReason != nil { result["fit_skipped"] = 1 }
        // Selections are JSON, which has no NaN or infinity: a non-finite value is left out.
        return result.filter { $0.value.isFinite }
    }
}
