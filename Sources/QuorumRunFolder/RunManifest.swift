import Foundation
import QuorumCore
import QuorumTasks

/// `run.json`: everything that decides the content of a run's `paths.jsonl`, plus a few volatile facts (when,
/// with which tool, from which paths). Resuming compares the stored manifest with the new one after removing
/// the volatile fields (``volatileKeys``): task-set checksum, model identity, decoder settings, samples, seed,
/// template text and stop strings must agree.
public struct RunManifest: Sendable, Hashable, Codable {
    /// Version of this layout; 1.
    public var schemaVersion: Int
    /// The tool that wrote it, e.g. `quorum 0.1.0-dev` (volatile).
    public var tool: String
    /// When the run folder was created, ISO 8601 (volatile).
    public var created: String
    /// The task set.
    public var taskSet: TaskSetRecord
    /// The model.
    public var model: ModelRecord
    /// The decoder and its settings.
    public var decoder: DecoderRecord
    /// Paths per problem.
    public var samples: Int
    /// The run seed (`--seed`).
    public var seed: UInt64
    /// How per-path seeds follow from the run seed (``PathSeeds/derivation``).
    public var seedDerivation: String
    /// The prompt template.
    public var template: TemplateRecord
    /// The answer-equality rules used to select and evaluate.
    public var equivalence: Equivalence
    /// How code paths are run against their tests (`nil` for other kinds).
    public var execution: ExecutionSettings?

    /// A manifest; `created` defaults to now.
    public init(
        tool: String, created: Date = Date(), taskSet: TaskSetRecord, model: ModelRecord, decoder: DecoderRecord,
        samples: Int, seed: UInt64, template: TemplateRecord, equivalence: Equivalence, execution: ExecutionSettings? = nil
    ) {
        schemaVersion = 1
        self.tool = tool
        self.created = ISO8601DateFormatter().string(from: created)
        self.taskSet = taskSet
        self.model = model
        self.decoder = decoder
        self.samples = samples
        self.seed = seed
        seedDerivation = PathSeeds.derivation
        self.template = template
        self.equivalence = equivalence
        self.execution = execution
    }

