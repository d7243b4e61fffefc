import Foundation
import QuorumEval

/// One plot of a report: its file name (beside report.md), caption and SVG.
public struct ReportFigure: Sendable, Hashable {
    /// File name, e.g. `accuracy-vs-k-1.svg`; also the basis of the inline element's id.
    public var file: String
    public var title: String
    /// One or two sentences under the plot.
    public var caption: String
    public var svg: String
    /// The run the figure belongs to (index into ``Report/runs``), `nil` for cross-run figures.
    public var run: Int?
    /// What the figure shows, which decides where the renderers place it.
    public var kind: Kind

    /// What a figure shows.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Accuracy versus K, one curve per method (per run).
        case accuracyVersusK = "accuracy-vs-k"
        /// Cost versus accuracy across runs.
        case costVersusAccuracy = "cost-vs-accuracy"
        /// A method's reliability diagram (per run).
        case reliability
        /// A method's confidence histogram (per run).
        case confidence
        /// RPC's diagnostics of one problem (per run).
        case rpc

        /// Figures of the report's overview, before the runs' sections.
        public var isOverview: Bool { self == .accuracyVersusK || self == .costVersusAccuracy }
    }
}

/// The plots of a report, made with the report's own plotting module (``Chart``).
public enum Figures {
    /// Every figure of `report`: cost versus accuracy across runs, then per run accuracy versus K,
    /// reliability diagrams and confidence histograms per method, and the RPC diagnostics.
    public static func all(_ report: Report) throws(ReportError) -> [ReportFigure] {
        var figures: [ReportFigure] = []
        figures.append(try costVersusAccuracy(report))
        for (index, run) in report.runs.enumerated() {
            figures.append(try accuracyVersusK(run, index: index))
            for calibration in run.calibration {
                figures.append(try reliability(calibration, run: run, index: index))
            }
            for calibration in run.calibration {
                figures.append(try confidenceHistogram(calibration, run: run, index: index))
            }
            if let diagnostics = run.rpcDiagnostics {
                figures.append(try rpc(diagnostics, run: run, index: index))
            }
        }
        return figures
    }

    /// The colour of a method, the same in every plot.
    public static func color(method: String) -> PlotColor {
        switch method {
        case "ppl": .palette(0)
        case "sc": .palette(1)
        case "pc": .palette(2)
        case "rpc": .palette(4)
        default: .palette(6)
        }
    }

    /// `sc` → `SC`.
    public static func methodName(_ method: String) -> String { method.uppercased() }

    static func suffix(_ index: Int) -> String { "\(index + 1)" }

    /// Accuracy (%) versus K per method, mean ± std over seeds as a band.
    public static func accuracyVersusK(_ run: RunReport, index: Int) throws(ReportError) -> ReportFigure {
        var marks: [Mark] = []
        for method in run.methods {
            let color = color(method: method.method)
            let ks = method.points.map { Double($0.k) }
            marks.append(.band(BandSeries(
                label: nil, x: ks, lower: method.points.map { $0.summary.accuracyMean - $0.summary.accuracyStd },
                upper: method.points.map { $0.summary.accuracyMean + $0.summary.accuracyStd }, color: color)))
        }
        for method in run.methods {
            marks.append(.line(LineSeries(
                label: methodName(method.method),
                points: method.points.map { PlotPoint(x: Double($0.k), y: $0.summary.accuracyMean) },
                color: color(method: method.method))))
        }
        let title = "Accuracy vs K — \(run.name)"
        let chart = Chart(
            id: "accuracy-vs-k-\(suffix(index))", title: title,
            xAxis: Axis("K (paths per problem, log scale)", scale: .log2, ticks: run.ks.map(Double.init)),
            yAxis: Axis("Accuracy (%)"), marks: marks)
        return ReportFigure(
            file: "accuracy-vs-k-\(suffix(index)).svg", title: title,
            caption: "Mean accuracy over \(run.seeds.count) seeds at each K; bands are ± one population standard deviation "
                + "(\(run.problemsEvaluated) problems, pool of \(run.poolSize) paths each).",
            svg: try chart.svg(), run: index, kind: .accuracyVersusK)
    }

