/// Credit of a selection whose top set (every candidate whose score equals the maximum exactly) may hold
/// several candidates: the fraction of the top set that is correct.
///
/// The reference adds `1.0 / size` once per correct member rather than dividing once, and the two differ in
/// the last bits (20 × 1/48 is 0.4166666666666665, not 20/48, and 7 × 1/7 is 1.0000000000000002); this
/// reproduces the reference bit for bit, so a credit may exceed 1 by an ulp.
enum TieCredit {
    /// The credit of a top set given each member's correctness.
    static func credit(_ correct: some Collection<Bool>) -> Double {
        let share = 1.0 / Double(correct.count)
        var credit = 0.0
        for isCorrect in correct where isCorrect { credit += share }
        return credit
    }

    /// Indices of the entries equal to the largest value exactly (NaN never belongs).
    static func topSet(_ values: [Double]) -> [Int] {
        var best = -Double.infinity
        var top: [Int] = []
        for (index, value) in values.enumerated() where !value.isNaN {
            if value > best || top.isEmpty {
                best = value
                top = [index]
            } else if value == best {
                top.append(index)
            }
        }
        return top
    }
}
