import Foundation
import QuorumEval

/// The report as one self-contained HTML page: inline CSS and SVG, no script, no external reference, so it
/// works from a file. The markup is XHTML-compatible (every element closed, only XML's five entities, SVG
/// and XHTML namespaces), so it parses as XML; per-problem details are collapsible `<details>` elements.
///
/// Table cells that carry a reported number have `data-run`, `data-method`, `data-k` and `data-metric`
/// attributes, for tools that read the page.
public enum HTMLReport {
    public static func render(_ report: Report, figures: [ReportFigure]) -> String {
        var h = ""
        h += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
        h += "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        h += "<title>" + x(title(report)) + "</title>\n<style>\n" + css + "</style>\n</head>\n<body>\n"
        h += "<h1>" + x(title(report)) + "</h1>\n"
        h += "<p class=\"meta\">Made by " + x(report.tool) + " on " + x(report.created)
            + ". Every number is computed by QuorumEval from the runs' paths (K/seed protocol of the RPC paper: "
            + "for each seed, the same K shuffled positions select every problem's paths; mean ± population std over seeds).</p>\n"
        h += "<nav><strong>Contents:</strong> <a href=\"#runs\">Runs</a> · <a href=\"#metrics\">Accuracy and calibration</a> · "
            + "<a href=\"#cost\">Cost</a> · <a href=\"#plots\">Plots</a> · <a href=\"#calibration\">Calibration plots</a> · "
            + "<a href=\"#rpc\">RPC diagnostics</a> · <a href=\"#problems\">Problems</a></nav>\n"

        // Runs.
        h += "<h2 id=\"runs\">Runs</h2>\n<table class=\"runs\">\n<thead><tr><th>#</th><th>Run</th><th>Model</th><th>Decoder</th>"
            + "<th>Task set</th><th>Problems</th><th>Paths / problem</th><th>Seed</th><th>Template</th></tr></thead>\n<tbody>\n"
        for (i, run) in report.runs.enumerated() {
            let m = run.manifest
            h += "<tr><td>\(i + 1)</td><td><code>" + x(run.name) + "</code></td><td>" + x(m.model.identity) + " ("
                + x(m.model.backend.rawValue) + ")</td><td>" + x(m.decoderLabel) + "</td><td>" + x(m.taskSet.name) + " ("
                + x(m.taskSet.kind.rawValue) + ")</td><td data-run=\"\(i)\" data-metric=\"problems\">\(run.problemsEvaluated)"
                + (run.skipped.isEmpty ? "" : " (+\(run.skipped.count) skipped)") + "</td><td>\(run.poolSize)</td><td>\(m.seed)</td><td>"
                + x(m.template.name) + "</td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
        for (i, run) in report.runs.enumerated() {
            let items = run.notes.map { "note: " + $0 } + run.skipped.map(\.description) + run.warnings.map { "warning: " + $0 }
            guard !items.isEmpty else { continue }
            h += "<div class=\"notes\"><strong>Run \(i + 1):</strong><ul>\n"
            for item in items { h += "<li>" + x(item) + "</li>\n" }
            h += "</ul></div>\n"
        }

        // Metric tables: first the runs side by side at their largest K, then every K of each run.
        h += "<h2 id=\"metrics\">Accuracy and calibration</h2>\n"
        h += "<table class=\"metric\" id=\"summary\">\n<caption>" + x(summaryCaption) + "</caption>\n<thead><tr><th>Run</th><th>Decoder</th>"
            + "<th>K</th><th>Accuracy K=1</th>"
        for method in ReportBuilder.methods { h += "<th>" + x(Figures.methodName(method.rawValue)) + " accuracy</th>" }
        for method in ReportBuilder.methods { h += "<th>" + x(Figures.methodName(method.rawValue)) + " ECE</th>" }
        h += "</tr></thead>\n<tbody>\n"
        for (i, run) in report.runs.enumerated() {
            let k = run.ks.last ?? 0
            let single = run.methods.first?.points.first { $0.k == 1 }?.summary
            h += "<tr><td>\(i + 1): " + x(run.name) + "</td><td>" + x(run.manifest.decoderLabel) + "</td><td>\(k)</td>"
                + "<td class=\"num\">" + x(single.map { ReportFormat.meanStd($0.accuracyMean, $0.accuracyStd) } ?? "—") + "</td>"
            for metric in ["accuracy", "ece"] {
                for method in ReportBuilder.methods {
                    let summary = run.methods.first { $0.method == method.rawValue }?.points.last?.summary
                    let text = summary.map {
                        metric == "accuracy" ? String(format: "%.2f", $0.accuracyMean) : String(format: "%.2f", $0.eceMean)
                    } ?? "—"
                    h += "<td class=\"num\" data-run=\"\(i)\" data-method=\"" + x(method.rawValue) + "\" data-summary=\"\(metric)\">" + x(text) + "</td>"
                }
            }
            h += "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
        for (i, run) in report.runs.enumerated() {
            h += "<h3>Run \(i + 1): " + x(run.name) + "</h3>\n"
            h += "<p class=\"meta\">\(run.problemsEvaluated) problems, \(run.poolSize) paths each, \(run.seeds.count) seeds. "
                + "ECE: 10 equal-width bins, ×100. AUROC: top confidence as a predictor of correctness (— when undefined).</p>\n"
            h += "<div class=\"tables\">\n"
            h += table(run, index: i, metric: "accuracy", caption: "Accuracy (%), mean ± std") {
                ReportFormat.meanStd($0.accuracyMean, $0.accuracyStd)
            }
            h += table(run, index: i, metric: "ece", caption: "ECE (×100), mean ± std") {
                ReportFormat.meanStd($0.eceMean, $0.eceStd)
            }
            h += table(run, index: i, metric: "brier", caption: "Brier score (mean)") { ReportFormat.metric($0.brierMean) }
            h += table(run, index: i, metric: "nll", caption: "NLL (nats, mean)") { ReportFormat.metric($0.nllMean) }
            h += table(run, index: i, metric: "auroc", caption: "AUROC (mean)") { ReportFormat.metric($0.aurocMean) }
            h += "</div>\n"
        }

        // Cost.
        h += "<h2 id=\"cost\">Cost per decoder</h2>\n<table>\n<thead><tr><th>Run</th><th>Model</th><th>Decoder</th><th>Paths</th>"
            + "<th>Prompt tokens</th><th>Generated tokens</th><th>FLOPs</th><th>Seconds (summed)</th><th>Tokens/s</th>"
            + "<th>Tokens / path</th></tr></thead>\n<tbody>\n"
        for (i, run) in report.runs.enumerated() {
            let c = run.cost
            let cell = { (metric: String, text: String) in "<td class=\"num\" data-run=\"\(i)\" data-metric=\"\(metric)\">" + x(text) + "</td>" }
            h += "<tr><td>\(i + 1): " + x(run.name) + "</td><td>" + x(run.manifest.model.identity) + "</td><td>"
                + x(run.manifest.decoderLabel) + "</td>" + cell("paths", "\(c.paths)") + cell("prompt_tokens", "\(c.promptTokens)")
                + cell("generated_tokens", "\(c.generatedTokens)") + cell("flops", ReportFormat.count(c.flops))
                + cell("seconds", ReportFormat.seconds(c.seconds))
                + cell("tokens_per_second", c.tokensPerSecond.map { String(format: "%.1f", $0) } ?? "—")
                + cell("mean_generated_tokens", String(format: "%.1f", c.meanGeneratedTokens)) + "</tr>\n"
        }
        h += "</tbody>\n</table>\n<p class=\"meta\">Seconds are summed over paths (wall-clock per path; paths sampled "
            + "concurrently overlap); FLOPs are 2 × parameters × tokens.</p>\n"

        // Plots.
        h += "<h2 id=\"plots\">Accuracy vs K and cost</h2>\n<div class=\"figures\">\n"
        for figure in figures where figure.kind.isOverview { h += figureHTML(figure) }
        h += "</div>\n<h2 id=\"calibration\">Calibration plots</h2>\n"
        for (i, run) in report.runs.enumerated() {
            h += "<h3>Run \(i + 1): " + x(run.name) + " — reliability diagrams</h3>\n<div class=\"figures\">\n"
            for figure in figures where figure.run == i && figure.kind == .reliability { h += figureHTML(figure) }
            h += "</div>\n<h3>Run \(i + 1): " + x(run.name) + " — confidence histograms</h3>\n<div class=\"figures\">\n"
            for figure in figures where figure.run == i && figure.kind == .confidence { h += figureHTML(figure) }
            h += "</div>\n"
        }
        h += "<h2 id=\"rpc\">RPC diagnostics</h2>\n"
        for (i, run) in report.runs.enumerated() {
            guard let d = run.rpcDiagnostics else { continue }
            h += "<h3>Run \(i + 1): " + x(run.name) + "</h3>\n<div class=\"figures\">\n"
            for figure in figures where figure.run == i && figure.kind == .rpc { h += figureHTML(figure) }
            h += "<table class=\"diag\">\n<thead><tr><th>Diagnostic</th><th>Value</th></tr></thead>\n<tbody>\n"
            for key in d.diagnostics.keys.sorted() {
                h += "<tr><td><code>" + x(key) + "</code></td><td class=\"num\">" + x(String(format: "%.6g", d.diagnostics[key]!)) + "</td></tr>\n"
            }
            h += "</tbody>\n</table>\n</div>\n"
        }

        // Drill-down.
        h += "<h2 id=\"problems\">Problems</h2>\n<p class=\"meta\">Each method's choice on all paths of the problem; "
            + "clusters are SC's answer clusters with their votes and probability mass (Σ exp(mean log-prob) of their paths). "
            + "Click a problem to open it.</p>\n"
        for (i, run) in report.runs.enumerated() {
            h += "<h3>Run \(i + 1): " + x(run.name) + "</h3>\n"
            for problem in run.problems {
                h += problemHTML(problem, run: i, open: problem.id == run.rpcDiagnostics?.problem)
            }
        }
        h += "</body>\n</html>\n"
        return h
    }

    static let summaryCaption =
        "All runs at their largest K (all paths of each problem): mean accuracy (%) and ECE (×100) over seeds; "
        + "accuracy with a single path (K=1) for reference"

    static func title(_ report: Report) -> String {
        "Quorum report — " + report.runs.map(\.name).joined(separator: ", ")
    }

    private static func x(_ text: String) -> String { Markup.xml(text) }

    private static func table(
        _ run: RunReport, index: Int, metric: String, caption: String, value: (Summary) -> String
    ) -> String {
        var h = "<table class=\"metric\" id=\"\(metric)-\(index + 1)\">\n<caption>" + x(caption) + "</caption>\n<thead><tr><th>Method</th>"
        for k in run.ks { h += "<th>K=\(k)</th>" }
        h += "</tr></thead>\n<tbody>\n"
        for method in run.methods {
            h += "<tr><th scope=\"row\">" + x(Figures.methodName(method.method)) + "</th>"
            for point in method.points {
                h += "<td class=\"num\" data-run=\"\(index)\" data-method=\"" + x(method.method) + "\" data-k=\"\(point.k)\" data-metric=\"\(metric)\">"
                    + x(value(point.summary)) + "</td>"
            }
            h += "</tr>\n"
        }
        return h + "</tbody>\n</table>\n"
    }

    private static func figureHTML(_ figure: ReportFigure) -> String {
        "<figure id=\"fig-" + x(figure.file.replacingOccurrences(of: ".svg", with: "")) + "\">\n" + figure.svg
            + "<figcaption>" + x(figure.caption) + "</figcaption>\n</figure>\n"
    }

    /// One problem as a collapsible block; `open` shows it unfolded with its paths (the problem of the RPC
    /// diagnostics).
    private static func problemHTML(_ p: ProblemReport, run: Int, open: Bool) -> String {
        let marks = p.choices.map { Figures.methodName($0.method) + " " + ReportFormat.credit($0.correct) }.joined(separator: " · ")
        var h = "<details class=\"problem\"" + (open ? " open=\"open\"" : "") + " id=\"problem-\(run + 1)-" + x(anchor(p.id)) + "\">\n<summary><code>" + x(p.id)
            + "</code> — gold " + x(p.gold ?? "—") + " — " + x(marks) + "</summary>\n"
        h += "<p class=\"question\">" + (p.question.map(x) ?? "<em>question not available</em>") + "</p>\n"
        h += "<p>Gold answer: <strong>" + x(p.gold ?? "—") + "</strong></p>\n"
        h += "<table>\n<thead><tr><th>Method</th><th>Answer</th><th>Confidence</th><th>Correct</th></tr></thead>\n<tbody>\n"
        for c in p.choices {
            h += "<tr><th scope=\"row\">" + x(Figures.methodName(c.method)) + "</th><td>" + x(c.answer.isEmpty ? "(none)" : c.answer)
                + "</td><td class=\"num\">" + ReportFormat.probability(c.confidence) + "</td><td>" + x(ReportFormat.credit(c.correct)) + "</td></tr>\n"
        }
        h += "</tbody>\n</table>\n<table>\n<thead><tr><th>Cluster answer</th><th>Votes</th><th>Probability mass</th><th>Share</th>"
            + "<th>Correct</th><th>Paths</th></tr></thead>\n<tbody>\n"
        for c in p.clusters {
            h += "<tr><td>" + x(c.answer.isEmpty ? "(none)" : c.answer) + "</td><td class=\"num\">\(c.votes)</td><td class=\"num\">"
                + ReportFormat.probability(c.probabilityMass) + "</td><td class=\"num\">" + String(format: "%.1f%%", 100 * c.probabilityShare)
                + "</td><td>" + (c.correct.map { $0 ? "✓" : "✗" } ?? "—") + "</td><td>" + c.paths.map(String.init).joined(separator: ", ") + "</td></tr>\n"
        }
        h += "</tbody>\n</table>\n<details class=\"paths\"" + (open ? " open=\"open\"" : "") + ">\n<summary>\(p.paths.count) paths "
            + "(a red edge marks a path RPC pruned)</summary>\n"
        for path in p.paths {
            h += "<div class=\"path" + (path.prunedByRPC ? " pruned" : "") + "\"><div class=\"pathhead\">#\(path.index) · answer <strong>"
                + x(path.answer.isEmpty ? "(none)" : path.answer) + "</strong> · p " + ReportFormat.probability(path.probability)
                + String(format: " · mean log-prob %.4f", path.meanLogprob)
                + (path.generatedTokens.map { " · \($0) tokens" } ?? "") + (path.finish.map { " · " + x($0) } ?? "")
                + (path.prunedByRPC ? " · pruned by RPC" : "") + "</div><pre>" + x(path.text) + "</pre></div>\n"
        }
        h += "</details>\n</details>\n"
        return h
    }

    /// A problem id as an id-safe fragment.
    static func anchor(_ id: String) -> String {
        String(id.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" })
    }

    static let css = """
        body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1400px; padding: 0 16px; color: #222; line-height: 1.4; }
        h1 { font-size: 24px; } h2 { font-size: 20px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 32px; } h3 { font-size: 16px; }
        .meta { color: #555; font-size: 13px; }
        nav { font-size: 14px; margin: 8px 0 16px; }
        table { border-collapse: collapse; margin: 8px 16px 16px 0; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
        thead th { background: #f0f3f7; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        caption { text-align: left; font-weight: bold; padding: 4px 0; }
        .tables { display: flex; flex-wrap: wrap; align-items: flex-start; }
        .figures { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; }
        figure { margin: 0 0 12px 0; border: 1px solid #ddd; padding: 6px; background: #fff; width: min-content; }
        figure svg { display: block; }
        figcaption { font-size: 12px; color: #444; margin-top: 4px; }
        .notes { background: #fff8e5; border: 1px solid #f0d890; padding: 4px 12px; margin: 8px 0; font-size: 13px; }
        details.problem { border: 1px solid #ddd; margin: 4px 0; padding: 4px 8px; }
        details.problem > summary { cursor: pointer; font-size: 14px; }
        details.paths { margin: 6px 0; }
        .question { background: #f7f7f7; padding: 6px 8px; white-space: pre-wrap; }
        .path { border-left: 3px solid #009E73; margin: 6px 0; padding-left: 8px; }
        .path.pruned { border-left-color: #C0392B; }
        .pathhead { font-size: 12px; color: #444; }
        pre { white-space: pre-wrap; word-wrap: break-word; margin: 2px 0; font-size: 12px; background: #fafafa; padding: 4px; }

        """
}