    // Keys as run.json writes them (explicit, so that reading back needs no key strategy: FoReaL's `lead_prob`
    // is not what snake_case conversion would read).
    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", tool, created, taskSet = "task_set", model, decoder, samples, seed
        case seedDerivation = "seed_derivation", template, equivalence, execution
    }

    /// The answer-equality rules of a run, as `run.json` names them.
    public enum Equivalence: String, Sendable, Hashable, Codable {
        /// Quorum's equivalence for the problems' kind (``QuorumTasks/EquivalenceMode/default``).
        case `default`
        /// The RPC reference implementation's exact equality (``QuorumTasks/EquivalenceMode/reference``).
        case reference
        /// Code: programs are equal when they behave alike on the tests' inputs.
        case execution

        /// The equivalence mode of answer texts (`nil` for ``execution``).
        public var mode: EquivalenceMode? {
            switch self {
            case .default: .default
            case .reference: .reference
            case .execution: nil
            }
        }
    }

    /// Where a run's model runs.
    public enum Backend: String, Sendable, Hashable, Codable {
        /// The embedded GGUF engine, in process.
        case engine
        /// OpenAI-compatible servers.
        case http
    }

    /// The sandbox settings of a code run: its results depend on them.
    public struct ExecutionSettings: Sendable, Hashable, Codable {
        /// Seconds each test program may run (wall clock and CPU).
        public var timeoutSeconds: Double
        /// Address-space limit of each program, MiB.
        public var memoryMib: Int
        /// The interpreter (volatile).
        public var python: String?
        /// The interpreter's version (volatile).
        public var pythonVersion: String?
        /// The sandbox's layers as ``QuorumCode/SandboxEnvironment`` describes them (volatile; says
        /// `UNSAFE` when a run was made with fewer layers than asked).
        public var sandbox: String?

        enum CodingKeys: String, CodingKey {
            case timeoutSeconds = "timeout_seconds", memoryMib = "memory_mib", python, pythonVersion = "python_version"
            case sandbox
        }

        /// A record; see the properties.
        public init(
            timeoutSeconds: Double, memoryMib: Int, python: String? = nil, pythonVersion: String? = nil,
            sandbox: String? = nil
        ) {
            self.timeoutSeconds = timeoutSeconds
            self.memoryMib = memoryMib
            self.python = python
            self.pythonVersion = pythonVersion
            self.sandbox = sandbox
        }
    }

    /// The task set of a run.
    public struct TaskSetRecord: Sendable, Hashable, Codable {
        /// The file as given (volatile: the same file may be reached by another path).
        public var path: String
        /// SHA-256 of the file's bytes, hex.
        public var sha256: String
        /// The set's name (problem-id prefix).
        public var name: String
        /// The layout the loader recognised.
        public var layout: TaskLayout
        /// The kind of its problems.
        public var kind: TaskKind
        /// Problems in the file.
        public var problems: Int
        /// `--limit`: only the first `limit` problems are sampled; `nil` for all. Volatile: a later sitting
        /// may extend (or narrow) a run, since a path's seed depends only on its problem's index in the file;
        /// this records the first sitting's limit.
        public var limit: Int?

        /// A record; see the properties.
        public init(
            path: String, sha256: String, name: String, layout: TaskLayout, kind: TaskKind, problems: Int, limit: Int?
        ) {
            self.path = path
            self.sha256 = sha256
            self.name = name
            self.layout = layout
            self.kind = kind
            self.problems = problems
            self.limit = limit
        }
    }

    /// The model of a run.
    public struct ModelRecord: Sendable, Hashable, Codable {
        /// What every path's `model` field says: `name@sha256-prefix` for a GGUF file, the served model's
        /// name for a server.
        public var identity: String
        /// The embedded engine or servers.
        public var backend: Backend
        /// The GGUF file (volatile).
        public var file: String?
        /// SHA-256 of the GGUF file, hex.
        public var sha256: String?
        /// Parameters (tensor elements) of the model, when known; FLOPs are 2 × parameters × tokens.
        public var parameters: Int?
        /// The servers (volatile: a fleet may grow or shrink between sittings).
        public var endpoints: [String]?
        /// Forward-pass threads of the embedded engine (volatile).
        public var threads: Int?

        /// A record; see the properties.
        public init(
            identity: String, backend: Backend, file: String? = nil, sha256: String? = nil, parameters: Int? = nil,
            endpoints: [String]? = nil, threads: Int? = nil
        ) {
            self.identity = identity
            self.backend = backend
            self.file = file
            self.sha256 = sha256
            self.parameters = parameters
            self.endpoints = endpoints
            self.threads = threads
        }
    }

    /// The decoder of a run: its name and settings.
    public struct DecoderRecord: Sendable, Hashable, Codable {
        /// `sample` or `greedy`.
        public var name: String
        /// The settings.
        public var settings: DecoderSettings

        /// The record of `settings`.
        public init(_ settings: DecoderSettings) {
            name = settings.decoderName
            self.settings = settings
        }
    }

    /// The prompt template of a run.
    public struct TemplateRecord: Sendable, Hashable, Codable {
        /// `fewshot-math`, `fewshot-choice`, `chat` or `file`.
        public var name: String
        /// The whole template with its placeholders, few-shot exemplars written out.
        public var text: String
        /// Stop strings.
        public var stop: [String]
        /// The template file (volatile).
        public var file: String?
        /// Where the exemplars came from (volatile: their text is in ``text``).
        public var fewshotSource: String?
        /// Code runs: how the program is read from a path, `completion` (cut at the stops) or `chat` (the
        /// fenced block); `nil` for other kinds.
        public var codeAnswer: String?

        enum CodingKeys: String, CodingKey {
            case name, text, stop, file, fewshotSource = "fewshot_source", codeAnswer = "code_answer"
        }

        /// A record; see the properties.
        public init(
            name: String, text: String, stop: [String], file: String? = nil, fewshotSource: String? = nil,
            codeAnswer: String? = nil
        ) {
            self.name = name
            self.text = text
            self.stop = stop
            self.file = file
            self.fewshotSource = fewshotSource
            self.codeAnswer = codeAnswer
        }
    }

    /// Fields that may differ between sittings of one run, as dotted key paths of the JSON form.
    public static let volatileKeys: Set<String> = [
        "tool", "created", "task_set.path", "model.file", "model.endpoints", "model.threads", "template.file",
        "template.fewshot_source", "execution.python", "execution.python_version", "execution.sandbox", "task_set.limit",
    ]

    /// The manifest as `run.json` holds it (pretty-printed, sorted keys, snake_case).
    /// - Throws: ``RunError/nonFiniteField(file:key:value:)`` when a number is NaN or infinite (a setting that
    ///   slipped past validation): nothing is written rather than an empty or non-JSON `run.json`.
    public func encoded() throws(RunError) -> Data {
        try RunFileJSON.encode(
            self, for: "run.json", formatting: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes], snakeCase: true)
            + Data("\n".utf8)
    }

    /// The manifest stored in `data` (the contents of `file`, named in errors).
    /// - Throws: ``RunError/damagedRunFile(path:reason:)`` naming the field that is missing or of the wrong type.
    public static func decode(_ data: Data, file: String) throws(RunError) -> RunManifest {
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch {
            throw .damagedRunFile(path: file, reason: "not a run manifest: \(describe(error))")
        }
    }

    /// A decoding error in a few words: the dotted key path and what is wrong with it.
    public static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "no \"\(path(context.codingPath + [key]))\" field"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\"\(path(context.codingPath))\": \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? context.debugDescription : "\"\(path(context.codingPath))\": \(context.debugDescription)"
        default: return "\(error)"
        }
    }

    /// The differences that matter between a stored `run.json` and this manifest, as `key: old → new` lines
    /// (empty when the run may be resumed).
    public func differences(fromStored stored: Data, file: String) throws(RunError) -> [String] {
        guard let old = try? JSONSerialization.jsonObject(with: stored) as? [String: Any] else {
            throw .damagedRunFile(path: file, reason: "not a JSON object")
        }
        let encoded = try encoded()
        guard let new = try? JSONSerialization.jsonObject(with: encoded) as? [String: Any] else { return [] }
        var out: [String] = []
        Self.compare(old, new, prefix: "", into: &out)
        return out
    }

    private static func compare(_ old: [String: Any], _ new: [String: Any], prefix: String, into out: inout [String]) {
        for key in Set(old.keys).union(new.keys).sorted() {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if volatileKeys.contains(path) { continue }
            let a = old[key], b = new[key]
            if let a = a as? [String: Any], let b = b as? [String: Any] {
                compare(a, b, prefix: path, into: &out)
            } else if !same(a, b) {
                out.append("\(path): \(show(a)) → \(show(b))")
            }
        }
    }

    private static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x as NSNull, let y as NSNull): return x == y
        case (let x?, let y?):
            guard JSONSerialization.isValidJSONObject([x]), JSONSerialization.isValidJSONObject([y]) else { return false }
            return (x as? NSObject)?.isEqual(y) ?? false
        default: return false
        }
    }

    private static func show(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "(absent)" }
        guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed, .sortedKeys]),
            var text = String(data: data, encoding: .utf8)
        else { return "\(value)" }
        text = String(text.dropFirst().dropLast())
        return text.count > 120 ? String(text.prefix(117)) + "…" : text
    }
}
