import Foundation
@testable import QuorumEval
import Testing

/// The metric rules on hand-made candidate lists.
@Suite struct MetricsTests {
    static func selection(_ candidates: [(Double, Bool)], credit: Double) -> Selection {
        Selection(
            problem: "p", method: "m", answer: "", confidence: candidates.map(\.0).max() ?? 0,
            candidates: candidates.map { Candidate(answer: "", confidence: $0.0, paths: [], correct: $0.1) },
            gold: "g", correct: credit)
    }

    /// Reliability bins by hand: right-closed edges, tie weights, the near-tie rule, no bin for a zero top.
    @Test func reliabilityBins() {
        let selections = [
            Self.selection([(0.15, true), (0.05, false)], credit: 1),  // bin 1, correct
            Self.selection([(0.2, false)], credit: 0),  // 0.2 is the upper edge of bin 1
            Self.selection([(0.5, true), (0.5, false)], credit: 0.5),  // bin 4, exact tie: half correct
            Self.selection([(0.6, false), (0.6 - 5e-11, true)], credit: 0),  // bin 5, near tie: weight 1/2
            Self.selection([(0, true)], credit: 1),  // top confidence 0: in no bin
        ]
        let bins = CalibrationMetrics.reliability(selections)
        #expect(bins.count == 10)
        #expect(bins.map(\.problems) == [0, 2, 0, 0, 1, 1, 0, 0, 0, 0])
        #expect(bins[1].size == 2 && bins[1].correctSum == 1 && abs(bins[1].confidenceSum - 0.35) < 1e-15)
        #expect(bins[4].size == 1 && bins[4].accuracy == 0.5 && bins[4].confidence == 0.5)
        #expect(bins[5].size == 0.5 && bins[5].accuracy == 0 && bins[5].confidence == 0.6)
        #expect(bins[0].accuracy == nil && bins[0].confidence == nil)
        #expect(bins[1].lower == 0.1 && bins[1].upper == 0.2 && bins[9].upper == 1)
        // ECE: (2·|0.5 − 0.175| + 1·0 + 0.5·0.6) / 3.5.
        let ece = ReliabilityBin.expectedCalibrationError(bins)
        #expect(abs(ece - (2 * 0.325 + 0.3) / 3.5) < 1e-15)
        #expect(CalibrationMetrics.measure(selections).ece == ece)
        #expect(ReliabilityBin.expectedCalibrationError(CalibrationMetrics.reliability([])) == 0)
    }

    /// A near-tie (within 1e-10 below the maximum) counts only after the maximum and never contributes.
    @Test func nearTieRule() {
        let before = Self.selection([(0.6 - 5e-11, true), (0.6, false)], credit: 0)
        let after = Self.selection([(0.6, false), (0.6 - 5e-11, true)], credit: 0)
        // Before: the larger value resets the count, so weight 1 goes to the maximum alone.
        let metricsBefore = CalibrationMetrics.measure([before])
        #expect(metricsBefore.brier == 0.36)
        // After: count 2, only the maximum contributes with weight 1/2: bin size 1/2, vote accuracy 0.
        let metricsAfter = CalibrationMetrics.measure([after])
        #expect(metricsAfter.brier == 0.36)
        #expect(metricsAfter.ece == 0.6)
        #expect(metricsBefore.ece == 0.6)
        // An exact tie splits the weight: vote accuracy 1/2.
        let tie = CalibrationMetrics.measure([Self.selection([(0.5, true), (0.5, false)], credit: 0.5)])
        #expect(tie.brier == 0)
        #expect(tie.ece == 0)
        #expect(tie.accuracy == 50)
    }

    @Test func binsAndClippedNLL() {
        let selections = [
            Self.selection([(1.0, true)], credit: 1), Self.selection([(0.3, false), (0.7, true)], credit: 1),
            Self.selection([(0.0, false)], credit: 0),
        ]
        let metrics = CalibrationMetrics.measure(selections)
        #expect(abs(metrics.accuracy - 200.0 / 3) <= 1e-12)
        // Bins: 1.0 (acc 1) and 0.7 (acc 1); confidence 0 falls in no bin.
        #expect(abs(metrics.ece - 0.15) <= 1e-15)
        #expect(abs(metrics.brier - 0.09 / 3) <= 1e-15)
        let expectedNLL = (-log(1 - 1e-6) * (1 - 1e-6) - log(1e-6) * 1e-6 + -log(0.7) * (1 - 1e-6) - log(0.3) * 1e-6
            + -log(1e-6) * 1e-6 - log(1 - 1e-6) * (1 - 1e-6)) / 3
        #expect(abs(metrics.nll - expectedNLL) <= 1e-12)
        #expect(CalibrationMetrics.bin(of: 0.1) == 0)
        #expect(CalibrationMetrics.bin(of: 0.1000000001) == 1)
        #expect(CalibrationMetrics.bin(of: 0) == nil)
        #expect(CalibrationMetrics.bin(of: 1) == 9)
    }

    @Test func aurocWithTiesAndFractions() {
        let perfect = CalibrationMetrics.measure([
            Self.selection([(0.9, true)], credit: 1), Self.selection([(0.2, false)], credit: 0),
        ])
        #expect(perfect.auroc == 1)
        let tied = CalibrationMetrics.measure([
            Self.selection([(0.5, true)], credit: 1), Self.selection([(0.5, false)], credit: 0),
        ])
        #expect(tied.auroc == 0.5)
        let allRight = CalibrationMetrics.measure([Self.selection([(0.5, true)], credit: 1)])
        #expect(allRight.auroc == nil)
        // A half-correct problem (exact tie) counts half positive, half negative: its positive half ties with
        // its own negative half (1/2 × 1/2 × 1/2), the other problem's positive beats it (1 × 1/2), over
        // 1.5 × 0.5 pairs.
        let half = CalibrationMetrics.measure([
            Self.selection([(0.5, true), (0.5, false)], credit: 0.5), Self.selection([(0.9, true)], credit: 1),
        ])
        #expect(abs(half.auroc! - 0.625 / 0.75) <= 1e-15)
    }

    @Test func summaryUsesPopulationStd() {
        let seeds = [10.0, 20, 30].map { CalibrationMetrics(accuracy: $0, ece: $0 / 100, brier: 0, nll: 0, auroc: nil) }
        let summary = Summary(seeds)
        #expect(summary.accuracyMean == 20)
        #expect(abs(summary.accuracyStd - (200.0 / 3).squareRoot()) <= 1e-12)
        #expect(abs(summary.eceMean - 20) <= 1e-12)
        #expect(summary.aurocMean == nil)
    }

    @Test func cpythonRandomBasics() {
        // Negative seeds use |seed|, as CPython does.
        #expect(CPythonRandom.permutation(count: 16, seed: -3) == CPythonRandom.permutation(count: 16, seed: 3))
        #expect(CPythonRandom.permutation(count: 1, seed: 0) == [0])
        var generator = CPythonRandom(seed: 5)
        for n in [1, 2, 3, 7, 1000, 1 << 20] {
            let value = generator.below(n)
            #expect(value >= 0 && value < n)
        }
    }
}
