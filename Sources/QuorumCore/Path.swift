import Foundation

/// What producing one path cost.
public struct Cost: Sendable, Codable, Hashable {
    /// Tokens of prompt that were prefilled for this path.
    public var promptTokens: Int
    /// Tokens generated for this path.
    public var generatedTokens: Int
    /// Estimated floating-point operations (2 × parameters × tokens, summed over models).
    public var flops: Double
    /// Wall-clock seconds spent on this path.
    public var seconds: Double
    /// Per model: tokens generated and tokens prefilled.
    public var perModel: [String: ModelUsage]
    /// Two-model decoders (FoReaL): the leader's share of the tokens of the path's text; `nil` otherwise.
    public var leaderShare: Double?
    /// Two-model decoders: how often the writing model changed; `nil` otherwise.
    public var switches: Int?
    /// AdaDec: the fraction of decoding steps that paused to look ahead; `nil` for other decoders.
    public var pausedFraction: Double?
    /// AdaDec: token rows run for look-ahead roll-outs that the main loop did not take over (the work beyond
    /// greedy decoding's one row per generated token); `nil` otherwise.
    public var extraForwardPasses: Int?
    /// AdaDec: paused steps whose reranked token differed from the greedy one; `nil` when not reported.
    public var changedSteps: Int?
    /// Decoders over servers: completion requests sent for the path (roll-outs and probes included); `nil`
    /// otherwise.
    public var requests: Int?
    /// AdaDec: model calls (batched forward passes) beyond greedy decoding's one per generated token; `nil`
    /// otherwise. The roll-outs of a paused step advance together, one call per look-ahead token, and the
    /// chosen candidate's calls are not extra when the main loop takes its roll-out over.
    public var extraModelCalls: Int?

    /// Copies the decoder-specific fields of `other` (leader share, switches, paused fraction, extra forward
    /// passes, extra model calls, changed steps, requests), leaving the token, FLOPs and time fields alone. A new
    /// decoder field is added here, beside its declaration.
    public mutating func takeDecoderFields(of other: Cost) {
        leaderShare = other.leaderShare
        switches = other.switches
        pausedFraction = other.pausedFraction
        extraForwardPasses = other.extraForwardPasses
        extraModelCalls = other.extraModelCalls
        changedSteps = other.changedSteps
        requests = other.requests
    }

    /// One model's share of a path's cost.
    public struct ModelUsage: Sendable, Codable, Hashable {
        /// Tokens the model generated (every forward step that produced a token, discarded ones included).
        public var generated: Int
        /// Tokens the model prefilled (prompt and text written by another model).
        public var prefilled: Int
        /// 2 × parameters × (generated + prefilled); 0 when the parameter count is unknown.
        public var flops: Double
        /// Of `prefilled`, the tokens of the prompt in this model's tokenizer, when the decoder reports it (two
        /// models tokenize the prompt differently); `nil` otherwise.
        public var prompt: Int?
        /// Wall-clock seconds spent waiting on this model, when the decoder times its models apart (FoReaL);
        /// `nil` otherwise.
        public var seconds: Double?
        /// A usage; see the properties.
        public init(generated: Int, prefilled: Int, flops: Double = 0, prompt: Int? = nil, seconds: Double? = nil) {
            self.generated = generated
            self.prefilled = prefilled
            self.flops = flops
            self.prompt = prompt
            self.seconds = seconds
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            generated = try c.decodeIfPresent(Int.self, forKey: .generated) ?? 0
            prefilled = try c.decodeIfPresent(Int.self, forKey: .prefilled) ?? 0
            flops = try c.decodeIfPresent(Double.self, forKey: .flops) ?? 0
            prompt = try c.decodeIfPresent(Int.self, forKey: .prompt)
            seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
        }

        enum CodingKeys: String, CodingKey { case generated, prefilled, flops, prompt, seconds }
    }

