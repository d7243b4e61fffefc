import Foundation
import QuorumCore
import QuorumTasks

/// What a report reads from one run folder: the facts of `run.json` it shows, every path of `paths.jsonl`
/// and, when the task file can be found, the problems' questions.
///
/// Reading is done here rather than through QuorumRun's types so that reports sit below the run layer;
/// only the fields a report shows are decoded from `run.json`, and unknown fields are ignored.
public struct RunInput: Sendable {
    /// The run folder as given.
    public var folder: String
    /// A short name: the folder's last path component.
    public var name: String
    /// The facts of `run.json`.
    public var manifest: RunFacts
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
        let manifest: RunFacts
        do {
            manifest = try JSONDecoder().decode(RunFacts.self, from: data)
        } catch {
            throw .malformed(location: runFile, reason: "not a run manifest: \(Self.describe(error))")
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

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "no \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\" field"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): context.debugDescription
        default: "\(error)"
        }
    }
}

/// The fields of `run.json` (docs/formats.md, "Run folders") that a report shows.
public struct RunFacts: Sendable, Hashable, Codable {
    public var tool: String?
    public var created: String?
    public var taskSet: TaskSetFacts
    public var model: ModelFacts
    public var decoder: DecoderFacts
    public var samples: Int
    public var seed: UInt64
    /// The answer-equality rules of the run: `default` or `reference`.
    public var equivalence: String?
    public var template: TemplateFacts?

    public struct TaskSetFacts: Sendable, Hashable, Codable {
        public var path: String
        public var name: String
        public var kind: String
        public var sha256: String?
        public var problems: Int?
        public var limit: Int?
    }

    public struct ModelFacts: Sendable, Hashable, Codable {
        public var identity: String
        public var backend: String
        public var parameters: Int?
    }

    public struct DecoderFacts: Sendable, Hashable, Codable {
        public var name: String
        public var settings: [String: Double]
    }

    public struct TemplateFacts: Sendable, Hashable, Codable {
        public var name: String
    }

    enum CodingKeys: String, CodingKey {
        case tool, created, taskSet = "task_set", model, decoder, samples, seed, equivalence, template
    }

    /// The decoder with its settings, e.g. `sample T=0.7 top-p=1 max 128 tokens`.
    public var decoderLabel: String {
        let s = decoder.settings
        var parts = [decoder.name]
        if let t = s["temperature"] { parts.append("T=" + Chart.number(t)) }
        if let p = s["top_p"], p < 1 { parts.append("top-p=" + Chart.number(p)) }
        if let k = s["top_k"], k > 0 { parts.append("top-k=" + Chart.number(k)) }
        if let m = s["min_p"], m > 0 { parts.append("min-p=" + Chart.number(m)) }
        if let m = s["max_tokens"] { parts.append("≤" + Chart.number(m) + " tokens") }
        return parts.joined(separator: " ")
    }
}
