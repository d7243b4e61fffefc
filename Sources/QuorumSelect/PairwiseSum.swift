/// Sums like numpy's `np.sum`/`np.mean` over a contiguous float64 array, so that thresholds such as RPC's
/// "p below the mean" see the same rounding as the reference.
///
/// Written by hand (no allowed package sums this way): numpy adds fewer than 8 values in order, up to 128
/// values in 8 interleaved partial sums combined pairwise, and splits longer runs in halves (a multiple of
/// 8 long) recursively. Checked against numpy on random arrays of 1–300 values.
public enum PairwiseSum {
    /// The sum of `values` in numpy's order.
    public static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { sum($0[...]) }
    }

    /// The mean of `values` in numpy's order (`sum / count`); NaN for an empty array.
    public static func mean(_ values: [Double]) -> Double {
        sum(values) / Double(values.count)
    }

    private static func sum(_ values: Slice<UnsafeBufferPointer<Double>>) -> Double {
        let count = values.count
        let start = values.startIndex
        if count < 8 {
            var total = 0.0
            for value in values { total += value }
            return total
        }
        if count <= 128 {
            var partial = (
                values[start], values[start + 1], values[start + 2], values[start + 3],
                values[start + 4], values[start + 5], values[start + 6], values[start + 7])
            var index = start + 8
            let blockEnd = start + count - count % 8
            while index < blockEnd {
                partial.0 += values[index]
                partial.1 += values[index + 1]
                partial.2 += values[index + 2]
                partial.3 += values[index + 3]
                partial.4 += values[index + 4]
                partial.5 += values[index + 5]
                partial.6 += values[index + 6]
                partial.7 += values[index + 7]
                index += 8
            }
            var total =
                ((partial.0 + partial.1) + (partial.2 + partial.3))
                + ((partial.4 + partial.5) + (partial.6 + partial.7))
            while index < start + count {
                total += values[index]
                index += 1
            }
            return total
        }
        var half = count / 2
        half -= half % 8
        return sum(values[start..<(start + half)]) + sum(values[(start + half)...])
    }
}
