import Foundation

/// Minimises a smooth function subject to bounds `lower ≤ x ≤ upper` with the limited-memory BFGS method
/// for bound-constrained problems (L-BFGS-B).
///
/// Written by hand (no allowed package offers a bounded quasi-Newton method) from the published algorithm:
/// R. Byrd, P. Lu, J. Nocedal, C. Zhu, "A limited memory algorithm for bound constrained optimization",
/// SIAM J. Sci. Comput. 16(5), 1995; C. Zhu et al., "Algorithm 778", ACM TOMS 23(4), 1997; J. Morales,
/// J. Nocedal, "Remark on Algorithm 778", ACM TOMS 38(1), 2011. Each iteration
/// 1. forms the quasi-Newton matrix `B = θI` updated by the last `m` pairs `(s, y)` (for the few variables
///    this project has, the dense matrix is cheaper and clearer than the compact representation; it is the
///    same matrix),
/// 2. finds the generalised Cauchy point: the first local minimiser of the quadratic model along the
///    projected steepest-descent path `P(x − t g)`, segment by segment between breakpoints,
/// 3. minimises the model over the variables that are free at the Cauchy point (the others fixed at their
///    bounds), then projects that point onto the box if that still descends, else truncates the step at the
///    first bound (the 2011 remark),
/// 4. searches along `d = x̄ − x` with the Moré–Thuente line search (`ftol 1e-3`, `gtol 0.9`, `xtol 0.1`;
///    first iteration starts at `min(1/‖d‖, 1)`, later ones at 1 and never beyond the box),
/// 5. stops when the projected gradient's largest component is ≤ `gtol`, or the relative reduction
///    `(f_old − f)/max(|f_old|, |f|, 1)` is ≤ `ftol`, or a limit is reached; otherwise stores the pair
///    unless `sᵀy ≤ ε·(−gᵀs)` and sets `θ = yᵀy / sᵀy`.
/// A line search that fails discards the memory and retries from the same point; failing with an empty
/// memory ends the run. The defaults are scipy's (`m = 10`, `ftol = 2.22e-9`, `gtol = 1e-5`, 15000
/// iterations and evaluations, 20 evaluations per line search), which the RPC reference used.
public struct BoundedLBFGS: Sendable {
    /// Settings of a run; the defaults are scipy's `minimize(method="L-BFGS-B")` defaults.
    public struct Options: Sendable, Hashable {
        /// Number of correction pairs kept (`maxcor`).
        public var memory = 10
        /// Relative reduction of f that counts as convergence (`ftol`, i.e. `factr · ε`).
        public var relativeReduction = 2.220446049250313e-09
        /// Largest projected-gradient component that counts as convergence (`gtol`/`pgtol`).
        public var projectedGradient = 1e-5
        /// Iteration limit (`maxiter`).
        public var maxIterations = 15000
        /// Evaluation limit (`maxfun`).
        public var maxEvaluations = 15000
        /// Evaluations allowed per line search before it counts as failed.
        public var maxLineSearchEvaluations = 20

        public init() {}
    }

    /// Why a run stopped.
    public enum Termination: String, Sendable, Hashable, Codable {
        /// The largest projected-gradient component fell to `projectedGradient` or below.
        case projectedGradient
        /// The relative reduction of f fell to `relativeReduction` or below.
        case relativeReduction
        /// `maxIterations` iterations were made.
        case maxIterations
        /// More than `maxEvaluations` evaluations were made.
        case maxEvaluations
        /// The line search failed with an empty memory.
        case lineSearchFailure
        /// The objective is not finite at the start point.
        case nonFiniteStart

        /// Whether the run met a convergence test (the result is used either way).
        public var converged: Bool { self == .projectedGradient || self == .relativeReduction }
    }

    /// The outcome of a run.
    public struct Result: Sendable, Hashable {
        /// The last accepted point.
        public var x: [Double]
        /// The objective there.
        public var value: Double
        /// The gradient there.
        public var gradient: [Double]
        /// Iterations made (accepted steps).
        public var iterations: Int
        /// Objective evaluations made, the start point included.
        public var evaluations: Int
        public var termination: Termination
    }

    /// Lower bounds (`-infinity` for none).
    public var lower: [Double]
    /// Upper bounds (`+infinity` for none).
    public var upper: [Double]
    public var options: Options