    public init(
        promptTokens: Int = 0, generatedTokens: Int = 0, flops: Double = 0, seconds: Double = 0,
        perModel: [String: ModelUsage] = [:]
    ) {
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.flops = flops
        self.seconds = seconds
        self.perModel = perModel
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", generatedTokens = "generated_tokens", flops, seconds
        case perModel = "per_model", leaderShare = "leader_share", switches, pausedFraction = "paused_fraction"
        case extraForwardPasses = "extra_forward_passes", extraModelCalls = "extra_model_calls"
        case changedSteps = "changed_steps", requests
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try c.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        generatedTokens = try c.decodeIfPresent(Int.self, forKey: .generatedTokens) ?? 0
        flops = try c.decodeIfPresent(Double.self, forKey: .flops) ?? 0
        seconds = try c.decodeIfPresent(Double.self, forKey: .seconds) ?? 0
        perModel = try c.decodeIfPresent([String: ModelUsage].self, forKey: .perModel) ?? [:]
        leaderShare = try c.decodeIfPresent(Double.self, forKey: .leaderShare)
        switches = try c.decodeIfPresent(Int.self, forKey: .switches)
        pausedFraction = try c.decodeIfPresent(Double.self, forKey: .pausedFraction)
        extraForwardPasses = try c.decodeIfPresent(Int.self, forKey: .extraForwardPasses)
        changedSteps = try c.decodeIfPresent(Int.self, forKey: .changedSteps)
        requests = try c.decodeIfPresent(Int.self, forKey: .requests)
        extraModelCalls = try c.decodeIfPresent(Int.self, forKey: .extraModelCalls)
    }
}

/// Why generation of a path ended.
public enum FinishReason: String, Sendable, Codable, Hashable {
    /// A stop string or the end-of-sequence token.
    case stop
    /// The token budget ran out.
    case length
    /// Cancelled or failed part-way.
    case aborted
}

/// One sampled reasoning path: a line of `paths.jsonl` (see `docs/formats.md`).
public struct ReasoningPath: Sendable, Codable, Hashable {
    /// The problem's identifier.
    public var problem: String
    /// The path's index within its problem, 0-based, in sampling order.
    public var path: Int
    /// The model identity, `name@sha256-prefix`, or a URL for a server.
    public var model: String?
    /// The decoder that produced it (`sample`, `greedy`, `foreal`, `adadec`).
    public var decoder: String?
    /// Sampling parameters, including the seed, as numbers.
    public var params: [String: Double]?
    /// The full completion text.
    public var text: String
    /// The extracted, normalised answer; `""` when none could be extracted.
    public var answer: String
    /// Why generation ended.
    public var finish: FinishReason?
    /// Generated token ids, when known.
    public var tokens: [Int]?
    /// Raw model log-probability of each generated token (before temperature and truncation), when known.
    public var logprobs: [Double]?
    /// Mean of ``logprobs``; required by PPL, PC and RPC.
    public var meanLogprob: Double
    /// Sum of ``logprobs``.
    public var sumLogprob: Double?
    /// What the path cost.
    public var cost: Cost?
    /// Per-path score supplied by another tool (e.g. a reward model), for weighted selection.
    public var score: Double?
    /// For code problems: the outcome of running the path's program against the task's tests, when it was
    /// run; `nil` (and absent from the JSON) otherwise.
    public var execution: ExecutionRecord?

    public init(
        problem: String, path: Int, text: String, answer: String, meanLogprob: Double,
        sumLogprob: Double? = nil, tokens: [Int]? = nil, logprobs: [Double]? = nil,
        model: String? = nil, decoder: String? = nil, params: [String: Double]? = nil,
        finish: FinishReason? = nil, cost: Cost? = nil, score: Double? = nil, execution: ExecutionRecord? = nil
    ) {
        self.problem = problem
        self.path = path
        self.text = text
        self.answer = answer
        self.meanLogprob = meanLogprob
        self.sumLogprob = sumLogprob
        self.tokens = tokens
        self.logprobs = logprobs
        self.model = model
        self.decoder = decoder
        self.params = params
        self.finish = finish
        self.cost = cost
        self.score = score
        self.execution = execution
    }

    /// The path probability used by PPL, PC and RPC: `exp(meanLogprob)`, the inverse perplexity.
    public var probability: Double { exp(meanLogprob) }

    enum CodingKeys: String, CodingKey {
        case problem, path, model, decoder, params, text, answer, finish, tokens, logprobs, cost, score, execution
        case meanLogprob = "mean_logprob", sumLogprob = "sum_logprob"
    }
}
