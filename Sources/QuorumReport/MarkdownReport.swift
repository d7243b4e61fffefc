import Foundation
import QuorumEval

/// The report as Markdown: the same tables, the plots as SVG files beside report.md, and the per-problem
/// drill-down with each path in a fenced block. Untrusted text is escaped (``Markup/markdown(_:)``).
public enum MarkdownReport {
    public static func render(_ report: Report, figures: [ReportFigure]) -> String {
        var md = "# " + m(HTMLReport.title(report)) + "\n\n"
        md += "Made by " + m(report.tool) + " on " + m(report.created) + ". Every number is computed by QuorumEval from the "
            + "runs' paths (K/seed protocol of the RPC paper; mean ± population std over seeds). The HTML twin, "
            + "report.html, has the same content with the plots inline.\n\n"
        md += "## Runs\n\n| # | Run | Model | Decoder | Task set | Problems | Paths / problem | Seed | Template |\n"
        md += "|---:|---|---|---|---|---:|---:|---:|---|\n"
        for (i, run) in report.runs.enumerated() {
            let f = run.manifest
            md += "| \(i + 1) | " + m(run.name) + " | " + m(f.model.identity) + " (" + m(f.model.backend.rawValue) + ") | " + m(f.decoderLabel)
                + " | " + m(f.taskSet.name) + " (" + m(f.taskSet.kind.rawValue) + ") | \(run.problemsEvaluated)"
                + (run.skipped.isEmpty ? "" : " (+\(run.skipped.count) skipped)") + " | \(run.poolSize) | \(f.seed) | "
                + m(f.template.name) + " |\n"
        }
        md += "\n"
        for (i, run) in report.runs.enumerated() {
            let items = run.notes.map { "note: " + $0 } + run.skipped.map(\.description) + run.warnings.map { "warning: " + $0 }
            guard !items.isEmpty else { continue }
            md += "Run \(i + 1):\n\n" + items.map { "- " + m($0) + "\n" }.joined() + "\n"
        }

        md += "## Accuracy and calibration\n\n" + HTMLReport.summaryCaption + ".\n\n| Run | Decoder | K | Accuracy K=1 |"
        md += ReportBuilder.methods.map { " " + Figures.methodName($0.rawValue) + " accuracy |" }.joined()
        md += ReportBuilder.methods.map { " " + Figures.methodName($0.rawValue) + " ECE |" }.joined()
        md += "\n|---|---|---:|---:|" + String(repeating: "---:|", count: 2 * ReportBuilder.methods.count) + "\n"
        for (i, run) in report.runs.enumerated() {
            let single = run.methods.first?.points.first { $0.k == 1 }?.summary
            md += "| \(i + 1): " + m(run.name) + " | " + m(run.manifest.decoderLabel) + " | \(run.ks.last ?? 0) | "
                + (single.map { ReportFormat.meanStd($0.accuracyMean, $0.accuracyStd) } ?? "—") + " |"
            for metric in ["accuracy", "ece"] {
                for method in ReportBuilder.methods {
                    let summary = run.methods.first { $0.method == method.rawValue }?.points.last?.summary
                    md += " " + (summary.map { String(format: "%.2f", metric == "accuracy" ? $0.accuracyMean : $0.eceMean) } ?? "—") + " |"
                }
            }
            md += "\n"
        }
        md += "\n"
        for (i, run) in report.runs.enumerated() {
            md += "### Run \(i + 1): " + m(run.name) + "\n\n"
            md += "\(run.problemsEvaluated) problems, \(run.poolSize) paths each, \(run.seeds.count) seeds. ECE: 10 equal-width "
                + "bins, ×100. AUROC: top confidence as a predictor of correctness (— when undefined).\n\n"
            md += table(run, caption: "Accuracy (%), mean ± std") { ReportFormat.meanStd($0.accuracyMean, $0.accuracyStd) }
            md += table(run, caption: "ECE (×100), mean ± std") { ReportFormat.meanStd($0.eceMean, $0.eceStd) }
            md += table(run, caption: "Brier score (mean)") { ReportFormat.metric($0.brierMean) }
            md += table(run, caption: "NLL (nats, mean)") { ReportFormat.metric($0.nllMean) }
            md += table(run, caption: "AUROC (mean)") { ReportFormat.metric($0.aurocMean) }
        }

        md += "## Cost per decoder\n\n| Run | Model | Decoder | Paths | Prompt tokens | Generated tokens | FLOPs | Seconds (summed) | Tokens/s | Tokens / path |\n"
        md += "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for (i, run) in report.runs.enumerated() {
            let c = run.cost
            md += "| \(i + 1): " + m(run.name) + " | " + m(run.manifest.model.identity) + " | " + m(run.manifest.decoderLabel)
                + " | \(c.paths) | \(c.promptTokens) | \(c.generatedTokens) | " + ReportFormat.count(c.flops) + " | "
                + ReportFormat.seconds(c.seconds) + " | " + (c.tokensPerSecond.map { String(format: "%.1f", $0) } ?? "—") + " | "
                + String(format: "%.1f", c.meanGeneratedTokens) + " |\n"
        }
        md += "\nSeconds are summed over paths (wall-clock per path; paths sampled concurrently overlap); FLOPs are "
            + "2 × parameters × tokens.\n\n"

