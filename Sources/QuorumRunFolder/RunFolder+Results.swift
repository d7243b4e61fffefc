import Foundation
import QuorumCore
import QuorumEval

/// The files selection, evaluation and costing write into a run folder, each through its one writer.
extension RunFolder {
    /// Writes `selections.jsonl`: one ``SelectionsFile/line(_:file:)`` per selection, atomically.
    public func writeSelections(_ selections: [Selection]) throws(RunError) {
        var data = Data()
        for selection in selections { data += try SelectionsFile.line(selection, file: "selections.jsonl") }
        try Self.writeAtomically(data, to: selectionsFile)
    }

    /// Writes `eval.json` (``EvalReport/json(for:)`` and a newline) and `eval.md` (`markdown`), atomically.
    public func writeEvaluation(_ report: EvalReport, markdown: String) throws(RunError) {
        try Self.writeAtomically(report.json(for: "eval.json") + Data("\n".utf8), to: evalJSONFile)
        try writeEvalMarkdown(markdown)
    }

    /// Writes `eval.md` alone (runs that are not evaluated over the K grid: the cost tables).
    public func writeEvalMarkdown(_ markdown: String) throws(RunError) {
        try Self.writeAtomically(Data(markdown.utf8), to: evalMarkdownFile)
    }

    /// Writes `cost.json` (``RunCostSummary/encoded()``), atomically.
    public func writeCost(_ cost: RunCostSummary) throws(RunError) {
        try Self.writeAtomically(cost.encoded(), to: costFile)
    }

    /// Reads `run.json` back into the manifest that wrote it.
    /// - Throws: ``RunError/damagedRunFile(path:reason:)`` when it is missing, unreadable or not a manifest.
    public func readManifest() throws(RunError) -> RunManifest {
        guard let data = FileManager.default.contents(atPath: runFile) else {
            throw .damagedRunFile(path: runFile, reason: "missing or unreadable")
        }
        return try RunManifest.decode(data, file: runFile)
    }

    /// Reads `cost.json` back.
    public func readCost() throws(RunError) -> RunCostSummary {
        guard let data = FileManager.default.contents(atPath: costFile) else {
            throw .damagedRunFile(path: costFile, reason: "missing or unreadable")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(RunCostSummary.self, from: data)
        } catch {
            throw .damagedRunFile(path: costFile, reason: RunManifest.describe(error))
        }
    }

    /// Reads `selections.jsonl` back, line by line.
    /// - Throws: ``RunError/damagedPaths(_:reason:)`` naming the line that is not a selection.
    public func readSelections() throws(RunError) -> [Selection] {
        guard let data = FileManager.default.contents(atPath: selectionsFile) else {
            throw .damagedRunFile(path: selectionsFile, reason: "missing or unreadable")
        }
        var selections: [Selection] = []
        for line in JSONLines.lines(of: data) {
            do {
                selections.append(try JSONDecoder().decodeUTF8(Selection.self, from: line.bytes))
            } catch {
                throw .damagedPaths(
                    SourceLocation(file: selectionsFile, line: line.number),
                    reason: "not a selection (\(RunManifest.describe(error)))")
            }
        }
        return selections
    }
}

/// The lines of `selections.jsonl` and of `quorum select`'s output: a ``Selection`` as one JSON object, keys
/// sorted, slashes unescaped, and a newline.
public enum SelectionsFile {
    /// The line of `selection`; `file` is named when a number is not finite.
    public static func line(_ selection: Selection, file: String) throws(RunError) -> Data {
        try RunFileJSON.encode(selection, for: file, formatting: [.sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
    }
}

extension EvalReport {
    /// The report as `eval.json` holds it (pretty-printed, sorted keys; no newline after it); `file` is named
    /// when a number is not finite.
    public func json(for file: String) throws(RunError) -> Data {
        try RunFileJSON.encode(self, for: file, formatting: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }
}
