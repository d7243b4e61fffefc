import Foundation
import QuorumEval
import QuorumTestSupport
import Testing

/// Reasoning pruning against every fit the reference made (rpc_fits.json: 7 K × 10 seeds × 60 problems).
@Suite struct FixtureFitTests {
    /// Given the reference's raw parameters, our component ordering and pruning rule give exactly the
    /// reference's pruned positions on all 4200 fits.
    @Test func masksMatchAllReferenceFitsGivenTheirParameters() throws {
        let fixture = try RPCFixture.load()
        var compared = 0
        for k in RPCFixture.ks {
            for seed in 0..<10 {
                let positions = fixture.positions(k: k, seed: seed)
                for (index, fit) in fixture.fits[k]![seed].enumerated() {
                    let probabilities = fixture.subset(index, positions: positions).paths.map(\.probability)
                    let outcome = ReasoningPruning.prune(
                        probabilities, mixture: WeibullMixture(parameters: fit.rawX)!)
                    #expect(outcome.prunedPositions == fit.prunedPositions, "K \(k) seed \(seed) problem \(index)")
                    compared += 1
                }
            }
        }
        #expect(compared == 4200)
    }

    /// Our own fit (analytic gradient, our L-BFGS-B) against the reference's finite-difference scipy fit:
    /// masks equal on ≥ 95 % of the 4200 fits, and NLL at our optimum ≤ the reference's + 1e-6 on ≥ 95 %.
    @Test func ownFitAgreesWithTheReferenceOnMostFits() throws {
        let fixture = try RPCFixture.load()
        let fitter = ReasoningPruning()
        var total = 0
        var masksEqual = 0
        var fits = 0
        var fittedMasksEqual = 0
        var nllNotWorse = 0
        var nllNotWorseAtTheirPoint = 0
        var converged = 0
        for k in RPCFixture.ks {
            for seed in 0..<10 {
                let positions = fixture.positions(k: k, seed: seed)
                for (index, reference) in fixture.fits[k]![seed].enumerated() {
                    let probabilities = fixture.subset(index, positions: positions).paths.map(\.probability)
                    let outcome = fitter.prune(probabilities)
                    let sameMask = outcome.prunedPositions == reference.prunedPositions
                    total += 1
                    if sameMask { masksEqual += 1 }
                    // No fit for K = 1 or all p equal (nothing can be pruned): not counted for the NLL.
                    guard let fit = outcome.fit else { continue }
                    fits += 1
                    if sameMask { fittedMasksEqual += 1 }
                    if fit.termination.converged { converged += 1 }
                    let ours = fit.negativeLogLikelihood
                    // Where scipy ended on NaN, any finite NLL of ours is better.
                    if ours <= reference.nll + 1e-6 || (reference.nll.isNaN && ours.isFinite) { nllNotWorse += 1 }
                    // The same comparison with the reference's point evaluated in our (log-space) arithmetic.
                    let theirs = WeibullMixture(parameters: reference.rawX)!.negativeLogLikelihood(probabilities)
                    if ours <= theirs + 1e-6 { nllNotWorseAtTheirPoint += 1 }
                }
            }
        }
        let maskShare = Double(masksEqual) / Double(total)
        let nllShare = Double(nllNotWorse) / Double(fits)
        print(
            "own fit vs reference: masks equal on \(masksEqual)/\(total) fits (\(percent(maskShare))), on "
                + "\(fittedMasksEqual)/\(fits) where we fit (\(percent(Double(fittedMasksEqual) / Double(fits)))); "
                + "NLL ≤ reference NLL + 1e-6 on \(nllNotWorse)/\(fits) (\(percent(nllShare))), ≤ our NLL at the "
                + "reference's point + 1e-6 on \(nllNotWorseAtTheirPoint)/\(fits) "
                + "(\(percent(Double(nllNotWorseAtTheirPoint) / Double(fits)))); converged \(converged)/\(fits)")
        #expect(total == 4200)
        #expect(maskShare >= 0.95)
        #expect(nllShare >= 0.95)
    }

    private func percent(_ share: Double) -> String { String(format: "%.2f %%", share * 100) }
}
