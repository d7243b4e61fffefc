import QuorumCore

/// What a ``PathSampler`` is asked for: some paths of one problem's prompt.
public struct SamplingJob: Sendable, Hashable {
    /// The problem's id (for messages).
    public var problem: String
    /// The rendered prompt.
    public var prompt: String
    /// Text that every prompt of the run begins with (the template's leading literal text, e.g. the few-shot
    /// exemplars), which a sampler may prefill once and reuse; empty when there is none.
    public var sharedPrefix: String
    /// Stop strings; the text is cut before the first one.
    public var stop: [String]
    /// Decoder settings shared by the paths.
    public var decoder: DecoderSettings
    /// The seed of every path of the problem, by path index (`0..<samples`).
    public var seeds: [UInt32]
    /// The path indices wanted, ascending, each in `seeds.indices`.
    public var wanted: [Int]

    /// A job; see the properties.
    public init(
        problem: String, prompt: String, sharedPrefix: String = "", stop: [String], decoder: DecoderSettings,
        seeds: [UInt32], wanted: [Int]
    ) {
        self.problem = problem
        self.prompt = prompt
        self.sharedPrefix = sharedPrefix
        self.stop = stop
        self.decoder = decoder
        self.seeds = seeds
        self.wanted = wanted
    }
}

/// One sampled completion, before answer extraction.
public struct SampledPath: Sendable, Hashable {
    /// The path index.
    public var path: Int
    /// Its seed.
    public var seed: UInt32
    /// The completion text, cut before the stop string.
    public var text: String
    /// Why it ended.
    public var finish: FinishReason
    /// Generated token ids, when known.
    public var tokens: [Int]?
    /// Raw log-probability of each generated token (before temperature and truncation).
    public var logprobs: [Double]
    /// Prompt tokens the path was conditioned on.
    public var promptTokens: Int
    /// Tokens generated.
    public var generatedTokens: Int
    /// Wall-clock seconds attributed to the path.
    public var seconds: Double
    /// Per model (by short name): tokens generated and prefilled, when the decoder used more than the
    /// sampler's one model or counted them itself; `nil`: the sampler's model generated `generatedTokens` and
    /// prefilled `promptTokens`. FLOPs are filled in from ``PathSampler/parameterCounts``.
    public var usage: [String: Cost.ModelUsage]?
    /// Decoder-specific cost figures (leader share, switches, paused fraction, extra forward passes), copied
    /// into the path's `cost`.
    public var decoderCost: Cost?

    /// A path; see the properties.
    public init(
        path: Int, seed: UInt32, text: String, finish: FinishReason, tokens: [Int]?, logprobs: [Double],
        promptTokens: Int, generatedTokens: Int, seconds: Double, usage: [String: Cost.ModelUsage]? = nil,
        decoderCost: Cost? = nil
    ) {
        self.usage = usage
        self.decoderCost = decoderCost
        self.path = path
        self.seed = seed
        self.text = text
        self.finish = finish
        self.tokens = tokens
        self.logprobs = logprobs
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.seconds = seconds
    }
}

/// Samples reasoning paths with log-probabilities: the embedded engine (``LanguageModelPathSampler``) or an
/// OpenAI-compatible server.
///
/// A sampler must make a path's content a function of the prompt, the decoder settings and the path's seed
/// (for the embedded engine also of the other seeds of the problem, see ``LanguageModelPathSampler``), so
/// that a resumed run produces what an uninterrupted one would.
public protocol PathSampler: Sendable {
    /// What every path's `model` field says: `name@sha256-prefix`, or a served model's name.
    var modelIdentity: String { get }
    /// The model's short name, the key of `cost.per_model`.
    var modelName: String { get }
    /// Parameters of the model when known (FLOPs are 2 × parameters × tokens), else `nil` (FLOPs 0).
    var parameterCount: Int? { get }
    /// How many problems to sample at once (1 for the embedded engine, more for a fleet of servers).
    var concurrentProblems: Int { get }
    /// Parameters of every model the sampler uses, by short name (FLOPs per model); default: ``modelName``'s
    /// ``parameterCount``.
    var parameterCounts: [String: Int] { get }

    /// The paths `job.wanted` of `job.prompt`, in that order.
    func sample(_ job: SamplingJob) async throws -> [SampledPath]
}

extension PathSampler {
    public var parameterCounts: [String: Int] {
        parameterCount.map { [modelName: $0] } ?? [:]
    }
}