    /// Accuracy against the expected generated tokens per problem, per run and method.
    public static func costVersusAccuracy(_ report: Report) throws(ReportError) -> ReportFigure {
        var marks: [Mark] = []
        var left: [String] = []
        for (runIndex, run) in report.runs.enumerated() {
            guard run.cost.meanGeneratedTokens > 0 else {
                left.append(run.name)
                continue
            }
            for method in run.methods {
                let points = run.costVsAccuracy.filter { $0.method == method.method }
                let label = report.runs.count > 1
                    ? "\(methodName(method.method)) · run \(runIndex + 1)" : methodName(method.method)
                marks.append(.line(LineSeries(
                    label: label,
                    points: points.map { PlotPoint(x: $0.generatedTokensPerProblem, y: $0.accuracyMean) },
                    color: color(method: method.method), dash: .cycle(runIndex))))
            }
        }
        let title = "Cost vs accuracy"
        let chart = Chart(
            id: "cost-vs-accuracy", title: title, xAxis: Axis("Generated tokens per problem (log scale)", scale: .log2),
            yAxis: Axis("Accuracy (%)"), marks: marks, note: marks.isEmpty ? "no cost recorded" : nil,
            width: report.runs.count > 1 ? 640 : 540, height: 360)
        var caption = "Each point is one K: K × the run's mean generated tokens per path, against mean accuracy over seeds."
        if report.runs.count > 1 {
            caption += " Line style tells runs apart: "
                + report.runs.enumerated().map { "run \($0.offset + 1) (\($0.element.name), \($0.element.manifest.decoderLabel)) \(["solid", "dashed", "dotted"][$0.offset % 3])" }
                .joined(separator: "; ") + "."
        }
        if !left.isEmpty { caption += " Not shown (no cost recorded): " + left.joined(separator: ", ") + "." }
        return ReportFigure(
            file: "cost-vs-accuracy.svg", title: title, caption: caption, svg: try chart.svg(), run: nil,
            kind: .costVersusAccuracy)
    }

    /// A reliability diagram: accuracy per confidence bin with the bin's count, mean confidence, the diagonal.
    public static func reliability(_ calibration: MethodCalibration, run: RunReport, index: Int) throws(ReportError) -> ReportFigure {
        let color = color(method: calibration.method)
        let bars = calibration.bins.map { bin in
            Bar(lower: bin.lower, upper: bin.upper, value: bin.accuracy ?? 0, note: "\(bin.problems)")
        }
        let centers = calibration.bins.compactMap { bin -> PlotPoint? in
            guard let confidence = bin.confidence, let accuracy = bin.accuracy else { return nil }
            return PlotPoint(x: confidence, y: accuracy)
        }
        let name = methodName(calibration.method)
        let title = "Reliability — \(name), K=\(calibration.k) (run \(index + 1))"
        let chart = Chart(
            id: "reliability-\(calibration.method)-\(suffix(index))", title: title,
            xAxis: Axis("Confidence", domain: 0...1, ticks: stride(from: 0.0, through: 1.0001, by: 0.2).map { $0 }),
            yAxis: Axis("Accuracy", domain: 0...1.08, ticks: stride(from: 0.0, through: 1.0001, by: 0.2).map { $0 }),
            marks: [
                .bars(BarSeries(label: "accuracy of bin", bars: bars, color: color, opacity: 0.55)),
                .line(LineSeries(
                    label: "perfect calibration", points: [PlotPoint(x: 0, y: 0), PlotPoint(x: 1, y: 1)],
                    color: .reference, dash: .dashed, markers: false, width: 1.2)),
                .points(PointSeries(label: "mean confidence", points: centers, color: PlotColor("#222222"), radius: 3)),
            ],
            width: 430, height: 380, legend: .bottom)
        return ReportFigure(
            file: "reliability-\(calibration.method)-\(suffix(index)).svg", title: title,
            caption: String(
                format: "%@ on all %d paths of each problem: 10 equal-width bins; the number over each bin is its count of problems. ECE %.2f (×100).",
                name, calibration.k, calibration.metrics.ece * 100),
            svg: try chart.svg(), run: index, kind: .reliability)
    }

    /// The histogram of a method's top confidences.
    public static func confidenceHistogram(_ calibration: MethodCalibration, run: RunReport, index: Int) throws(ReportError) -> ReportFigure {
        let name = methodName(calibration.method)
        let title = "Confidence — \(name), K=\(calibration.k) (run \(index + 1))"
        // Normalised shares can exceed 1 by a rounding error; anything further out is refused by the histogram.
        let values = calibration.confidences.map { c in c > 1 && c < 1 + 1e-9 ? 1 : c }
        let bars = try Histogram.bars(values, lower: 0, upper: 1, count: 10, chart: title)
        let chart = Chart(
            id: "confidence-\(calibration.method)-\(suffix(index))", title: title,
            xAxis: Axis("Top confidence", domain: 0...1, ticks: stride(from: 0.0, through: 1.0001, by: 0.2).map { $0 }),
            yAxis: Axis("Problems"),
            marks: [.bars(BarSeries(label: nil, bars: bars, color: color(method: calibration.method)))],
            width: 400, height: 270)
        return ReportFigure(
            file: "confidence-\(calibration.method)-\(suffix(index)).svg", title: title,
            caption: "How many problems \(name) answered with each confidence (\(values.count) problems, bins (a, b]).",
            svg: try chart.svg(), run: index, kind: .confidence)
    }

