import Foundation
import QuorumCore
import QuorumEval
import QuorumSelect

/// `eval.json` and `eval.md`: an evaluation over the K grid and seeds, written by `quorum run` into its folder
/// and by `quorum eval --json`; ``markdown(_:seeds:)`` is the tables of `eval.md`.
public struct EvalReport: Encodable, Sendable {
    public var source: String
    public var poolSize: Int
    public var problems: Int
    public var seeds: [Int]
    public var ks: [Int]
    public var kind: String
    public var equality: String
    public var skipped: [SkippedProblem]
    public var warnings: [String]
    /// methods[method][K]
    public var methods: [String: [String: Point]]
    /// Code runs: pass@k and execution statistics.
    public var code: CodeEvaluation?

    public struct Point: Encodable, Sendable {
        public var summary: Summary
        public var perSeed: [SeedMetrics]

        enum CodingKeys: String, CodingKey {
            case accuracyMean = "accuracy_mean", accuracyStd = "accuracy_std", eceMean = "ece_mean"
            case eceStd = "ece_std", brierMean = "brier_mean", nllMean = "nll_mean", aurocMean = "auroc_mean"
            case perSeed = "per_seed"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(summary.accuracyMean, forKey: .accuracyMean)
            try container.encode(summary.accuracyStd, forKey: .accuracyStd)
            try container.encode(summary.eceMean, forKey: .eceMean)
            try container.encode(summary.eceStd, forKey: .eceStd)
            try container.encode(summary.brierMean, forKey: .brierMean)
            try container.encode(summary.nllMean, forKey: .nllMean)
            try container.encode(summary.aurocMean, forKey: .aurocMean)  // null when undefined
            try container.encode(perSeed.map(SeedRow.init), forKey: .perSeed)
        }
    }

    /// One seed's metrics as written: accuracy in %, ECE as a fraction (as the reference's per-seed data).
    struct SeedRow: Encodable {
        var seed: Int
        var accuracy: Double
        var ece: Double
        var brier: Double
        var nll: Double
        var auroc: Double?

        init(_ row: SeedMetrics) {
            seed = row.seed
            accuracy = row.metrics.accuracy
            ece = row.metrics.ece
            brier = row.metrics.brier
            nll = row.metrics.nll
            auroc = row.metrics.auroc
        }

        enum CodingKeys: String, CodingKey { case seed, accuracy, ece, brier, nll, auroc }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(accuracy, forKey: .accuracy)
            try container.encode(ece, forKey: .ece)
            try container.encode(brier, forKey: .brier)
            try container.encode(nll, forKey: .nll)
            try container.encode(auroc, forKey: .auroc)
        }
    }

    enum CodingKeys: String, CodingKey {
        case source, poolSize = "pool_size", problems, seeds, ks = "k", kind, equality, skipped, warnings, methods, code
    }

    /// The report of `result`.
    public init(result: EvaluationResult, seeds: [Int], ks: [Int], kind: String, equality: String) {
        source = result.source
        poolSize = result.poolSize
        problems = result.problems
        self.seeds = seeds
        self.ks = ks
        self.kind = kind
        self.equality = equality
        skipped = result.skipped
        warnings = result.warnings
        var methods: [String: [String: Point]] = [:]
        for curve in result.methods {
            var points: [String: Point] = [:]
            for point in curve.points {
                points[String(point.k)] = Point(summary: point.summary, perSeed: point.perSeed)
            }
            methods[curve.method] = points
        }
        self.methods = methods
    }

    /// Tables like the paper's: accuracy and ECE per method and K, then Brier, NLL and AUROC at the largest K.
    public static func markdown(_ result: EvaluationResult, seeds: Int) -> String {
        let ks = result.methods.first?.points.map(\.k) ?? []
        var text = "Pool: \(result.source), \(result.problems) problems × \(result.poolSize) paths; "
            + "mean ± population std over \(seeds) seeds.\n\n"
        func table(_ title: String, _ cell: (Summary) -> String) {
            text += "\(title)\n\n| Method | " + ks.map { "K=\($0)" }.joined(separator: " | ") + " |\n"
            text += "|---|" + String(repeating: "---:|", count: ks.count) + "\n"
            for curve in result.methods {
                text += "| \(Self.displayName(curve.method)) | "
                    + curve.points.map { cell($0.summary) }.joined(separator: " | ") + " |\n"
            }
            text += "\n"
        }
        table("Accuracy (%)") { String(format: "%.2f ± %.2f", $0.accuracyMean, $0.accuracyStd) }
        table("ECE (×100)") { String(format: "%.2f ± %.2f", $0.eceMean, $0.eceStd) }
        if let largest = ks.last {
            text += "At K=\(largest)\n\n| Method | Brier | NLL | AUROC |\n|---|---:|---:|---:|\n"
            for curve in result.methods {
                guard let summary = curve.point(largest)?.summary else { continue }
                let auroc = summary.aurocMean.map { String(format: "%.4f", $0) } ?? "–"
                text += "| \(Self.displayName(curve.method)) | " + String(format: "%.4f | %.4f | ", summary.brierMean, summary.nllMean)
                    + auroc + " |\n"
            }
        }
        return text
    }

    /// A method's name as tables show it (``SelectionMethod/displayName``; a name Quorum does not know, as given).
    static func displayName(_ method: String) -> String { SelectionMethod(rawValue: method)?.displayName ?? method.uppercased() }
}
