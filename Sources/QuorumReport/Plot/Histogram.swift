/// Equal-width histograms as bars.
public enum Histogram {
    /// The counts of `values` in `count` equal-width bins over `[lower, upper]`. Bins are closed on the right,
    /// `(a, b]`, like the calibration bins of QuorumEval, and the first bin also holds `lower` itself. A value
    /// outside the range, NaN or infinite is refused, never dropped. With `density`, bar heights are
    /// count / (total × bin width), so the bars integrate to 1 (to compare with a density curve). Each bar's
    /// note is its count.
    public static func bars(
        _ values: [Double], lower: Double, upper: Double, count: Int, density: Bool = false, chart: String
    ) throws(ReportError) -> [Bar] {
        guard count >= 1 else { throw .invalidRange(chart: chart, reason: "a histogram needs at least one bin, not \(count)") }
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw .invalidRange(chart: chart, reason: "the histogram range [\(lower), \(upper)] is empty or not finite")
        }
        var counts = [Int](repeating: 0, count: count)
        let width = (upper - lower) / Double(count)
        for (index, value) in values.enumerated() {
            guard value.isFinite else { throw .nonFiniteValue(chart: chart, series: "histogram", index: index, value: value) }
            guard value >= lower, value <= upper else {
                throw .outOfRange(chart: chart, index: index, value: value, lower: lower, upper: upper)
            }
            var bin = Int(((value - lower) / width).rounded(.up)) - 1
            bin = min(max(bin, 0), count - 1)
            // Floating-point edges: make sure the value lies in (edge(bin), edge(bin + 1)].
            while bin > 0 && value <= lower + Double(bin) * width { bin -= 1 }
            while bin < count - 1 && value > lower + Double(bin + 1) * width { bin += 1 }
            counts[bin] += 1
        }
        let total = Double(values.count)
        return counts.indices.map { bin in
            let a = lower + Double(bin) * width
            let b = bin == count - 1 ? upper : lower + Double(bin + 1) * width
            let height = density ? (total > 0 ? Double(counts[bin]) / (total * width) : 0) : Double(counts[bin])
            return Bar(lower: a, upper: b, value: height, note: String(counts[bin]))
        }
    }
}
