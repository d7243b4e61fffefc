import Foundation

/// The paper's protocol for accuracy and calibration versus the number of samples K (spec/rpc.md).
///
/// For each seed s, the pool positions `0..<m` are shuffled as CPython's `random.seed(s);
/// random.shuffle(idx)` does, and the first K positions, in that order, select the paths of EVERY problem.
/// Each method selects on each problem's K paths; the seed's metrics are taken over problems; results are
/// summarised as mean ± population standard deviation over seeds (accuracy in %, ECE × 100).
///
/// The (method, K, seed) cells are independent and run on all cores; each cell is computed in a fixed
/// order, so results do not depend on scheduling.
public struct EvaluationProtocol: Sendable, Hashable {
    /// The K grid of a run with `samples` paths per problem: powers of two below `samples`, then `samples`
    /// (16 → 1, 2, 4, 8, 16; 12 → 1, 2, 4, 8, 12). The one grid of `quorum run`'s evaluation and of reports.
    public static func ks(samples: Int) -> [Int] {
        var ks: [Int] = []
        var k = 1
        while k < samples {
            ks.append(k)
            k *= 2
        }
        return ks + [samples]
    }

    /// The grid of K values.
    public var ks: [Int]
    /// The seeds, by default 0..<10.
    public var seeds: [Int]
    /// Whether cells run concurrently (the results are the same either way).
    public var concurrent: Bool

    public init(ks: [Int], seeds: [Int] = Array(0..<10), concurrent: Bool = true) {
        self.ks = ks
        self.seeds = seeds
        self.concurrent = concurrent
    }

    /// Evaluates each method on `pool`, deciding answer equality with `equivalence`.
    public func run(
        _ pool: PathPool, methods: [any Aggregator], equivalence: any AnswerEquivalence
    ) throws(EvalError) -> EvaluationResult {
        guard !pool.problems.isEmpty else { throw .noProblems(source: pool.source) }
        // Equality is decided once per problem over the whole pool, as the reference's cache does.
        let tables = pool.problems.map {
            AnswerTable(answers: $0.paths.map(\.answer), gold: $0.gold, equivalence: equivalence)
        }
        return try run(pool, methods: methods, tables: tables)
    }

    /// Evaluates each method on `pool` with answer equality and correctness already decided per problem:
    /// `tables[i]` is the table of problem i's whole pool (e.g. code, where each problem has its own
    /// execution-based equality and correctness is passing the tests).
    public func run(
        _ pool: PathPool, methods: [any Aggregator], tables: [AnswerTable]
    ) throws(EvalError) -> EvaluationResult {
        guard !pool.problems.isEmpty else { throw .noProblems(source: pool.source) }
        precondition(tables.count == pool.problems.count, "one answer table per problem")
        let m = pool.size
        for k in ks where k < 1 || k > m { throw .invalidK(k: k, poolSize: m) }
        let permutations = seeds.map { CPythonRandom.permutation(count: m, seed: $0) }
        // One cell per (method, K, seed), in that nesting order.
        let cellCount = methods.count * ks.count * seeds.count
        let cells = CellResults(count: cellCount)
        let runCell: @Sendable (Int) -> Void = { cell in
            let method = methods[cell / (self.ks.count * self.seeds.count)]
            let k = self.ks[(cell / self.seeds.count) % self.ks.count]
            let seedIndex = cell % self.seeds.count
            do throws(EvalError) {
                let selections = try self.select(
                    pool, tables: tables, positions: Array(permutations[seedIndex].prefix(k)), method: method)
                cells.store(.success(CalibrationMetrics.measure(selections)), at: cell)
            } catch {
                cells.store(.failure(error), at: cell)
            }
        }
        if concurrent {
            DispatchQueue.concurrentPerform(iterations: cellCount, execute: runCell)
        } else {
            for cell in 0..<cellCount { runCell(cell) }
        }
        let results = cells.results
        var curves: [MethodCurve] = []
        for (methodIndex, method) in methods.enumerated() {
            var points: [KPoint] = []
            for (kIndex, k) in ks.enumerated() {
                var perSeed: [SeedMetrics] = []
                for (seedIndex, seed) in seeds.enumerated() {
                    switch results[(methodIndex * ks.count + kIndex) * seeds.count + seedIndex] {
                    case .success(let metrics): perSeed.append(SeedMetrics(seed: seed, metrics: metrics))
                    case .failure(let error): throw error
                    case nil: preconditionFailure("cell not computed")
                    }
                }
                points.append(KPoint(k: k, perSeed: perSeed))
            }
            curves.append(MethodCurve(method: method.name, points: points))
        }
        return EvaluationResult(
            source: pool.source, poolSize: m, problems: pool.problems.count, skipped: pool.skipped,
            warnings: pool.warnings.map(\.description), methods: curves)
    }

