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
        var binAccuracy = [Double](repeating: 0, count: binCount)
        var binConfidence = [Double](repeating: 0, count: binCount)
        var binSize = [Double](repeating: 0, count: binCount)
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
                let correct = (candidate.correct ?? false) ? 1.0 : 0.0
                voteAccuracy += correct / top.count
                if let bin = bin(of: top.maximum) {
                    binAccuracy[bin] += correct / top.count
                    binConfidence[bin] += candidate.confidence / top.count
                    binSize[bin] += 1 / top.count
                }
            }
            brierTerms.append((voteAccuracy - top.maximum) * (voteAccuracy - top.maximum))
            let c = min(max(top.maximum, 1e-6), 1 - 1e-6)
            let v = min(max(voteAccuracy, 1e-6), 1 - 1e-6)
            nllTerms.append(-log(c) * v - log(1 - c) * (1 - v))
            tops.append((top.maximum, voteAccuracy))
        }
        var weightedGap = 0.0
        var totalSize = 0.0
        for bin in 0..<binCount where binSize[bin] > 0 {
            weightedGap += binSize[bin] * abs(binAccuracy[bin] / binSize[bin] - binConfidence[bin] / binSize[bin])
            totalSize += binSize[bin]
        }
        return CalibrationMetrics(
            accuracy: 100 * PairwiseSum.mean(credits),
            ece: totalSize > 0 ? weightedGap / totalSize : 0,
            brier: PairwiseSum.mean(brierTerms),
            nll: PairwiseSum.mean(nllTerms),
            auroc: ROC.area(scores: tops.map(\.confidence), labels: tops.map(\.correct)))
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
