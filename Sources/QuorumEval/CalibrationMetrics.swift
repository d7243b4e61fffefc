import Foundation

/// Accuracy and calibration of one seed's selections over a set of problems (spec/rpc.md "Metrics").
public struct CalibrationMetrics: Sendable, Hashable, Codable {
    /// Accuracy in percent: 100 × the mean per-problem credit (fractional for exact ties).
    public var accuracy: Double
    /// Expected calibration error as a fraction (10 equal-width bins, reference weighting).
    public var ece: Double
    /// Mean squared difference between the top confidence and the top set's correctness.
    public var brier: Double
    /// Mean negative log-likelihood of the top set's correctness under the top confidence, both clipped to
    /// [1e-6, 1 − 1e-6] (nats).
    public var nll: Double
    /// Area under the ROC curve of the top confidence as a predictor of correctness (not in the reference);
    /// `nil` when all problems are right or all wrong.
    public var auroc: Double?

    public init(accuracy: Double, ece: Double, brier: Double, nll: Double, auroc: Double?) {
        self.accuracy = accuracy
        self.ece = ece
        self.brier = brier
        self.nll = nll
        self.auroc = auroc
    }

    /// Number of calibration bins.
    public static let binCount = 10

    /// The metrics of `selections`, which must all carry a gold (``Selection/correct`` and every
    /// candidate's ``Candidate/correct``).
    public static func measure(_ selections: [Selection]) -> CalibrationMetrics {
        var credits: [Double] = []
        var brierTerms: [Double] = []
        var nllTerms: [Double] = []
        var tops: [(confidence: Double, correct: Double)] = []
        credits.reserveCapacity(selections.count)
        for selection in selections {
            credits.append(selection.correct ?? 0)
            let top = TopConfidence(selection.candidates.map(\.confidence))
            var voteAccuracy = 0.0
            for candidate in selection.candidates where top.contributes(candidate.confidence) {
                voteAccuracy += ((candidate.correct ?? false) ? 1.0 : 0.0) / top.count
            }
            brierTerms.append((voteAccuracy - top.maximum) * (voteAccuracy - top.maximum))
            let c = min(max(top.maximum, 1e-6), 1 - 1e-6)
            let v = min(max(voteAccuracy, 1e-6), 1 - 1e-6)
            nllTerms.append(-log(c) * v - log(1 - c) * (1 - v))
            tops.append((top.maximum, voteAccuracy))
        }
        return CalibrationMetrics(
            accuracy: 100 * PairwiseSum.mean(credits),
            ece: ReliabilityBin.expectedCalibrationError(reliability(selections)),
            brier: PairwiseSum.mean(brierTerms),
            nll: PairwiseSum.mean(nllTerms),
            auroc: ROC.area(scores: tops.map(\.confidence), labels: tops.map(\.correct)))
    }

    /// The reliability diagram of `selections`: the ``binCount`` equal-width confidence bins from which ``ece``
    /// is computed, with the same tie weighting (each candidate of the top set adds `1/count` to its bin).
    /// A selection whose top confidence is ≤ 0 or NaN falls in no bin (as in the reference).
    public static func reliability(_ selections: [Selection]) -> [ReliabilityBin] {
        var bins = (0..<binCount).map { bin in
            ReliabilityBin(
                lower: Double(bin) * (1.0 / Double(binCount)),
                upper: bin == binCount - 1 ? 1.0 : Double(bin + 1) * (1.0 / Double(binCount)))
        }
        for selection in selections {
            let top = TopConfidence(selection.candidates.map(\.confidence))
            guard let bin = bin(of: top.maximum) else { continue }
            bins[bin].problems += 1
            for candidate in selection.candidates where top.contributes(candidate.confidence) {
                let correct = (candidate.correct ?? false) ? 1.0 : 0.0
                bins[bin].correctSum += correct / top.count
                bins[bin].confidenceSum += candidate.confidence / top.count
                bins[bin].size += 1 / top.count
            }
        }
        return bins
    }

    /// The bin b with b/10 < c ≤ (b+1)/10 (edges as numpy's `linspace(0, 1, 11)`); `nil` for c ≤ 0 or NaN.
    static func bin(of confidence: Double) -> Int? {
        guard confidence > 0 else { return nil }
        for bin in 0..<binCount {
            let upper = bin == binCount - 1 ? 1.0 : Double(bin + 1) * (1.0 / Double(binCount))
            if confidence <= upper { return bin }
        }
        return binCount - 1  // above 1 (not a probability): the last bin, as a clipped value
    }
}