    /// RPC's pruning on one problem: density histogram of the path probabilities, the fitted two-Weibull mixture
    /// (and its components), the pruning cut, and the paths as dots (pruned in red).
    public static func rpc(_ d: RPCDiagnostics, run: RunReport, index: Int) throws(ReportError) -> ReportFigure {
        let title = "RPC pruning — \(d.problem) (run \(index + 1))"
        let positive = d.probabilities.filter { $0 > 0 }
        var lower = max(0, (positive.min() ?? 0) - 0.05)
        var upper = min(1, (positive.max() ?? 1) + 0.05)
        if !(lower < upper) {
            lower = 0
            upper = 1
        }
        lower = (lower * 20).rounded(.down) / 20
        upper = (upper * 20).rounded(.up) / 20
        let counted = try Histogram.bars(
            d.probabilities.map { min(max($0, lower), upper) }, lower: lower, upper: upper, count: 12, density: true,
            chart: title)
        // Counts of empty bins would sit on the dots of the paths: only non-empty bins are labelled.
        let bars = counted.map { bar in Bar(lower: bar.lower, upper: bar.upper, value: bar.value, note: bar.value > 0 ? bar.note : nil) }
        let barMax = bars.map(\.value).max() ?? 1
        var marks: [Mark] = [.bars(BarSeries(label: "paths (density)", bars: bars, color: PlotColor("#9ab4d6"), opacity: 0.8))]
        var curveMax = 0.0
        if let mixture = d.mixture {
            let xs = (0...240).map { lower + (upper - lower) * Double($0) / 240 }.filter { $0 > 0 }
            func density(_ x: Double, _ k: Double, _ l: Double) -> Double {
                exp(WeibullMixture.logDensity(x, shape: k, scale: l))
            }
            let high = xs.map { mixture.weight * density($0, mixture.shape1, mixture.scale1) }
            let low = xs.map { (1 - mixture.weight) * density($0, mixture.shape2, mixture.scale2) }
            let total = zip(high, low).map { $0 + $1 }
            curveMax = total.filter(\.isFinite).max() ?? 0
            let ceiling = max(barMax, min(curveMax, 3 * barMax)) * 1.15
            // The plot is clipped at its top; values beyond are drawn at twice the ceiling (not infinite).
            func clip(_ values: [Double]) -> [PlotPoint] {
                zip(xs, values).map { PlotPoint(x: $0, y: $1.isFinite ? min($1, 2 * ceiling) : 2 * ceiling) }
            }
            marks.append(.line(LineSeries(label: "mixture density", points: clip(total), color: PlotColor("#222222"), markers: false)))
            marks.append(.line(LineSeries(label: "high component", points: clip(high), color: .palette(2), dash: .dashed, markers: false, width: 1.3)))
            marks.append(.line(LineSeries(label: "low component", points: clip(low), color: .palette(1), dash: .dashed, markers: false, width: 1.3)))
        }
        let ceiling = max(barMax, min(curveMax, 3 * barMax)) * 1.15
        if let cut = d.cut {
            marks.append(.rule(VerticalRule(label: "cut (mean p)", x: min(max(cut, lower), upper), color: .alert)))
        }
        let prunedSet = Set(d.pruned)
        let rugY = ceiling * 0.04
        let paths = zip(d.indices, d.probabilities).map { (pruned: prunedSet.contains($0), point: PlotPoint(x: min(max($1, lower), upper), y: rugY)) }
        let kept = paths.filter { !$0.pruned }.map(\.point)
        let pruned = paths.filter(\.pruned).map(\.point)
        marks.append(.points(PointSeries(label: "kept path", points: kept, color: .palette(2), radius: 3.5)))
        if !pruned.isEmpty { marks.append(.points(PointSeries(label: "pruned path", points: pruned, color: .alert, radius: 3.5))) }
        let chart = Chart(
            id: "rpc-\(suffix(index))", title: title, xAxis: Axis("Path probability exp(mean log-prob)", domain: lower...upper),
            yAxis: Axis("Density", domain: 0...ceiling), marks: marks, note: d.mixture == nil ? "no mixture fitted" : nil,
            width: 640, height: 360)
        var caption = "Problem \(d.problem), chosen as \(d.chosenBecause). \(d.probabilities.count) paths, \(d.pruned.count) pruned"
        if let cut = d.cut { caption += String(format: "; cut at p = %.4f", cut) }
        if let m = d.mixture {
            caption += String(
                format: "; mixture w_high %.3f, high Weibull(k %.3g, λ %.4f), low Weibull(k %.3g, λ %.4f)",
                m.weight, m.shape1, m.scale1, m.shape2, m.scale2)
        }
        caption += ". Densities above the plot are cut off at its top."
        return ReportFigure(file: "rpc-\(suffix(index)).svg", title: title, caption: caption, svg: try chart.svg(), run: index, kind: .rpc)
    }
}