        md += "## Accuracy vs K and cost\n\n"
        for figure in figures where figure.kind.isOverview { md += figureMD(figure) }
        md += "## Calibration plots\n\n"
        for (i, run) in report.runs.enumerated() {
            md += "### Run \(i + 1): " + m(run.name) + "\n\n"
            for figure in figures where figure.run == i && [.reliability, .confidence].contains(figure.kind) {
                md += figureMD(figure)
            }
        }
        md += "## RPC diagnostics\n\n"
        for (i, run) in report.runs.enumerated() {
            guard let d = run.rpcDiagnostics else { continue }
            md += "### Run \(i + 1): " + m(run.name) + "\n\n"
            for figure in figures where figure.run == i && figure.kind == .rpc { md += figureMD(figure) }
            md += "| Diagnostic | Value |\n|---|---:|\n"
            for key in d.diagnostics.keys.sorted() {
                md += "| " + m(key) + " | " + String(format: "%.6g", d.diagnostics[key]!) + " |\n"
            }
            md += "\n"
        }

        md += "## Problems\n\nEach method's choice on all paths of the problem; clusters are SC's answer clusters with their "
            + "votes and probability mass (Σ exp(mean log-prob) of their paths).\n\n"
        for (i, run) in report.runs.enumerated() {
            md += "### Run \(i + 1): " + m(run.name) + "\n\n"
            for p in run.problems { md += problemMD(p) }
        }
        return md
    }

    private static func m(_ text: String) -> String { Markup.markdown(text) }

    private static func table(_ run: RunReport, caption: String, value: (Summary) -> String) -> String {
        var md = caption + "\n\n| Method |" + run.ks.map { " K=\($0) |" }.joined() + "\n|---|" + run.ks.map { _ in "---:|" }.joined() + "\n"
        for method in run.methods {
            md += "| " + m(Figures.methodName(method.method)) + " |" + method.points.map { " " + value($0.summary) + " |" }.joined() + "\n"
        }
        return md + "\n"
    }

    private static func figureMD(_ figure: ReportFigure) -> String {
        "![" + m(figure.title) + "](" + figure.file + ")\n\n" + m(figure.caption) + "\n\n"
    }

    private static func problemMD(_ p: ProblemReport) -> String {
        var md = "#### " + m(p.id) + "\n\n"
        md += "Question: " + (p.question.map(m) ?? "*not available*") + "\n\n"
        md += "Gold answer: **" + m(p.gold ?? "—") + "**\n\n"
        md += "| Method | Answer | Confidence | Correct |\n|---|---|---:|---|\n"
        for c in p.choices {
            md += "| " + m(Figures.methodName(c.method)) + " | " + m(c.answer.isEmpty ? "(none)" : c.answer) + " | "
                + ReportFormat.probability(c.confidence) + " | " + ReportFormat.credit(c.correct) + " |\n"
        }
        md += "\n| Cluster answer | Votes | Probability mass | Share | Correct | Paths |\n|---|---:|---:|---:|---|---|\n"
        for c in p.clusters {
            md += "| " + m(c.answer.isEmpty ? "(none)" : c.answer) + " | \(c.votes) | " + ReportFormat.probability(c.probabilityMass)
                + " | " + String(format: "%.1f%%", 100 * c.probabilityShare) + " | " + (c.correct.map { $0 ? "✓" : "✗" } ?? "—")
                + " | " + c.paths.map(String.init).joined(separator: ", ") + " |\n"
        }
        md += "\nPaths:\n\n"
        for path in p.paths {
            md += "- #\(path.index): answer **" + m(path.answer.isEmpty ? "(none)" : path.answer) + "**, p "
                + ReportFormat.probability(path.probability) + String(format: ", mean log-prob %.4f", path.meanLogprob)
                + (path.generatedTokens.map { ", \($0) tokens" } ?? "") + (path.finish.map { ", " + m($0) } ?? "")
                + (path.prunedByRPC ? ", pruned by RPC" : "") + "\n\n"
            md += Markup.markdownCodeBlock(path.text).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return md
    }
}