    public init(lower: [Double], upper: [Double], options: Options = Options()) {
        precondition(lower.count == upper.count, "one lower and one upper bound per variable")
        self.lower = lower
        self.upper = upper
        self.options = options
    }

    /// Minimises `objective` from `start` (projected onto the box first). The objective returns f and
    /// writes the gradient into its second argument; +infinity or NaN marks a point the search must avoid.
    public func minimize(
        from start: [Double], _ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
    ) -> Result {
        let n = lower.count
        precondition(start.count == n, "start point has the wrong dimension")
        var x = project(start)
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var evaluations = 1
        guard f.isFinite, g.allSatisfy(\.isFinite) else {
            return Result(x: x, value: f, gradient: g, iterations: 0, evaluations: 1, termination: .nonFiniteStart)
        }
        if projectedGradientNorm(x, g) <= options.projectedGradient {
            return Result(x: x, value: f, gradient: g, iterations: 0, evaluations: 1, termination: .projectedGradient)
        }
        var memoryS: [[Double]] = []
        var memoryY: [[Double]] = []
        var theta = 1.0
        var iterations = 0
        // Both bounds on every variable ("boxed") changes the first trial step.
        let boxed = (0..<n).allSatisfy { lower[$0].isFinite && upper[$0].isFinite }
        let lineSearch = MoreThuenteLineSearch()
        var trialG = [Double](repeating: 0, count: n)
        var trialX = x

        while true {
            let b = quasiNewtonMatrix(theta: theta, s: memoryS, y: memoryY)
            let cauchy = cauchyPoint(x: x, g: g, b: b)
            let target = subspaceMinimum(x: x, g: g, b: b, cauchy: cauchy)
            let d = (0..<n).map { target[$0] - x[$0] }
            let slope0 = dot(g, d)
            let norm = dot(d, d).squareRoot()
            var maxStep = iterations == 0 ? 1.0 : maximumFeasibleStep(x: x, d: d)
            if !maxStep.isFinite { maxStep = 1e10 }
            let initialStep = (iterations == 0 && !boxed) ? min(1 / norm, maxStep) : 1.0
            var trialF = f
            let search: (outcome: MoreThuenteLineSearch.Outcome, step: Double, evaluations: Int)
            if slope0 < 0 && norm > 0 && maxStep > 0 && initialStep > 0 {
                search = lineSearch.search(
                    f0: f, slope0: slope0, initialStep: min(initialStep, maxStep), maximumStep: maxStep,
                    maxEvaluations: options.maxLineSearchEvaluations
                ) { step in
                    if step == 1 {
                        trialX = target
                    } else {
                        for i in 0..<n { trialX[i] = min(max(x[i] + step * d[i], lower[i]), upper[i]) }
                    }
                    trialF = objective(trialX, &trialG)
                    return (trialF, trialF.isFinite ? dot(trialG, d) : .nan)
                }
            } else {
                search = (.invalidStart, 0, 0)
            }
            evaluations += search.evaluations
            guard search.outcome.accepted, trialF.isFinite else {
                if memoryS.isEmpty || evaluations > options.maxEvaluations {
                    return Result(
                        x: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations,
                        termination: memoryS.isEmpty ? .lineSearchFailure : .maxEvaluations)
                }
                memoryS.removeAll()
                memoryY.removeAll()
                theta = 1
                continue
            }
            let s = d.map { search.step * $0 }
            let y = (0..<n).map { trialG[$0] - g[$0] }
            let previousF = f
            x = trialX
            f = trialF
            g = trialG
            iterations += 1
            if iterations >= options.maxIterations {
                return Result(x: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations, termination: .maxIterations)
            }
            if evaluations > options.maxEvaluations {
                return Result(x: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations, termination: .maxEvaluations)
            }
            if projectedGradientNorm(x, g) <= options.projectedGradient {
                return Result(x: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations, termination: .projectedGradient)
            }
            if previousF - f <= options.relativeReduction * max(abs(previousF), abs(f), 1) {
                return Result(x: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations, termination: .relativeReduction)
            }
            // Keep the pair only when the curvature sᵀy is safely positive.
            let sy = dot(s, y)
            if sy > Double.ulpOfOne * -(slope0 * search.step) {
                if memoryS.count == options.memory {
                    memoryS.removeFirst()
                    memoryY.removeFirst()
                }
                memoryS.append(s)
                memoryY.append(y)
                theta = dot(y, y) / sy
            }
        }
    }

