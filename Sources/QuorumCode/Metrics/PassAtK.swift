/// pass@k: the probability that at least one of k programs drawn from a problem's n samples passes.
///
/// The unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on Code"): with c
/// of n samples passing, pass@k = 1 − C(n−c, k) / C(n, k). The binomial coefficients overflow for the n of
/// interest, so it is computed as the product 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which stays within [0, 1]
/// and loses no precision to cancellation of large numbers. pass@1 reduces to c / n.
public enum PassAtK {
    /// pass@k of one problem with `samples` programs of which `correct` passed.
    ///
    /// - Returns: 1 when fewer than k samples fail (every draw of k contains a passing one), 0 when none
    ///   passed.
    /// - Throws: ``CodeError/invalidPassAtK(samples:correct:k:)`` unless 0 ≤ correct ≤ samples and
    ///   1 ≤ k ≤ samples.
    public static func estimate(samples n: Int, correct c: Int, k: Int) throws(CodeError) -> Double {
        guard n >= 1, k >= 1, k <= n, c >= 0, c <= n else { throw .invalidPassAtK(samples: n, correct: c, k: k) }
        if c == 0 { return 0 }
        if n - c < k { return 1 }
        var product = 1.0
        for i in (n - c + 1)...n {
            product *= 1 - Double(k) / Double(i)
        }
        return 1 - product
    }

    /// The mean pass@k over problems, each given as (samples, correct).
    ///
    /// - Throws: ``CodeError/invalidPassAtK(samples:correct:k:)`` when any problem has fewer than k samples
    ///   (its pass@k is undefined; dropping it would bias the mean), or for an empty list.
    public static func mean(_ problems: [(samples: Int, correct: Int)], k: Int) throws(CodeError) -> Double {
        guard !problems.isEmpty else { throw .invalidPassAtK(samples: 0, correct: 0, k: k) }
        var total = 0.0
        for problem in problems {
            total += try estimate(samples: problem.samples, correct: problem.correct, k: k)
        }
        return total / Double(problems.count)
    }
}
