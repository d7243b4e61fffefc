import Foundation
import QuorumCore
import QuorumEval
import QuorumRunFolder
import QuorumSelect
import QuorumTasks

/// What a ``RunSession`` did: the sampling, the cost, the evaluation (when the run was evaluated over the K
/// grid) and where the results are.
public struct RunOutcome: Sendable {
    /// What was sampled in this sitting and found from earlier ones.
    public var sampling: SamplingReport
    /// cost.json.
    public var cost: RunCostSummary
    /// The evaluation; `nil` when no problem has a gold answer, and for early-stopping runs.
    public var evaluation: RunEvaluation?
    /// The run folder.
    public var folder: String
    /// The report's folder, when one was written.
    public var reportFolder: String?

    /// An outcome; see the properties.
    public init(
        sampling: SamplingReport, cost: RunCostSummary, evaluation: RunEvaluation?, folder: String,
        reportFolder: String? = nil
    ) {
        self.sampling = sampling
        self.cost = cost
        self.evaluation = evaluation
        self.folder = folder
        self.reportFolder = reportFolder
    }

    /// The final one-line summary: what was sampled, how fast, the headline accuracies, where the results are.
    public var summary: String {
        let r = sampling
        let total = r.pathsWritten + r.pathsFound
        var text = "\(r.problems) problems × \(total / max(1, r.problems)) paths"
        if cost.fewestPaths != cost.mostPaths {
            text = String(format: "%d problems × %.2f paths (%d–%d)", r.problems, cost.pathsPerProblem, cost.fewestPaths, cost.mostPaths)
        }
        if r.pathsWritten > 0 {
            text += String(
                format: " (%d sampled in %@: %.2f paths/s, %.1f tokens/s", r.pathsWritten,
                Self.duration(r.seconds), Double(r.pathsWritten) / r.seconds, Double(r.generatedTokens) / r.seconds)
            text += r.pathsFound > 0 ? "; \(r.pathsFound) were already there)" : ")"
        } else {
            text += " (all already sampled)"
        }
        text += String(format: "; %.4g FLOPs", cost.flops)
        if let share = cost.leaderShare { text += String(format: ", leader share %.3f", share) }
        if let paused = cost.pausedFraction { text += String(format: ", paused %.4f", paused) }
        if let calls = cost.extraModelCalls, cost.generatedTokens > 0 {
            text += String(format: ", extra model calls %.1f %%", 100 * Double(calls) / Double(cost.generatedTokens))
        }
        guard let evaluation else {
            if !cost.accuracyAllPaths.isEmpty {
                text += "; accuracy over all paths " + [SelectionMethod.sc, .rpc].compactMap { m in
                    cost.accuracyAllPaths[m].map { String(format: "%@ %.1f%%", m.rawValue.uppercased(), $0) }
                }.joined(separator: ", ")
            }
            return text + "; results in \(folder)/ (cost.json, paths.jsonl, run.json)"
        }
        let largest = evaluation.ks.last ?? 1
        let accuracies = evaluation.methods.compactMap { method in
            evaluation.accuracy(method, k: largest).map { String(format: "%@ %.1f%%", method.rawValue.uppercased(), $0) }
        }
        if let code = evaluation.code, let single = code.passAtK["1"] {
            text += String(format: "; pass@1 %.1f%%", 100 * single) + ", selected at K=\(largest) "
                + accuracies.joined(separator: ", ")
        } else if let single = evaluation.accuracy(.sc, k: 1) {
            text += String(format: "; accuracy K=1 %.1f%%", single) + ", K=\(largest) " + accuracies.joined(separator: ", ")
        }
        return text + "; results in \(folder)/ (eval.md, eval.json, selections.jsonl, cost.json, paths.jsonl, run.json)"
    }

    /// `1h02m`, `4m05s` or `12s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}

extension RunEvaluation {
    /// eval.md: the tables over the K grid, the code section of a code run, and the cost tables.
    public func markdown(cost: RunCostSummary) -> String {
        var markdown = EvalReport.markdown(result, seeds: seeds.count)
        if let code {
            let largest = ks.last ?? 1
            let selected = methods.compactMap { method in
                accuracy(method, k: largest).map { (method: method.rawValue, passRate: $0) }
            }
            markdown += "\n" + code.markdown(selected: selected)
        }
        return markdown + "\n" + cost.markdown
    }

    /// eval.json's record of this evaluation of a run of `kind`.
    public func report(kind: TaskKind) -> EvalReport {
        var report = EvalReport(
            result: result, seeds: seeds, ks: ks, kind: kind.rawValue, equality: code == nil ? "default" : "execution")
        report.code = code
        return report
    }
}