    // MARK: - Steps of an iteration

    func project(_ x: [Double]) -> [Double] {
        (0..<x.count).map { min(max(x[$0], lower[$0]), upper[$0]) }
    }

    /// The largest component of the projected gradient `P(x − g) − x`.
    func projectedGradientNorm(_ x: [Double], _ g: [Double]) -> Double {
        var norm = 0.0
        for i in 0..<x.count {
            var component = g[i]
            if component < 0 {
                if upper[i].isFinite { component = max(x[i] - upper[i], component) }
            } else {
                if lower[i].isFinite { component = min(x[i] - lower[i], component) }
            }
            norm = max(norm, abs(component))
        }
        return norm
    }

    /// `B = θI` followed by the BFGS updates with the stored pairs, oldest first: the matrix that the
    /// compact L-BFGS representation stands for. A pair whose `sᵀBs` is not positive is skipped.
    func quasiNewtonMatrix(theta: Double, s: [[Double]], y: [[Double]]) -> Matrix {
        let n = lower.count
        var b = Matrix(size: n)
        for i in 0..<n { b[i, i] = theta }
        for (sk, yk) in zip(s, y) {
            let bs = b * sk
            let sBs = dot(sk, bs)
            let ys = dot(yk, sk)
            guard sBs > 0, ys > 0, sBs.isFinite, ys.isFinite else { continue }
            for i in 0..<n {
                let yi = yk[i] / ys, bi = bs[i] / sBs
                for j in 0..<n {
                    b[i, j] += yi * yk[j] - bi * bs[j]
                }
            }
        }
        return b
    }

