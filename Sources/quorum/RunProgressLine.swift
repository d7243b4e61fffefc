import Foundation
import QuorumRun

/// The progress line of `quorum run` on standard error (redrawn in place).
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
            parts.append("ETA \(RunOutcome.duration(left))")
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
}
