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
        /// The numeric settings (temperature, top_p, max_tokens, …).
        public var settings: [String: Double]
        /// Settings groups of the cheap decoders and of early stopping (`foreal`, `adadec`, `adaptive`), each
        /// value as text.
        public var groups: [String: [String: String]]

        public init(name: String, settings: [String: Double], groups: [String: [String: String]] = [:]) {
            self.name = name
            self.settings = settings
            self.groups = groups
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            settings = [:]
            groups = [:]
            for (key, value) in try c.decode([String: SettingValue].self, forKey: .settings) {
                switch value {
                case .number(let x): settings[key] = x
                case .text(let t): groups[key] = ["value": t]
                case .group(let g): groups[key] = g
                }
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            var all: [String: SettingValue] = settings.mapValues { .number($0) }
            for (key, group) in groups { all[key] = .group(group) }
            try c.encode(all, forKey: .settings)
        }

        enum CodingKeys: String, CodingKey { case name, settings }

        /// A setting in `run.json`: a number, a text, or a group of numbers and texts.
        enum SettingValue: Codable {
            case number(Double)
            case text(String)
            case group([String: String])

            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let x = try? c.decode(Double.self) {
                    self = .number(x)
                } else if let t = try? c.decode(String.self) {
                    self = .text(t)
                } else if let b = try? c.decode(Bool.self) {
                    self = .text(b ? "true" : "false")
                } else {
                    let object = try c.decode([String: Scalar].self)
                    self = .group(object.mapValues(\.text))
                }
            }

            func encode(to encoder: any Encoder) throws {
                var c = encoder.singleValueContainer()
                switch self {
                case .number(let x): try c.encode(x)
                case .text(let t): try c.encode(t)
                case .group(let g): try c.encode(g)
                }
            }
        }

        /// A number, text or flag inside a settings group, as text.
        struct Scalar: Decodable {
            var text: String
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let x = try? c.decode(Double.self) {
                    // Whole numbers without ".0"; others in Swift's shortest exact form (τ = 0.4513 stays so).
                    text = x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
                } else if let b = try? c.decode(Bool.self) {
                    text = b ? "true" : "false"
                } else {
                    text = try c.decode(String.self)
                }
            }
        }
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
        let g = decoder.groups
        if let f = g["foreal"] {
            parts.append("n=\(f["lead_tokens"] ?? "?") p=\(f["lead_prob"] ?? "?")")
        }
        if let a = g["adadec"] {
            parts.append("τ=\(a["threshold"] ?? "?") L=\(a["lookahead"] ?? "?") B=\(a["candidates"] ?? "?")")
        }
        if let a = g["adaptive"] {
            parts.append("adaptive \(a["rule"] ?? "?")≥\(a["threshold"] ?? "?") rounds of \(a["round"] ?? "?")")
        }
        return parts.joined(separator: " ")
    }
}
