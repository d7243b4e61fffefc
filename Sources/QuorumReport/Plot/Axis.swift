import Foundation

/// One axis of a plot: its label, scale, domain and ticks.
public struct Axis: Sendable, Hashable {
    /// Linear, or logarithmic to base 2 (e.g. K = 1, 2, 4, …).
    public enum Scale: Sendable, Hashable { case linear, log2 }

    public var label: String
    public var scale: Scale
    /// The domain; `nil` takes it from the data (extended to nice tick values).
    public var domain: ClosedRange<Double>?
    /// Tick positions; `nil` chooses them (1-2-5 steps for linear axes, powers of two for log axes).
    public var ticks: [Double]?

    public init(_ label: String, scale: Scale = .linear, domain: ClosedRange<Double>? = nil, ticks: [Double]? = nil) {
        self.label = label
        self.scale = scale
        self.domain = domain
        self.ticks = ticks
    }

    /// A domain covering `values` (finite, and positive on a log axis): a single value or equal values get
    /// a unit-wide (linear) or factor-of-two (log) neighbourhood; no values give [0, 1] (log: [1, 2]).
    func resolvedDomain(_ values: [Double]) -> ClosedRange<Double> {
        if let domain { return domain }
        guard let low = values.min(), let high = values.max() else { return scale == .linear ? 0...1 : 1...2 }
        switch scale {
        case .linear:
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.1
                return (low - pad)...(high + pad)
            }
            let step = Self.niceStep((high - low) / 5)
            return (floor(low / step) * step)...(ceil(high / step) * step)
        case .log2:
            if low == high { return (low / 2)...(high * 2) }
            // A little room (a tenth of the span in logs) on each side, so end points are not on the frame.
            let pad = (Foundation.log2(high) - Foundation.log2(low)) * 0.06
            return exp2(Foundation.log2(low) - pad)...exp2(Foundation.log2(high) + pad)
        }
    }

    /// Ticks inside `domain`.
    func resolvedTicks(_ domain: ClosedRange<Double>) -> [Double] {
        if let ticks { return ticks.filter { domain.contains($0) } }
        switch scale {
        case .linear:
            let step = Self.niceStep((domain.upperBound - domain.lowerBound) / 5)
            var ticks: [Double] = []
            var index = ceil(domain.lowerBound / step - 1e-9)
            while index * step <= domain.upperBound + step * 1e-9 {
                let value = index * step
                ticks.append(abs(value) < step * 1e-9 ? 0 : value)
                index += 1
            }
            return ticks
        case .log2:
            var ticks: [Double] = []
            var exponent = ceil(Foundation.log2(domain.lowerBound) - 1e-9)
            while exp2(exponent) <= domain.upperBound * (1 + 1e-9) {
                ticks.append(exp2(exponent))
                exponent += 1
            }
            // Many powers of two: keep every other one so labels do not collide.
            while ticks.count > 9 {
                ticks = ticks.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            }
            return ticks
        }
    }

    /// A 1, 2 or 5 times a power of ten near `raw` (and 1 for a non-positive or non-finite `raw`).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// The label of a tick: up to 4 significant decimals, no trailing zeros; large or tiny values in
    /// scientific notation.
    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return String(format: "%.2g", value) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
