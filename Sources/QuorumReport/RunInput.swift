import Foundation
import QuorumCore
import QuorumRunFolder
import QuorumTasks

/// What a report reads from one run folder: the facts of `run.json` it shows, every path of `paths.jsonl`
/// and, when the task file can be found, the problems' questions.
///
/// `run.json` is read into the ``QuorumRunFolder/RunManifest`` the run wrote (one schema, owned by
/// QuorumRunFolder), `paths.jsonl` through its ``QuorumRunFolder/PathsReader``.
public struct RunInput: Sendable {
    /// The run folder as given.
    public var folder: String
    /// A short name: the folder's last path component.
    public var name: String
    /// The facts of `run.json`.
    public var manifest: RunManifest
    /// The paths, grouped by problem (paths.jsonl order), with lines the reader reported and ignored.
    public var groups: [PathGroup]
    public var warnings: [Rejection]
    /// The task set's problems by id, when the task file was found; otherwise empty.
    public var problems: [String: Problem]
    /// The problem ids in task-file order (when the task file was found).
    public var taskOrder: [String]
    /// Things the reader wants the reader of the report to know (e.g. task file not found).
    public var notes: [String]

    /// Reads `folder/run.json`, `folder/paths.jsonl` and the task file `run.json` names (or `tasksFile`).
    public static func load(folder: String, tasksFile: String? = nil) throws(ReportError) -> RunInput {
        let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .runFolder(path: folder, reason: "not a folder (give the --out folder of `quorum run`)")
        }
        let runFile = trimmed + "/run.json"
        guard let data = FileManager.default.contents(atPath: runFile) else {
            throw .runFolder(path: runFile, reason: "missing or unreadable: is \(folder) a run folder?")
        }
        let manifest: RunManifest
        do {
            manifest = try RunManifest.decode(data, file: runFile)
        } catch {
            if case .damagedRunFile(_, let reason) = error { throw .malformed(location: runFile, reason: reason) }
            throw .malformed(location: runFile, reason: error.description)
        }
        let pathsFile = trimmed + "/paths.jsonl"
        guard FileManager.default.fileExists(atPath: pathsFile) else {
            throw .runFolder(path: pathsFile, reason: "missing: the run has sampled nothing yet")
        }
        let groups: [PathGroup], warnings: [Rejection]
        do {
            (groups, warnings) = try PathsReader.read(file: pathsFile)
        } catch {
            throw .malformed(location: pathsFile, reason: error.description)
        }
        var notes: [String] = []
        var problems: [String: Problem] = [:]
        var order: [String] = []
        let taskPath = tasksFile ?? manifest.taskSet.path
        if FileManager.default.fileExists(atPath: taskPath) {
            do {
                let set = try TaskLoader.load(file: taskPath)
                for problem in set.problems where problems[problem.id] == nil {
                    problems[problem.id] = problem
                    order.append(problem.id)
                }
            } catch {
                notes.append("questions not shown: the task file \(taskPath) cannot be read (\(error))")
            }
        } else {
            notes.append(
                "questions not shown: the task file \(taskPath) named by run.json is not found from here "
                    + "(give it with --tasks)")
        }
        let name = URL(fileURLWithPath: trimmed).lastPathComponent
        return RunInput(
            folder: trimmed, name: name, manifest: manifest, groups: groups, warnings: warnings, problems: problems,
            taskOrder: order, notes: notes)
    }
}

extension RunManifest {
    /// The decoder with its settings, e.g. `sample T=0.7 ≤128 tokens`, as the report's tables name a run.
    public var decoderLabel: String {
        let s = decoder.settings
        var parts = [decoder.name, "T=" + Chart.number(s.temperature)]
        if s.topP < 1 { parts.append("top-p=" + Chart.number(s.topP)) }
        if s.topK > 0 { parts.append("top-k=\(s.topK)") }
        if s.minP > 0 { parts.append("min-p=" + Chart.number(s.minP)) }
        parts.append("≤\(s.maxTokens) tokens")
        if let f = s.foreal { parts.append("n=\(f.leadTokens) p=\(Self.text(f.leadProbability))") }
        if let a = s.adadec { parts.append("τ=\(Self.text(a.threshold)) L=\(a.lookahead) B=\(a.candidates)") }
        if let a = s.adaptive {
            parts.append("adaptive \(a.rule.rawValue)≥\(Self.text(a.threshold)) rounds of \(a.round)")
        }
        return parts.joined(separator: " ")
    }

    /// Whole numbers without ".0"; others in Swift's shortest exact form (τ = 0.4513 stays so).
    static func text(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
}