/// One confidence bin of a reliability diagram (``CalibrationMetrics/reliability(_:)``).
public struct ReliabilityBin: Sendable, Hashable, Codable {
    /// The bin holds top confidences c with `lower < c ≤ upper` (the first bin: `0 < c ≤ upper`).
    public var lower: Double
    /// Upper edge (inclusive).
    public var upper: Double
    /// Problems whose top confidence falls in the bin.
    public var problems: Int = 0
    /// The bin's weight: the problems counted with tie weights (each top-set member adds `1/count`); it is
    /// below ``problems`` only under the reference's near-tie rule (``TopConfidence``).
    public var size: Double = 0
    /// Sum of the weighted correctness of the bin's members.
    public var correctSum: Double = 0
    /// Sum of the weighted confidences of the bin's members.
    public var confidenceSum: Double = 0

    public init(lower: Double, upper: Double, problems: Int = 0, size: Double = 0, correctSum: Double = 0, confidenceSum: Double = 0) {
        self.lower = lower
        self.upper = upper
        self.problems = problems
        self.size = size
        self.correctSum = correctSum
        self.confidenceSum = confidenceSum
    }

    /// Mean correctness of the bin (its accuracy as a fraction); `nil` for an empty bin.
    public var accuracy: Double? { size > 0 ? correctSum / size : nil }
    /// Mean confidence of the bin; `nil` for an empty bin.
    public var confidence: Double? { size > 0 ? confidenceSum / size : nil }

    /// The expected calibration error of `bins`: `Σ size·|accuracy − confidence| / Σ size` over non-empty bins,
    /// 0 when all are empty.
    public static func expectedCalibrationError(_ bins: [ReliabilityBin]) -> Double {
        var weightedGap = 0.0
        var totalSize = 0.0
        for bin in bins where bin.size > 0 {
            weightedGap += bin.size * abs(bin.correctSum / bin.size - bin.confidenceSum / bin.size)
            totalSize += bin.size
        }
        return totalSize > 0 ? weightedGap / totalSize : 0
    }

    enum CodingKeys: String, CodingKey {
        case lower, upper, problems, size, correctSum = "correct_sum", confidenceSum = "confidence_sum", accuracy, confidence
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lower = try c.decode(Double.self, forKey: .lower)
        upper = try c.decode(Double.self, forKey: .upper)
        problems = try c.decode(Int.self, forKey: .problems)
        size = try c.decode(Double.self, forKey: .size)
        correctSum = try c.decode(Double.self, forKey: .correctSum)
        confidenceSum = try c.decode(Double.self, forKey: .confidenceSum)
    }

    /// Encodes the sums and, for convenience, the derived ``accuracy`` and ``confidence`` (absent when empty).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
        try c.encode(problems, forKey: .problems)
        try c.encode(size, forKey: .size)
        try c.encode(correctSum, forKey: .correctSum)
        try c.encode(confidenceSum, forKey: .confidenceSum)
        try c.encodeIfPresent(accuracy, forKey: .accuracy)
        try c.encodeIfPresent(confidence, forKey: .confidence)
    }
}

/// The reference's rule for the top confidence of a candidate list and how many candidates share it.
///
/// Walking the list in order, `maximum` is the running largest confidence; `count` resets to 0 when a
/// larger one appears and then counts every confidence ≥ `maximum − 1e-10`. Candidates contribute when
/// their confidence is ≥ `maximum` exactly (and not NaN), each with weight `1/count`. So a near-tie within
/// 1e-10 below the maximum raises the count only when it comes after the maximum in the list, and never
/// contributes: the weights then sum to less than 1. This is kept as is for comparability with the paper
/// (spec/rpc.md, fixture problem 53); do not "fix" it.
struct TopConfidence {
    /// Tolerance of the tie count.
    static let tolerance = 1e-10
    /// Largest confidence (−infinity for an empty or all-NaN list).
    var maximum = -Double.infinity
    /// Number of candidates counted as tied with the maximum.
    var count = 0.0

    init(_ confidences: [Double]) {
        for confidence in confidences {
            if confidence > maximum {
                maximum = confidence
                count = 0
            }
            if confidence >= maximum - Self.tolerance { count += 1 }
        }
    }

    /// Whether a candidate with this confidence contributes (with weight 1/count).
    func contributes(_ confidence: Double) -> Bool {
        !confidence.isNaN && confidence >= maximum
    }
}

/// Area under the ROC curve with fractional labels: a problem with correctness v counts as a positive of
/// weight v and a negative of weight 1 − v; equal scores count one half (the Mann–Whitney statistic).
enum ROC {
    static func area(scores: [Double], labels: [Double]) -> Double? {
        let positives = labels.reduce(0, +)
        let negatives = labels.reduce(0) { $0 + (1 - $1) }
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var negativesBelow = 0.0
        var area = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            var groupPositives = 0.0
            var groupNegatives = 0.0
            for index in order[start..<end] {
                groupPositives += labels[index]
                groupNegatives += 1 - labels[index]
            }
            area += groupPositives * (negativesBelow + 0.5 * groupNegatives)
            negativesBelow += groupNegatives
            start = end
        }
        return area / (positives * negatives)
    }
}
