/// A line search that finds a step satisfying the strong Wolfe conditions, after Moré and Thuente,
/// "Line search algorithms with guaranteed sufficient decrease", ACM TOMS 20(3), 1994.
///
/// Written by hand from the paper (no allowed package has one). It minimises `φ(α) = f(x + α d)` over
/// `[minimumStep, maximumStep]`: until a point with `ψ(α) = φ(α) − φ(0) − α·ftol·φ'(0) ≤ 0` and `φ'(α) ≥ 0`
/// is seen, steps are chosen on the auxiliary function ψ ("stage 1"), then on φ. Each new trial step comes
/// from cubic or quadratic interpolation of the two best points (four cases of the paper), with
/// extrapolation bounds 1.1–4 × the last step before a minimiser is bracketed and bisection whenever the
/// bracket fails to shrink by a third. L-BFGS-B uses `ftol = 1e-3`, `gtol = 0.9`, `xtol = 0.1`.
struct MoreThuenteLineSearch {
    /// Sufficient-decrease parameter.
    var ftol = 1e-3
    /// Curvature parameter.
    var gtol = 0.9
    /// Relative width below which the bracket is considered too small to continue.
    var xtol = 0.1

    /// How the search ended. Warnings still return the last evaluated step, which L-BFGS-B accepts.
    enum Outcome: Equatable {
        case converged
        case roundingErrors, bracketTooSmall, atMaximumStep, atMinimumStep
        /// The evaluation budget ran out before a Wolfe point was found.
        case tooManyEvaluations
        /// The direction is not a descent direction or the step bounds are unusable.
        case invalidStart
        /// Stepping back from a non-finite value reached the best point without a finite trial.
        case nonFinite

        /// Whether the last evaluated step may be accepted as the next iterate.
        var accepted: Bool {
            switch self {
            case .converged, .roundingErrors, .bracketTooSmall, .atMaximumStep, .atMinimumStep: true
            case .tooManyEvaluations, .invalidStart, .nonFinite: false
            }
        }
    }

    /// Searches from `φ(0) = f0`, `φ'(0) = slope0 < 0`, trying `initialStep` first.
    ///
    /// - Parameter evaluate: computes `(φ(α), φ'(α))` at a trial step; a non-finite value makes the search
    ///   step back towards the best point so far (not part of the paper: the mixture likelihood is +∞ where
    ///   the data have zero density).
    /// - Returns: the outcome, the last evaluated step, and the number of evaluations.
    func search(
        f0: Double, slope0: Double, initialStep: Double, minimumStep: Double = 0, maximumStep: Double,
        maxEvaluations: Int, evaluate: (Double) -> (value: Double, slope: Double)
    ) -> (outcome: Outcome, step: Double, evaluations: Int) {
        guard slope0 < 0, initialStep > minimumStep, initialStep <= maximumStep, maxEvaluations > 0 else {
            return (.invalidStart, 0, 0)
        }
        let decreaseSlope = ftol * slope0
        var stepMax = maximumStep
        var bracketed = false
        var stage1 = true
        var width = stepMax - minimumStep
        var previousWidth = 2 * width
        // Best point so far (x) and the other end of the interval (y).
        var bestStep = 0.0, bestValue = f0, bestSlope = slope0
        var otherStep = 0.0, otherValue = f0, otherSlope = slope0
        var lower = 0.0
        var upper = initialStep + 4 * initialStep
        var step = initialStep
        var evaluations = 0
        while true {
            if evaluations >= maxEvaluations { return (.tooManyEvaluations, step, evaluations) }
            let (value, slope) = evaluate(step)
            evaluations += 1
            if !value.isFinite || !slope.isFinite {
                // Step back halfway towards the best point and never go this far again.
                if step > bestStep {
                    stepMax = min(stepMax, step)
                    upper = min(upper, step)
                } else {
                    lower = max(lower, step)
                }
                let back = bestStep + 0.5 * (step - bestStep)
                if back == bestStep || back == step { return (.nonFinite, step, evaluations) }
                step = back
                continue
            }
            let sufficient = f0 + step * decreaseSlope
            if stage1 && value <= sufficient && slope >= 0 { stage1 = false }
            if bracketed && (step <= lower || step >= upper) { return (.roundingErrors, step, evaluations) }
            if bracketed && upper - lower <= xtol * upper { return (.bracketTooSmall, step, evaluations) }
            if step == stepMax && value <= sufficient && slope <= decreaseSlope {
                return (.atMaximumStep, step, evaluations)
            }
            if step == minimumStep && (value > sufficient || slope >= decreaseSlope) {
                return (.atMinimumStep, step, evaluations)
            }
            if value <= sufficient && abs(slope) <= gtol * -slope0 { return (.converged, step, evaluations) }

            if stage1 && value <= bestValue && value > sufficient {
                // Stage 1 with a higher-than-sufficient value: interpolate the auxiliary function ψ.
                var x = (bestStep, bestValue - bestStep * decreaseSlope, bestSlope - decreaseSlope)
                var y = (otherStep, otherValue - otherStep * decreaseSlope, otherSlope - decreaseSlope)
                step = Self.nextStep(
                    best: &x, other: &y, trial: (step, value - step * decreaseSlope, slope - decreaseSlope),
                    bracketed: &bracketed, lower: lower, upper: upper)
                (bestStep, bestValue, bestSlope) = (x.0, x.1 + x.0 * decreaseSlope, x.2 + decreaseSlope)
                (otherStep, otherValue, otherSlope) = (y.0, y.1 + y.0 * decreaseSlope, y.2 + decreaseSlope)
            } else {
                var x = (bestStep, bestValue, bestSlope)
                var y = (otherStep, otherValue, otherSlope)
                step = Self.nextStep(
                    best: &x, other: &y, trial: (step, value, slope), bracketed: &bracketed, lower: lower,
                    upper: upper)
                (bestStep, bestValue, bestSlope) = x
                (otherStep, otherValue, otherSlope) = y
            }
            if bracketed {
                // Bisect when the interval has not shrunk enough over the last two steps.
                if abs(otherStep - bestStep) >= 0.66 * previousWidth {
                    step = bestStep + 0.5 * (otherStep - bestStep)
                }
                previousWidth = width
                width = abs(otherStep - bestStep)
                lower = min(bestStep, otherStep)
                upper = max(bestStep, otherStep)
            } else {
                lower = step + 1.1 * (step - bestStep)
                upper = step + 4 * (step - bestStep)
            }
            step = min(max(step, minimumStep), stepMax)
            if bracketed && (step <= lower || step >= upper || upper - lower <= xtol * upper) {
                step = bestStep  // no further progress is possible: return to the best point
            }
        }
    }

