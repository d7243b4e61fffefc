import Foundation
import QuorumReport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The plotting module: well-formed SVG in edge cases, refusal of values it cannot draw, histogram binning.
@Suite struct PlotTests {
    func texts(_ svg: String) throws -> [String] {
        try XMLCheck.parse(svg).nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
    }

    @Test func emptyChartRendersAxesAndNote() throws {
        let chart = Chart(id: "empty", title: "Nothing", xAxis: Axis("x"), yAxis: Axis("y"), note: "no data")
        let svg = try chart.svg()
        let document = try XMLCheck.parse(svg)
        #expect(document.rootElement()?.name == "svg")
        #expect(document.rootElement()?.uri == "http://www.w3.org/2000/svg")
        #expect(try texts(svg).contains("no data"))
        // Default domain [0, 1]: ticks 0 … 1 are labelled.
        #expect(try texts(svg).contains("0") && texts(svg).contains("1"))
    }

    @Test func onePointAndAllEqualValuesGetAUsableDomain() throws {
        for points in [[PlotPoint(x: 3, y: 5)], [PlotPoint(x: 2, y: 7), PlotPoint(x: 2, y: 7), PlotPoint(x: 2, y: 7)],
                       [PlotPoint(x: 0, y: 0)]] {
            let chart = Chart(
                id: "one", title: "One", xAxis: Axis("x"), yAxis: Axis("y"),
                marks: [.line(LineSeries(label: "s", points: points, color: .palette(0)))])
            let svg = try chart.svg()
            let document = try XMLCheck.parse(svg)
            let xs = try document.nodes(forXPath: "//*[local-name()='circle']/@cx").compactMap { $0.stringValue.flatMap(Double.init) }
            let ys = try document.nodes(forXPath: "//*[local-name()='circle']/@cy").compactMap { $0.stringValue.flatMap(Double.init) }
            // One dot per point and none in the legend (lines get a line swatch).
            #expect(xs.count == points.count && ys.count == points.count)
            for (cx, cy) in zip(xs, ys) {
                #expect(cx.isFinite && cy.isFinite && cx > 0 && cy > 0 && cx < chart.width && cy < chart.height)
            }
        }
        // The same on a log axis.
        let log = Chart(
            id: "log", title: "Log", xAxis: Axis("K", scale: .log2), yAxis: Axis("y"),
            marks: [.line(LineSeries(label: "s", points: [PlotPoint(x: 4, y: 1)], color: .palette(1)))])
        #expect(try texts(log.svg()).contains("4"))
    }

    @Test func nanIsRefusedWithAClearError() throws {
        let chart = Chart(
            id: "nan", title: "Accuracy", xAxis: Axis("K"), yAxis: Axis("%"),
            marks: [.line(LineSeries(label: "SC", points: [PlotPoint(x: 1, y: 2), PlotPoint(x: 2, y: .nan)], color: .palette(0)))])
        do throws(ReportError) {
            _ = try chart.svg()
            Issue.record("NaN was drawn")
        } catch {
            #expect(error.description.contains("plot \"Accuracy\""))
            #expect(error.description.contains("series \"SC\""))
            #expect(error.description.contains("non-finite"))
            #expect(error.description.contains("point 1"))
        }
        let infinite = Chart(
            id: "inf", title: "T", xAxis: Axis("x"), yAxis: Axis("y"),
            marks: [.band(BandSeries(label: "b", x: [1, 2], lower: [0, 0], upper: [1, .infinity], color: .palette(0)))])
        #expect(throws: ReportError.self) { try infinite.svg() }
        let rule = Chart(id: "r", title: "T", xAxis: Axis("x"), yAxis: Axis("y"), marks: [.rule(VerticalRule(label: nil, x: .nan, color: .alert))])
        #expect(throws: ReportError.self) { try rule.svg() }
    }

    @Test func logAxisRefusesNonPositiveValuesAndBandsCheckLengths() throws {
        let chart = Chart(
            id: "l", title: "Cost", xAxis: Axis("tokens", scale: .log2), yAxis: Axis("%"),
            marks: [.line(LineSeries(label: "SC", points: [PlotPoint(x: 0, y: 1)], color: .palette(0)))])
        do throws(ReportError) {
            _ = try chart.svg()
            Issue.record("0 on a log axis was drawn")
        } catch {
            #expect(error == .nonPositiveOnLogAxis(chart: "Cost", series: "SC", index: 0, value: 0))
        }
        let band = Chart(
            id: "b", title: "B", xAxis: Axis("x"), yAxis: Axis("y"),
            marks: [.band(BandSeries(label: "band", x: [1, 2, 3], lower: [0, 0], upper: [1, 1, 1], color: .palette(0)))])
        #expect(throws: ReportError.self) { try band.svg() }
        let reversed = Chart(id: "d", title: "D", xAxis: Axis("x", domain: 1...1), yAxis: Axis("y"))
        #expect(throws: ReportError.self) { try reversed.svg() }
    }