    /// The generalised Cauchy point and which variables are free (strictly inside their bounds) there.
    func cauchyPoint(x: [Double], g: [Double], b: Matrix) -> [Double] {
        let n = x.count
        // Breakpoints: the step t at which x_i − t g_i reaches its bound.
        var breakpoint = [Double](repeating: .infinity, count: n)
        var d = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if g[i] < 0 && upper[i].isFinite {
                breakpoint[i] = (x[i] - upper[i]) / g[i]
            } else if g[i] > 0 && lower[i].isFinite {
                breakpoint[i] = (x[i] - lower[i]) / g[i]
            }
            d[i] = breakpoint[i] == 0 ? 0 : -g[i]
        }
        var cauchy = x
        // z = cauchy − x along the path so far.
        var z = [Double](repeating: 0, count: n)
        let order = (0..<n).filter { breakpoint[$0] > 0 && breakpoint[$0].isFinite }
            .sorted { (breakpoint[$0], $0) < (breakpoint[$1], $1) }
        var bd = b * d
        // Model derivatives along the current segment: f' = gᵀd + zᵀBd, f'' = dᵀBd.
        var slope = dot(g, d) + dot(z, bd)
        var curvature = dot(d, bd)
        let curvatureFloor = Double.ulpOfOne * curvature
        var t = 0.0
        var next = 0
        var finalStep = 0.0
        while true {
            if slope >= 0 { finalStep = 0; break }
            let unconstrained = curvature > 0 ? -slope / curvature : Double.infinity
            guard next < order.count else { finalStep = unconstrained; break }
            let variable = order[next]
            let segment = breakpoint[variable] - t
            if unconstrained < segment { finalStep = unconstrained; break }
            // Move to the breakpoint and fix the variable at its bound.
            for i in 0..<n where d[i] != 0 { z[i] += segment * d[i] }
            z[variable] = (d[variable] > 0 ? upper[variable] : lower[variable]) - x[variable]
            d[variable] = 0
            t = breakpoint[variable]
            next += 1
            bd = b * d
            slope = dot(g, d) + dot(z, bd)
            curvature = max(dot(d, bd), curvatureFloor)
        }
        if finalStep.isFinite && finalStep > 0 {
            for i in 0..<n where d[i] != 0 { z[i] += finalStep * d[i] }
        }
        for i in 0..<n { cauchy[i] = min(max(x[i] + z[i], lower[i]), upper[i]) }
        // Variables fixed at a breakpoint sit exactly on their bound.
        for i in 0..<n where breakpoint[i] <= t && breakpoint[i].isFinite && d[i] == 0 && g[i] != 0 {
            cauchy[i] = g[i] > 0 ? lower[i] : upper[i]
        }
        return cauchy
    }

    /// Minimises the quadratic model over the variables free at the Cauchy point, then keeps the result
    /// feasible: projected when that still descends from x, else truncated at the first bound.
    func subspaceMinimum(x: [Double], g: [Double], b: Matrix, cauchy: [Double]) -> [Double] {
        let n = x.count
        let free = (0..<n).filter { cauchy[$0] > lower[$0] && cauchy[$0] < upper[$0] }
        guard !free.isEmpty else { return cauchy }
        // Reduced gradient of the model at the Cauchy point: r = g + B(x^c − x), on the free variables.
        let step = (0..<n).map { cauchy[$0] - x[$0] }
        let bStep = b * step
        let r = free.map { -(g[$0] + bStep[$0]) }
        var reduced = Matrix(size: free.count)
        for (row, i) in free.enumerated() {
            for (column, j) in free.enumerated() { reduced[row, column] = b[i, j] }
        }
        guard let du = Cholesky.solve(reduced, r) else { return cauchy }
        var target = cauchy
        var leftBox = false
        for (k, i) in free.enumerated() {
            target[i] = cauchy[i] + du[k]
            if target[i] <= lower[i] || target[i] >= upper[i] { leftBox = true }
        }
        guard leftBox else { return target }
        let projected = project(target)
        var descent = 0.0
        for i in 0..<n { descent += (projected[i] - x[i]) * g[i] }
        if descent <= 0 { return projected }
        // Truncate: the largest α ≤ 1 with x^c + α·du feasible; the blocking variable lands on its bound.
        var alpha = 1.0
        var blocking = -1
        for (k, i) in free.enumerated() {
            var limit = 1.0
            if du[k] < 0 && lower[i].isFinite {
                let room = lower[i] - cauchy[i]
                limit = room >= 0 ? 0 : (du[k] * alpha < room ? room / du[k] : alpha)
            } else if du[k] > 0 && upper[i].isFinite {
                let room = upper[i] - cauchy[i]
                limit = room <= 0 ? 0 : (du[k] * alpha > room ? room / du[k] : alpha)
            }
            if limit < alpha {
                alpha = limit
                blocking = k
            }
        }
        var truncated = cauchy
        for (k, i) in free.enumerated() {
            truncated[i] = cauchy[i] + alpha * du[k]
        }
        if blocking >= 0 {
            let i = free[blocking]
            truncated[i] = du[blocking] > 0 ? upper[i] : lower[i]
        }
        return project(truncated)
    }

    /// The largest step along d that stays inside the box.
    func maximumFeasibleStep(x: [Double], d: [Double]) -> Double {
        var step = Double.infinity
        for i in 0..<x.count {
            if d[i] < 0 && lower[i].isFinite {
                let room = lower[i] - x[i]
                step = room >= 0 ? 0 : min(step, room / d[i])
            } else if d[i] > 0 && upper[i].isFinite {
                let room = upper[i] - x[i]
                step = room <= 0 ? 0 : min(step, room / d[i])
            }
            if step == 0 { break }
        }
        return step
    }
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var total = 0.0
    for i in 0..<a.count { total += a[i] * b[i] }
    return total
}

/// A small dense square matrix, row major.
struct Matrix {
    let size: Int
    var values: [Double]

    init(size: Int) {
        self.size = size
        values = [Double](repeating: 0, count: size * size)
    }

    subscript(row: Int, column: Int) -> Double {
        get { values[row * size + column] }
        set { values[row * size + column] = newValue }
    }

    static func * (m: Matrix, v: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: m.size)
        for i in 0..<m.size {
            var total = 0.0
            for j in 0..<m.size { total += m.values[i * m.size + j] * v[j] }
            result[i] = total
        }
        return result
    }
}

/// Solves a small symmetric positive-definite system by Cholesky factorisation; `nil` when the matrix is
/// not numerically positive definite.
enum Cholesky {
    static func solve(_ a: Matrix, _ b: [Double]) -> [Double]? {
        let n = b.count
        var l = Matrix(size: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i, j]
                for k in 0..<j { sum -= l[i, k] * l[j, k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i, i] = sum.squareRoot()
                } else {
                    l[i, j] = sum / l[j, j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i, k] * y[k] }
            y[i] = sum / l[i, i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k, i] * x[k] }
            x[i] = sum / l[i, i]
        }
        guard x.allSatisfy(\.isFinite) else { return nil }
        return x
    }
}