    /// One safeguarded step of the paper's update: given the best point `x`, the other end `y` and the trial
    /// point `t` as (step, value, slope), returns the next trial step and updates the interval.
    static func nextStep(
        best x: inout (Double, Double, Double), other y: inout (Double, Double, Double),
        trial t: (Double, Double, Double), bracketed: inout Bool, lower: Double, upper: Double
    ) -> Double {
        let (stx, fx, dx) = x
        let (sty, fy, dy) = y
        let (stp, fp, dp) = t
        let signOfSlope = dp * (dx / abs(dx))
        let next: Double
        if fp > fx {
            // Case 1: a higher value. The minimum is bracketed; take the cubic step if it is closer to x
            // than the quadratic one, else the average of the two.
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp < stx { gamma = -gamma }
            let p = (gamma - dx) + theta
            let q = ((gamma - dx) + gamma) + dp
            let cubic = stx + (p / q) * (stp - stx)
            let quadratic = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx)
            next = abs(cubic - stx) < abs(quadratic - stx) ? cubic : cubic + (quadratic - cubic) / 2
            bracketed = true
        } else if signOfSlope < 0 {
            // Case 2: lower value, slopes of opposite sign. Bracketed; take the step farther from t.
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp > stx { gamma = -gamma }
            let p = (gamma - dp) + theta
            let q = ((gamma - dp) + gamma) + dx
            let cubic = stp + (p / q) * (stx - stp)
            let secant = stp + (dp / (dp - dx)) * (stx - stp)
            next = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
            bracketed = true
        } else if abs(dp) < abs(dx) {
            // Case 3: lower value, same sign, the slope decreases in magnitude. The cubic step is used
            // only if it points the right way and its minimum lies beyond t.
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp > stx { gamma = -gamma }
            let p = (gamma - dp) + theta
            let q = (gamma + (dx - dp)) + gamma
            let r = p / q
            let cubic: Double
            if r < 0 && gamma != 0 {
                cubic = stp + r * (stx - stp)
            } else {
                cubic = stp > stx ? upper : lower
            }
            let secant = stp + (dp / (dp - dx)) * (stx - stp)
            if bracketed {
                var candidate = abs(cubic - stp) < abs(secant - stp) ? cubic : secant
                if stp > stx {
                    candidate = min(stp + 0.66 * (sty - stp), candidate)
                } else {
                    candidate = max(stp + 0.66 * (sty - stp), candidate)
                }
                next = candidate
            } else {
                let candidate = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
                next = max(lower, min(upper, candidate))
            }
        } else {
            // Case 4: lower value, same sign, the slope does not decrease. Cubic towards y if bracketed,
            // else as far as allowed.
            if bracketed {
                let theta = 3 * (fp - fy) / (sty - stp) + dy + dp
                let s = max(abs(theta), abs(dy), abs(dp))
                var gamma = s * ((theta / s) * (theta / s) - (dy / s) * (dp / s)).squareRoot()
                if stp > sty { gamma = -gamma }
                let p = (gamma - dp) + theta
                let q = ((gamma - dp) + gamma) + dy
                next = stp + (p / q) * (sty - stp)
            } else {
                next = stp > stx ? upper : lower
            }
        }
        // Update the interval that contains a minimiser.
        if fp > fx {
            y = t
        } else {
            if signOfSlope < 0 { y = x }
            x = t
        }
        return next
    }
}
