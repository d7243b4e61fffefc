import Foundation

/// A two-axis plot rendered as a standalone SVG element: axes with ticks and grid, bands, bars with notes,
/// lines with markers, dots, vertical rules, a legend and a title.
///
/// Written here because no Swift plotting library runs on Linux. The SVG is plain SVG 1.1 with no script
/// and no external reference, well-formed XML that can be inlined in XHTML or written to a file. Marks are
/// clipped to the plot area, so values beyond a fixed domain do not spill over the axes.
///
/// NaN and infinite values are refused (``ReportError/nonFiniteValue(chart:series:index:value:)``), never
/// drawn as garbage or skipped silently; so are non-positive values on a log axis.
public struct Chart: Sendable, Hashable {
    /// Unique within a document (it prefixes the clip path's id); letters, digits and `-` are kept.
    public var id: String
    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var marks: [Mark]
    /// Text written in the middle of the plot area (e.g. "no data"), if any.
    public var note: String?
    public var width: Double
    public var height: Double
    /// Where the legend goes: right of the plot area (one entry per line), or below it (entries side by side,
    /// leaving the plot area the full width).
    public var legend: LegendPlacement

    /// Where a chart's legend is drawn.
    public enum LegendPlacement: Sendable, Hashable { case right, bottom }

    public init(
        id: String, title: String, xAxis: Axis, yAxis: Axis, marks: [Mark] = [], note: String? = nil,
        width: Double = 520, height: Double = 330, legend: LegendPlacement = .right
    ) {
        self.legend = legend
        self.id = id
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.marks = marks
        self.note = note
        self.width = width
        self.height = height
    }

