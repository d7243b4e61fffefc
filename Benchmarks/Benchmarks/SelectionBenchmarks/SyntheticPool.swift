import Foundation
import QuorumEval

/// A deterministic synthetic pool shaped like sampled math reasoning paths: per problem a gold answer, a
/// problem-specific share of correct paths, a few wrong answers (and empty ones), about 10 % exact duplicate
/// paths, and mean log-probabilities that are higher for correct paths than for wrong ones.
enum SyntheticPool {
    static func make(problems: Int, paths: Int, seed: UInt64 = 20_251_129) -> PathPool {
        var random = SplitMix(seed: seed)
        var result: [ProblemPaths] = []
        result.reserveCapacity(problems)
        for index in 0..<problems {
            let gold = String(index % 997 + 1)
            let wrong = (1...5).map { String(index % 997 + 1 + $0 * 7) } + [""]
            let correctShare = 0.2 + 0.6 * random.unit()
            var summaries: [PathSummary] = []
            summaries.reserveCapacity(paths)
            for label in 0..<paths {
                if label > 0 && random.unit() < 0.1 {
                    var duplicate = summaries[Int(random.next() % UInt64(label))]
                    duplicate.label = label
                    summaries.append(duplicate)
                    continue
                }
                let correct = random.unit() < correctShare
                let answer = correct ? gold : wrong[Int(random.next() % UInt64(wrong.count))]
                let logprob = -abs(correct ? 0.25 + 0.12 * random.normal() : 0.55 + 0.3 * random.normal()) - 1e-4
                summaries.append(PathSummary(
                    label: label, answer: answer, completion: label, meanLogprob: max(logprob, -3)))
            }
            result.append(ProblemPaths(problem: String(index), gold: gold, paths: summaries))
        }
        return PathPool(source: "synthetic-\(problems)x\(paths)", problems: result)
    }
}

/// SplitMix64, for reproducible synthetic data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-300), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
