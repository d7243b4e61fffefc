import Foundation
import QuorumRun

/// The progress line of `quorum run` on standard error (redrawn in place), and the final summary.
struct RunProgressLine: Sendable {
    /// Whether to draw the progress line: standard error is a terminal and `--quiet` was not given.
    let enabled: Bool

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Redraws the line for `p`.
    func show(_ p: SamplingProgress) {
        guard enabled else { return }
        var parts = ["problems \(p.problemsDone)/\(p.problemsTotal)"]
        if p.elapsed > 0 && p.pathsWritten > 0 {
            parts.append(String(format: "%.2f paths/s", Double(p.pathsWritten) / p.elapsed))
            parts.append(String(format: "%.1f tokens/s", Double(p.generatedTokens) / p.elapsed))
            let left = Double(p.pathsToWrite - p.pathsWritten) * p.elapsed / Double(p.pathsWritten)
            parts.append("ETA \(Self.duration(left))")
        } else if p.pathsToWrite > 0 {
            parts.append("sampling the first problem…")
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + parts.joined(separator: " · ")).utf8))
    }

    /// Ends the progress line (moves to a fresh line).
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    /// `1h02m`, `4m05s` or `12s`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