    /// The plot as an `<svg>` element with its namespace (no XML declaration, so it can be inlined).
    public func svg() throws(ReportError) -> String {
        try validate()
        let (xs, ys) = dataExtent()
        let xDomain = xAxis.resolvedDomain(xs)
        let yDomain = yAxis.resolvedDomain(ys)
        for (axis, domain) in [(xAxis, xDomain), (yAxis, yDomain)] {
            guard domain.lowerBound.isFinite, domain.upperBound.isFinite, domain.lowerBound < domain.upperBound else {
                throw .invalidRange(chart: title, reason: "axis \"\(axis.label)\" has the empty or non-finite domain \(domain)")
            }
            if axis.scale == .log2 && domain.lowerBound <= 0 {
                throw .invalidRange(chart: title, reason: "log axis \"\(axis.label)\" has a non-positive domain \(domain)")
            }
        }
        let labels = marks.compactMap(\.label)
        // Entry widths estimated from the label lengths (11 px sans-serif: ~6.2 px a character).
        let entryWidths = labels.map { Double($0.count) * 6.2 + 34 }
        var legendRows: [[Int]] = []
        let left = 62.0, top = 34.0
        var bottom = 48.0
        var right = 14.0
        switch legend {
        case .right:
            if !labels.isEmpty { right += min(230, (entryWidths.max() ?? 0) + 6) }
        case .bottom:
            var row: [Int] = [], used = 0.0
            for (index, w) in entryWidths.enumerated() {
                if !row.isEmpty && used + w > width - left - 14 {
                    legendRows.append(row)
                    row = []
                    used = 0
                }
                row.append(index)
                used += w
            }
            if !row.isEmpty { legendRows.append(row) }
            bottom += Double(legendRows.count) * 16 + 4
        }
        let frame = Frame(
            x0: left, x1: width - right, y0: top, y1: height - bottom, xDomain: xDomain, yDomain: yDomain,
            xScale: xAxis.scale, yScale: yAxis.scale)
        let clip = "clip-" + String(id.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" }.map(Character.init))

        var svg = SVGBuilder()
        svg.open(
            "svg",
            ["xmlns": "http://www.w3.org/2000/svg", "width": n(width), "height": n(height),
             "viewBox": "0 0 \(n(width)) \(n(height))", "role": "img", "font-family": "Helvetica, Arial, sans-serif",
             "font-size": "11"])
        svg.element("title", text: title)
        svg.element("rect", ["x": "0", "y": "0", "width": n(width), "height": n(height), "fill": "#ffffff"])
        svg.open("defs")
        svg.open("clipPath", ["id": clip])
        svg.element("rect", ["x": n(frame.x0), "y": n(frame.y0), "width": n(frame.x1 - frame.x0), "height": n(frame.y1 - frame.y0)])
        svg.close("clipPath")
        svg.close("defs")
        svg.element("text", ["x": n(width / 2), "y": "18", "text-anchor": "middle", "font-size": "13", "font-weight": "bold"], text: title)

        // Grid and ticks.
        for tick in xAxis.resolvedTicks(xDomain) {
            let x = frame.x(tick)
            svg.element("line", ["x1": n(x), "x2": n(x), "y1": n(frame.y0), "y2": n(frame.y1), "stroke": "#e6e6e6"])
            svg.element("line", ["x1": n(x), "x2": n(x), "y1": n(frame.y1), "y2": n(frame.y1 + 4), "stroke": "#333333"])
            svg.element("text", ["x": n(x), "y": n(frame.y1 + 16), "text-anchor": "middle"], text: Axis.format(tick))
        }
        for tick in yAxis.resolvedTicks(yDomain) {
            let y = frame.y(tick)
            svg.element("line", ["x1": n(frame.x0), "x2": n(frame.x1), "y1": n(y), "y2": n(y), "stroke": "#e6e6e6"])
            svg.element("line", ["x1": n(frame.x0 - 4), "x2": n(frame.x0), "y1": n(y), "y2": n(y), "stroke": "#333333"])
            svg.element("text", ["x": n(frame.x0 - 7), "y": n(y + 4), "text-anchor": "end"], text: Axis.format(tick))
        }
        svg.element("text", ["x": n((frame.x0 + frame.x1) / 2), "y": n(frame.y1 + 38), "text-anchor": "middle", "font-size": "12"], text: xAxis.label)
        let yMid = (frame.y0 + frame.y1) / 2
        svg.element(
            "text", ["x": "14", "y": n(yMid), "text-anchor": "middle", "font-size": "12", "transform": "rotate(-90 14 \(n(yMid)))"],
            text: yAxis.label)

        // Marks, clipped to the plot area.
        svg.open("g", ["clip-path": "url(#\(clip))"])
        for mark in marks { draw(mark, frame: frame, into: &svg) }
        svg.close("g")
        // Bar notes are drawn unclipped, above their bars (clamped into the plot area).
        for case .bars(let series) in marks {
            for bar in series.bars {
                guard let note = bar.note else { continue }
                let lower = max(bar.lower, xDomain.lowerBound), upper = min(bar.upper, xDomain.upperBound)
                guard lower < upper else { continue }
                let x = (frame.x(lower) + frame.x(upper)) / 2
                let y = max(frame.y0 + 10, min(frame.y(max(bar.value, yDomain.lowerBound)), frame.y1) - 3)
                svg.element("text", ["x": n(x), "y": n(y), "text-anchor": "middle", "font-size": "10", "fill": "#333333", "class": "bar-note"], text: note)
            }
        }
        svg.element(
            "rect", ["x": n(frame.x0), "y": n(frame.y0), "width": n(frame.x1 - frame.x0), "height": n(frame.y1 - frame.y0),
                     "fill": "none", "stroke": "#333333"])
        if let note {
            svg.element(
                "text", ["x": n((frame.x0 + frame.x1) / 2), "y": n(yMid), "text-anchor": "middle", "font-size": "13", "fill": "#666666"],
                text: note)
        }

        // Legend: right of the plot area, or in rows below the axis label.
        var entries: [(mark: Mark, label: String)] = []
        for mark in marks { if let label = mark.label { entries.append((mark, label)) } }
        var positions: [(x: Double, y: Double)] = []
        switch legend {
        case .right:
            for index in entries.indices { positions.append((frame.x1 + 12, frame.y0 + 6 + Double(index) * 16)) }
        case .bottom:
            for (rowIndex, row) in legendRows.enumerated() {
                var x = left
                for index in row {
                    positions.append((x, height - bottom + 48 + 6 + Double(rowIndex) * 16))
                    x += entryWidths[index]
                }
            }
        }
        for ((mark, label), (x, legendY)) in zip(entries, positions) {
            switch mark {
            case .line(let s):
                svg.element("line", ["x1": n(x), "x2": n(x + 20), "y1": n(legendY), "y2": n(legendY), "stroke": s.color.svg, "stroke-width": n(s.width)], raw: s.dash.attribute)
            case .rule(let s):
                svg.element("line", ["x1": n(x), "x2": n(x + 20), "y1": n(legendY), "y2": n(legendY), "stroke": s.color.svg, "stroke-width": "1.5"], raw: s.dash.attribute)
            case .band(let s):
                svg.element("rect", ["x": n(x), "y": n(legendY - 5), "width": "20", "height": "10", "fill": s.color.svg, "fill-opacity": n(s.opacity)])
            case .bars(let s):
                svg.element("rect", ["x": n(x), "y": n(legendY - 5), "width": "20", "height": "10", "fill": s.color.svg, "fill-opacity": n(s.opacity)])
            case .points(let s):
                svg.element("circle", ["cx": n(x + 10), "cy": n(legendY), "r": n(s.radius), "fill": s.color.svg])
            }
            svg.element("text", ["x": n(x + 26), "y": n(legendY + 4)], text: label)
        }
        svg.close("svg")
        return svg.text
    }

    private func draw(_ mark: Mark, frame: Frame, into svg: inout SVGBuilder) {
        switch mark {
        case .band(let s):
            guard !s.x.isEmpty else { return }
            let upper = zip(s.x, s.upper).map { "\(n(frame.x($0))),\(n(frame.y($1)))" }
            let lower = zip(s.x, s.lower).reversed().map { "\(n(frame.x($0))),\(n(frame.y($1)))" }
            svg.element("polygon", ["points": (upper + lower).joined(separator: " "), "fill": s.color.svg, "fill-opacity": n(s.opacity), "stroke": "none"])
        case .bars(let s):
            for bar in s.bars where bar.value != 0 {
                let x0 = frame.x(bar.lower), x1 = frame.x(bar.upper)
                let base = frame.y(max(0, frame.yDomain.lowerBound)), top = frame.y(bar.value)
                svg.element(
                    "rect", ["x": n(min(x0, x1) + 1), "y": n(min(base, top)), "width": n(max(0, abs(x1 - x0) - 2)),
                             "height": n(abs(base - top)), "fill": s.color.svg, "fill-opacity": n(s.opacity)])
            }
        case .line(let s):
            if s.points.count > 1 {
                let points = s.points.map { "\(n(frame.x($0.x))),\(n(frame.y($0.y)))" }.joined(separator: " ")
                svg.element("polyline", ["points": points, "fill": "none", "stroke": s.color.svg, "stroke-width": n(s.width), "stroke-linejoin": "round"], raw: s.dash.attribute)
            }
            if s.markers || s.points.count == 1 {
                for point in s.points {
                    svg.element("circle", ["cx": n(frame.x(point.x)), "cy": n(frame.y(point.y)), "r": "3", "fill": s.color.svg])
                }
            }
        case .points(let s):
            for point in s.points {
                svg.element("circle", ["cx": n(frame.x(point.x)), "cy": n(frame.y(point.y)), "r": n(s.radius), "fill": s.color.svg, "fill-opacity": "0.8"])
            }
        case .rule(let s):
            let x = frame.x(s.x)
            svg.element("line", ["x1": n(x), "x2": n(x), "y1": n(frame.y0), "y2": n(frame.y1), "stroke": s.color.svg, "stroke-width": "1.5"], raw: s.dash.attribute)
        }
    }

    /// Every x and y the marks put on the axes.
    private func dataExtent() -> (xs: [Double], ys: [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        for mark in marks {
            switch mark {
            case .band(let s):
                xs += s.x
                ys += s.lower + s.upper
            case .bars(let s):
                for bar in s.bars {
                    xs += [bar.lower, bar.upper]
                    // Room above a bar for its note.
                    ys += [0, bar.note == nil ? bar.value : bar.value * 1.1]
                }
            case .line(let s):
                xs += s.points.map(\.x)
                ys += s.points.map(\.y)
            case .points(let s):
                xs += s.points.map(\.x)
                ys += s.points.map(\.y)
            case .rule(let s): xs.append(s.x)
            }
        }
        return (xs, ys)
    }

    /// Refuses non-finite values, non-positive values on log axes and mismatched parallel arrays.
    private func validate() throws(ReportError) {
        for mark in marks {
            let name = mark.label ?? "(unlabelled)"
            var xs: [Double] = [], ys: [Double] = []
            switch mark {
            case .band(let s):
                guard s.x.count == s.lower.count, s.x.count == s.upper.count else {
                    throw .lengthMismatch(
                        chart: title, series: name,
                        reason: "\(s.x.count) x values, \(s.lower.count) lower and \(s.upper.count) upper values")
                }
                xs = s.x + s.x
                ys = s.lower + s.upper
            case .bars(let s):
                for bar in s.bars {
                    xs += [bar.lower, bar.upper]
                    ys.append(bar.value)
                }
            case .line(let s):
                xs = s.points.map(\.x)
                ys = s.points.map(\.y)
            case .points(let s):
                xs = s.points.map(\.x)
                ys = s.points.map(\.y)
            case .rule(let s): xs = [s.x]
            }
            for (axis, values) in [(xAxis, xs), (yAxis, ys)] {
                for (index, value) in values.enumerated() {
                    guard value.isFinite else {
                        throw .nonFiniteValue(chart: title, series: name, index: index, value: value)
                    }
                    if axis.scale == .log2 && value <= 0 {
                        throw .nonPositiveOnLogAxis(chart: title, series: name, index: index, value: value)
                    }
                }
            }
        }
    }

    /// A coordinate for SVG: at most two decimals, no trailing zeros.
    private func n(_ value: Double) -> String { Self.number(value) }

    static func number(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}

/// The plot area in pixels and the data-to-pixel mapping.
struct Frame {
    var x0: Double, x1: Double, y0: Double, y1: Double
    var xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>
    var xScale: Axis.Scale, yScale: Axis.Scale

    func x(_ value: Double) -> Double { x0 + (x1 - x0) * Self.fraction(value, xDomain, xScale) }
    func y(_ value: Double) -> Double { y1 - (y1 - y0) * Self.fraction(value, yDomain, yScale) }

    /// Where `value` lies in `domain` (0 at the lower bound, 1 at the upper), clamped to [-1, 2] so that
    /// values far outside a fixed domain give modest coordinates (the clip path hides them).
    static func fraction(_ value: Double, _ domain: ClosedRange<Double>, _ scale: Axis.Scale) -> Double {
        let f: Double
        switch scale {
        case .linear: f = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log2:
            f = (log2(max(value, .leastNormalMagnitude)) - log2(domain.lowerBound))
                / (log2(domain.upperBound) - log2(domain.lowerBound))
        }
        return min(max(f, -1), 2)
    }
}