    @Test func histogramBinsAreRightClosedAndEmptyBinsAreKept() throws {
        let bars = try Histogram.bars([0, 0.1, 0.1000001, 0.55, 1, 1], lower: 0, upper: 1, count: 10, chart: "h")
        #expect(bars.count == 10)
        #expect(bars.map { Int($0.value) } == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2])
        #expect(bars.map(\.note) == bars.map { String(Int($0.value)) })
        #expect(bars.first?.lower == 0 && bars.last?.upper == 1)
        // No values: every bin empty, still drawable.
        let empty = try Histogram.bars([], lower: 0, upper: 1, count: 4, chart: "h")
        #expect(empty.map(\.value) == [0, 0, 0, 0])
        let chart = Chart(id: "h", title: "H", xAxis: Axis("c", domain: 0...1), yAxis: Axis("n"),
                          marks: [.bars(BarSeries(label: nil, bars: empty, color: .palette(0)))])
        let svg = try chart.svg()
        #expect(try texts(svg).filter { $0 == "0" }.count >= 4)  // each empty bin's count is written
        // Density integrates to 1.
        let density = try Histogram.bars([0.2, 0.4, 0.4, 0.9], lower: 0, upper: 1, count: 5, density: true, chart: "h")
        #expect(abs(density.map { $0.value * ($0.upper - $0.lower) }.reduce(0, +) - 1) < 1e-12)
        // Out of range, NaN and bad ranges are refused, not dropped.
        #expect(throws: ReportError.outOfRange(chart: "h", index: 1, value: 1.5, lower: 0, upper: 1)) {
            try Histogram.bars([0.5, 1.5], lower: 0, upper: 1, count: 2, chart: "h")
        }
        #expect(throws: ReportError.self) { try Histogram.bars([.nan], lower: 0, upper: 1, count: 2, chart: "h") }
        #expect(throws: ReportError.self) { try Histogram.bars([], lower: 1, upper: 1, count: 2, chart: "h") }
        #expect(throws: ReportError.self) { try Histogram.bars([], lower: 0, upper: 1, count: 0, chart: "h") }
    }

    @Test(arguments: [Chart.LegendPlacement.right, .bottom])
    func everyMarkKindAndTheLegendRenderAsWellFormedSVG(legend: Chart.LegendPlacement) throws {
        var chart = Chart(
            id: "all", title: "All & every <mark>", xAxis: Axis("x"), yAxis: Axis("y", domain: 0...2),
            marks: [
                .band(BandSeries(label: "band", x: [0, 1, 2], lower: [0.1, 0.2, 0.3], upper: [0.5, 0.6, 0.9], color: .palette(0))),
                .bars(BarSeries(label: "bars", bars: [Bar(lower: 0, upper: 1, value: 1.5, note: "n=3"), Bar(lower: 1, upper: 2, value: 5, note: "n=9")], color: .palette(1))),
                .line(LineSeries(label: "line", points: [PlotPoint(x: 0, y: 0), PlotPoint(x: 2, y: 2)], color: .palette(2), dash: .dotted)),
                .points(PointSeries(label: "dots", points: [PlotPoint(x: 1, y: 1)], color: .palette(3))),
                .rule(VerticalRule(label: "rule", x: 1.5, color: .alert)),
            ])
        chart.legend = legend
        let svg = try chart.svg()
        let document = try XMLCheck.parse(svg)
        let all = try texts(svg)
        // Every legend entry lies inside the picture.
        for text in try document.nodes(forXPath: "//*[local-name()='text']/@x") {
            let x = try #require(Double(text.stringValue ?? ""))
            #expect(x >= 0 && x <= chart.width)
        }
        for text in try document.nodes(forXPath: "//*[local-name()='text']/@y") {
            let y = try #require(Double(text.stringValue ?? ""))
            #expect(y >= 0 && y <= chart.height)
        }
        for label in ["band", "bars", "line", "dots", "rule", "n=3", "n=9", "All & every <mark>"] {
            #expect(all.contains(label), "\(label)")
        }
        // Marks are clipped to the plot area (the bar of 5 exceeds the fixed domain).
        #expect(try document.nodes(forXPath: "//*[local-name()='clipPath'][@id='clip-all']").count == 1)
        #expect(try document.nodes(forXPath: "//*[local-name()='g'][@clip-path='url(#clip-all)']").count == 1)
    }
}
