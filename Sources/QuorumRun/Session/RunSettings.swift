import Foundation
import QuorumCode
import QuorumCore
import QuorumRunFolder
import QuorumTasks

/// Everything a ``RunSession`` needs: what `quorum run` takes on its command line, as values.
public struct RunSettings: Sendable {
    /// The task file and how to load it.
    public var taskFile: String
    /// Loader options (the decompression cap).
    public var taskLoadOptions: TaskLoadOptions
    /// A catalogue model name, a `.gguf` file, or servers `http://HOST:PORT/v1[,URL2…]` (see ``RunModel``).
    public var model: String
    /// With servers: the model name to request (default: the one model every server lists).
    public var servedModel: String?
    /// With servers: the environment variable holding the API key.
    public var apiKeyVariable: String
    /// With servers: requests in flight per server at most.
    public var requestsPerServer: Int
    /// With servers: deadlines and wait notices.
    public var timeouts: ServerTimeouts
    /// The embedded engine's forward-pass threads (default: the available cores).
    public var threads: Int?
    /// Most paths the embedded engine advances per forward step.
    public var maxBatch: Int
    /// Paths per problem (the most, with early stopping).
    public var samples: Int
    /// The decoder and its settings as run.json records them, except AdaDec's τ when ``adadecThreshold`` is
    /// `nil` (then the stored calibration, ``AdaDecStore``, gives it).
    public var decoder: DecoderSettings
    /// AdaDec: τ as given; `nil` looks up the calibration stored for the model and template.
    public var adadecThreshold: Double?
    /// The run seed.
    public var seed: UInt64
    /// A built-in template's name or a template file (default: by the problems' kind).
    public var template: String?
    /// Few-shot exemplars file.
    public var fewshot: String?
    /// Sample only the first `limit` problems.
    public var limit: Int?
    /// Code problems: the sandbox's boundary and interpreter.
    public var sandbox: SandboxOptions
    /// Code problems: seconds each program may run against its tests.
    public var timeout: Double
    /// Code problems: address-space limit of each program, MiB.
    public var memoryMib: Int
    /// Code problems: programs run at once (default: the processors).
    public var jobs: Int?
    /// The run folder.
    public var out: String
    /// Discard a run with other settings in the folder.
    public var force: Bool
    /// Also write a report of the run into `out/report`.
    public var report: Bool
    /// What run.json's `tool` says, e.g. `quorum 0.1.0-dev`.
    public var tool: String

    /// Settings with `quorum run`'s defaults for what is not given.
    public init(
        taskFile: String, taskLoadOptions: TaskLoadOptions = TaskLoadOptions(), model: String = "smollm2-135m",
        servedModel: String? = nil, apiKeyVariable: String = "OPENAI_API_KEY", requestsPerServer: Int = 8,
        timeouts: ServerTimeouts = ServerTimeouts(request: .seconds(300), connect: .seconds(10), waitNotice: .seconds(30)),
        threads: Int? = nil, maxBatch: Int = 16, samples: Int, decoder: DecoderSettings, adadecThreshold: Double? = nil,
        seed: UInt64 = 0, template: String? = nil, fewshot: String? = nil, limit: Int? = nil,
        sandbox: SandboxOptions = SandboxOptions(), timeout: Double = 10, memoryMib: Int = 1024, jobs: Int? = nil,
        out: String, force: Bool = false, report: Bool = false, tool: String
    ) {
        self.taskFile = taskFile
        self.taskLoadOptions = taskLoadOptions
        self.model = model
        self.servedModel = servedModel
        self.apiKeyVariable = apiKeyVariable
        self.requestsPerServer = requestsPerServer
        self.timeouts = timeouts
        self.threads = threads
        self.maxBatch = maxBatch
        self.samples = samples
        self.decoder = decoder
        self.adadecThreshold = adadecThreshold
        self.seed = seed
        self.template = template
        self.fewshot = fewshot
        self.limit = limit
        self.sandbox = sandbox
        self.timeout = timeout
        self.memoryMib = memoryMib
        self.jobs = jobs
        self.out = out
        self.force = force
        self.report = report
        self.tool = tool
    }
}

/// What a ``RunSession`` tells as it goes, in order.
public enum RunEvent: Sendable {
    /// A line for the user (standard error in the CLI): notes, warnings, the sandbox in use.
    case message(String)
    /// Sampling advanced.
    case progress(SamplingProgress)
    /// Sampling ended (a progress line may be cleared).
    case samplingFinished
    /// Text of the results (standard output in the CLI): the tables, the summary line.
    case output(String)
}
