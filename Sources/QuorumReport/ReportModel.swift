import QuorumEval
import QuorumRunFolder

/// A report: one or more runs side by side. Encoded as report.json (docs/report.md documents the schema);
/// HTML and Markdown are rendered from it.
public struct Report: Sendable, Hashable, Codable {
    /// Version of report.json's layout; 1.
    public var schemaVersion = 1
    /// The tool that made it, e.g. `quorum 0.1.0-dev`.
    public var tool: String
    /// When it was made, ISO 8601.
    public var created: String
    /// The runs, in the order given.
    public var runs: [RunReport]
}

/// Everything reported about one run.
public struct RunReport: Sendable, Hashable, Codable {
    /// Short name (the run folder's last component) and the folder as given.
    public var name: String
    public var folder: String
    /// The facts of run.json.
    public var manifest: RunManifest
    /// Paths per problem in the evaluated pool (m), problems evaluated, the K grid and the seeds.
    public var poolSize: Int
    public var problemsEvaluated: Int
    public var ks: [Int]
    public var seeds: [Int]
    /// Problems left out of evaluation, with why; paths-file lines reported and ignored.
    public var skipped: [SkippedProblem]
    public var warnings: [String]
    /// Notes from reading the run (e.g. questions not found).
    public var notes: [String]
    /// Per method (PPL, SC, PC, RPC): the metrics at each K, exactly as QuorumEval's protocol gives them.
    public var methods: [MethodMetrics]
    /// What the run's paths cost, summed over every path of paths.jsonl.
    public var cost: CostSummary
    /// Expected cost of K paths per problem against accuracy, per method and K.
    public var costVsAccuracy: [CostPoint]
    /// Per method: reliability bins and the confidence histogram of its selections on all m paths.
    public var calibration: [MethodCalibration]
    /// RPC's pruning on one problem, for the diagnostics plot.
    public var rpcDiagnostics: RPCDiagnostics?
    /// Per-problem drill-down, in task order.
    public var problems: [ProblemReport]
}

/// One method's metrics at every K.
public struct MethodMetrics: Sendable, Hashable, Codable {
    /// The method's short name (`ppl`, `sc`, `pc`, `rpc`).
    public var method: String
    /// One entry per K of the grid, in order.
    public var points: [KMetrics]
}

/// One method at one K: QuorumEval's ``Summary`` (accuracy in %, ECE × 100, means over seeds) and the
/// per-seed values it summarises.
public struct KMetrics: Sendable, Hashable, Codable {
    /// Paths per problem drawn.
    public var k: Int
    /// Mean ± population std over seeds, as QuorumEval summarises them.
    public var summary: Summary
    /// Each seed's metrics.
    public var perSeed: [SeedMetrics]
}

/// Cost of a run's paths.
public struct CostSummary: Sendable, Hashable, Codable {
    /// Paths counted, and how many carried a cost record.
    public var paths: Int
    public var pathsWithCost: Int
    public var promptTokens: Int
    public var generatedTokens: Int
    public var flops: Double
    /// Wall-clock seconds summed over paths (paths sampled concurrently overlap).
    public var seconds: Double
    /// Generated tokens per second of summed path time; `nil` when no time was recorded.
    public var tokensPerSecond: Double?
    /// Means per path.
    public var meanGeneratedTokens: Double
    public var meanFlops: Double
    public var meanSeconds: Double
}

/// Expected cost of K paths per problem (K × the run's mean per path) and the accuracy reached.
public struct CostPoint: Sendable, Hashable, Codable {
    public var method: String
    public var k: Int
    public var generatedTokensPerProblem: Double
    public var flopsPerProblem: Double
    public var secondsPerProblem: Double
    public var accuracyMean: Double
    public var accuracyStd: Double
}

/// Calibration of one method's selections on all m paths (sampling order: the selections of selections.jsonl).
public struct MethodCalibration: Sendable, Hashable, Codable {
    public var method: String
    /// K = m.
    public var k: Int
    /// QuorumEval's metrics of these selections (ECE as a fraction).
    public var metrics: CalibrationMetrics
    /// QuorumEval's 10 reliability bins (their weighted gaps give ``metrics``' ECE).
    public var bins: [ReliabilityBin]
    /// Top confidences of the problems, in problem order (the confidence histogram's data).
    public var confidences: [Double]
}

/// RPC's pruning of one problem's m paths (sampling order).
public struct RPCDiagnostics: Sendable, Hashable, Codable {
    public var problem: String
    /// Path probabilities exp(mean log-probability), in sampling order.
    public var probabilities: [Double]
    /// The path index of each probability.
    public var indices: [Int]
    /// Indices of the pruned paths.
    public var pruned: [Int]
    /// The pruning cut (mean probability): only paths below it may be pruned.
    public var cut: Double?
    /// The fitted mixture with its high-mean component first, when a fit was made.
    public var mixture: WeibullMixture?
    /// RPC's diagnostics as the selection carries them (fitted and ordered parameters, NLL, iterations …).
    public var diagnostics: [String: Double]
    /// Why this problem was chosen.
    public var chosenBecause: String
}

/// One problem of the drill-down.
public struct ProblemReport: Sendable, Hashable, Codable {
    public var id: String
    /// The question, when the task file was found.
    public var question: String?
    public var gold: String?
    /// Each method's choice on all m paths.
    public var choices: [MethodChoice]
    /// Answer clusters (SC's clusters, in its order) with votes and probability mass.
    public var clusters: [AnswerCluster]
    /// The paths, by index.
    public var paths: [PathRecord]
}

/// One method's selection on a problem's m paths.
public struct MethodChoice: Sendable, Hashable, Codable {
    /// The method's short name.
    public var method: String
    /// The selected answer (`""` when no answer was extracted).
    public var answer: String
    /// The selected answer's confidence.
    public var confidence: Double
    /// Credit against the gold (fractional for ties).
    public var correct: Double?
}

/// One cluster of equal answers among a problem's paths.
public struct AnswerCluster: Sendable, Hashable, Codable {
    /// The cluster's representative answer.
    public var answer: String
    /// Its paths, by index.
    public var paths: [Int]
    /// Paths in the cluster.
    public var votes: Int
    /// Σ path probability of its paths, and that sum's share of the problem's total.
    public var probabilityMass: Double
    public var probabilityShare: Double
    /// Whether the answer equals the gold.
    public var correct: Bool?
}

/// One sampled path in the drill-down.
public struct PathRecord: Sendable, Hashable, Codable {
    /// The path's index within its problem.
    public var index: Int
    /// The extracted answer.
    public var answer: String
    /// Mean per-token log-probability, and the path probability `exp` of it.
    public var meanLogprob: Double
    public var probability: Double
    /// Tokens generated, when known.
    public var generatedTokens: Int?
    /// Why generation ended (`stop`, `length`, `aborted`), when known.
    public var finish: String?
    /// Whether RPC pruned it (on all m paths).
    public var prunedByRPC: Bool
    /// The completion text.
    public var text: String
}