    /// One method's selections for every problem on the paths at `positions` (pool positions, in order).
    public func select(
        _ pool: PathPool, tables: [AnswerTable], positions: [Int], method: any Aggregator
    ) throws(EvalError) -> [Selection] {
        var selections: [Selection] = []
        selections.reserveCapacity(pool.problems.count)
        for (problem, table) in zip(pool.problems, tables) {
            let subset = ProblemPaths(
                problem: problem.problem, gold: problem.gold, paths: positions.map { problem.paths[$0] })
            do {
                selections.append(try method.select(subset, answers: table))
            } catch {
                throw .methodFailed(method: method.name, error)
            }
        }
        return selections
    }
}

/// The outcome of an evaluation.
public struct EvaluationResult: Sendable, Hashable, Codable {
    /// Where the paths came from.
    public var source: String
    /// Paths per problem in the pool (m).
    public var poolSize: Int
    /// Problems evaluated.
    public var problems: Int
    /// Problems left out, with why.
    public var skipped: [SkippedProblem]
    /// Input lines reported and ignored.
    public var warnings: [String]
    /// One accuracy/calibration curve per method, in the order asked.
    public var methods: [MethodCurve]

    /// The curve of the method named `name`.
    public func curve(_ name: String) -> MethodCurve? { methods.first { $0.method == name } }
}

/// One method's results at every K of the grid: the accuracy-versus-K curve with calibration.
public struct MethodCurve: Sendable, Hashable, Codable {
    /// The method's short name.
    public var method: String
    /// One point per K, in grid order.
    public var points: [KPoint]

    /// The point at `k`.
    public func point(_ k: Int) -> KPoint? { points.first { $0.k == k } }
}

/// One method at one K: per-seed metrics and their summary.
public struct KPoint: Sendable, Hashable, Codable {
    public var k: Int
    public var perSeed: [SeedMetrics]

    /// Mean ± population standard deviation over seeds.
    public var summary: Summary { Summary(perSeed.map(\.metrics)) }
}

/// One seed's metrics.
public struct SeedMetrics: Sendable, Hashable, Codable {
    public var seed: Int
    public var metrics: CalibrationMetrics
}

/// Metrics summarised over seeds as the paper prints them: accuracy in %, ECE × 100 (mean and standard
/// deviation of the fractions, then × 100), population standard deviation (ddof 0).
public struct Summary: Sendable, Hashable, Codable {
    public var accuracyMean: Double
    public var accuracyStd: Double
    public var eceMean: Double
    public var eceStd: Double
    public var brierMean: Double
    public var nllMean: Double
    /// Mean AUROC over the seeds where it is defined; `nil` when it is defined for none.
    public var aurocMean: Double?

    public init(_ seeds: [CalibrationMetrics]) {
        (accuracyMean, accuracyStd) = Self.meanAndStd(seeds.map(\.accuracy))
        let (ece, eceSpread) = Self.meanAndStd(seeds.map(\.ece))
        eceMean = ece * 100
        eceStd = eceSpread * 100
        brierMean = PairwiseSum.mean(seeds.map(\.brier))
        nllMean = PairwiseSum.mean(seeds.map(\.nll))
        let aurocs = seeds.compactMap(\.auroc)
        aurocMean = aurocs.isEmpty ? nil : PairwiseSum.mean(aurocs)
    }

    /// numpy's `mean` and `std` (ddof 0).
    static func meanAndStd(_ values: [Double]) -> (Double, Double) {
        let mean = PairwiseSum.mean(values)
        let variance = PairwiseSum.mean(values.map { ($0 - mean) * ($0 - mean) })
        return (mean, variance.squareRoot())
    }

    enum CodingKeys: String, CodingKey {
        case accuracyMean = "accuracy_mean", accuracyStd = "accuracy_std", eceMean = "ece_mean"
        case eceStd = "ece_std", brierMean = "brier_mean", nllMean = "nll_mean", aurocMean = "auroc_mean"
    }
}

/// The metrics of every cell, written from concurrent workers.
private final class CellResults: @unchecked Sendable {
    private var storage: [Result<CalibrationMetrics, EvalError>?]
    private let lock = NSLock()

    init(count: Int) {
        storage = Array(repeating: nil, count: count)
    }

    func store(_ result: Result<CalibrationMetrics, EvalError>, at index: Int) {
        lock.lock()
        storage[index] = result
        lock.unlock()
    }

    var results: [Result<CalibrationMetrics, EvalError>?] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
