import QuorumCore

/// AdaDec: entropy-triggered pause-then-rerank decoding (arXiv 2506.08980; docs/decoders.md).
///
/// Greedy decoding, except at steps whose next-token entropy H (nats, over the full vocabulary) is at least
/// τ: there the top-B candidates are each followed by a greedy roll-out of up to L tokens (stopping early at an
/// end-of-generation token or a stop string), scored by the mean log-probability of the candidate and its
/// roll-out, `(log p(c) + Σ roll-out log-probs) / (1 + roll-out length)` (λ = 1), and the best candidate —
/// only that token — is committed. Only real roll-out tokens are counted (the reference code keeps adding
/// log-probabilities after a roll-out ended). The B roll-outs advance together in one batched step per token.
///
/// The rule is written once, ``decode(_:configuration:)``, over an ``AdaDecSource`` (where the steps and the
/// roll-outs come from); ``generate(model:prompt:prefix:configuration:)`` runs it on the engine, QuorumHTTP's
/// `ServerAdaDec` over an OpenAI-compatible server.
///
/// On the engine, the chosen candidate's roll-out is what greedy decoding would compute next (its tokens are
/// the argmax of the same distributions: a row's logits do not depend on what shares its step), so the main
/// loop takes it over instead of recomputing it: the roll-out's fork becomes the sequence, and its
/// distributions are used while the main loop's tokens agree with the roll-out's. A step that pauses inside
/// the taken-over stretch truncates the sequence back to it first. The output is exactly that of recomputing.
///
/// Cost: ``Result/pausedSteps`` of ``Result/steps`` paused; ``Result/extraForwardPasses`` token rows were run for
/// roll-outs and not taken over by the main loop; ``Result/extraModelCalls`` model calls (batched forward
/// passes) were made beyond greedy decoding's one per token.
public enum AdaDec {
    /// The knobs.
    public struct Configuration: Sendable, Hashable {
        /// τ: entropy (nats) at or above which a step pauses.
        public var threshold: Double
        /// L: greedy roll-out tokens per candidate (default 5).
        public var lookahead: Int
        /// B: candidates (default 3).
        public var candidates: Int
        /// The most tokens generated.
        public var maxTokens: Int
        /// Strings that end the completion (its text is cut before the first).
        public var stop: [String]

        /// A configuration; see the properties.
        public init(threshold: Double, lookahead: Int = 5, candidates: Int = 3, maxTokens: Int = 256, stop: [String] = []) {
            self.threshold = threshold
            self.lookahead = lookahead
            self.candidates = candidates
            self.maxTokens = maxTokens
            self.stop = stop
        }
    }

    /// A completion and its cost.
    public struct Result: Sendable, Hashable {
        /// The generated tokens (an end-of-generation token last when it ended the completion).
        public var tokens: [Int]
        /// Raw log-probability of each.
        public var logprobs: [Double]
        /// The text, cut before a stop string.
        public var text: String
        /// `.stop` or `.length`.
        public var finish: FinishReason
        /// Decoding steps (tokens chosen).
        public var steps: Int
        /// Steps that paused to rerank.
        public var pausedSteps: Int
        /// Steps at which the reranked choice differed from the greedy one.
        public var changedSteps: Int
        /// Token rows run for roll-outs (candidates and roll-out tokens fed to forks).
        public var rolloutRows: Int
        /// Model calls made for roll-outs (each advances all live roll-outs of a paused step by one token).
        public var rolloutCalls: Int
        /// Roll-out rows the main loop took over instead of computing them again.
        public var reusedRows: Int
        /// Token rows run by the main loop (prompt excluded).
        public var mainForwardPasses: Int

        /// Roll-out token rows beyond greedy decoding's work: those not taken over by the main loop.
        public var extraForwardPasses: Int { rolloutRows - reusedRows }
        /// Model calls beyond greedy decoding's one per fed token: every roll-out call, less the main-loop calls
        /// that taking over a roll-out row saved (at most one per roll-out call).
        public var extraModelCalls: Int { rolloutCalls - reusedRows }

        /// Paused steps over steps.
        public var pausedFraction: Double { steps == 0 ? 0 : Double(pausedSteps) / Double(steps) }
    }

    /// Decodes `prompt` (after the prefilled `prefix`, when given) with AdaDec on `model`: the rule of
    /// ``decode(_:configuration:)`` over the engine's source (roll-outs on forks, the chosen roll-out taken over).
    public static func generate(
        model: any LanguageModel, prompt: [Int], prefix: SequenceID? = nil, configuration c: Configuration
    ) async throws -> Result {
        guard c.threshold.isFinite, c.threshold >= 0 else { throw DecodeError.invalidRequest("τ must be a finite entropy ≥ 0") }
        guard c.lookahead >= 0, c.candidates >= 1, c.maxTokens >= 0 else {
            throw DecodeError.invalidRequest("lookahead ≥ 0, candidates ≥ 1 and max tokens ≥ 0 are required")
        }
        guard !prompt.isEmpty else { throw DecodeError.invalidRequest("the prompt has no tokens") }
        guard let codec = model.text else { throw DecodeError.noTokenizer("AdaDec") }
        let sequence: SequenceID
        if let prefix { sequence = try await model.fork(prefix) } else { sequence = try await model.makeSequence() }
        var source = try await AdaDecEngineSource(model: model, codec: codec, start: sequence, prompt: prompt)
        let o: Outcome
        do {
            o = try await decode(&source, configuration: c)
        } catch {
            await source.close()
            throw error
        }
        await source.close()
        return Result(
            tokens: o.ids.compactMap { $0 }, logprobs: o.logprobs, text: o.text, finish: o.finish, steps: o.steps,
            pausedSteps: o.pausedSteps, changedSteps: o.changedSteps, rolloutRows: source.rolloutRows,
            rolloutCalls: source.rolloutCalls, reusedRows: source.reusedRows, mainForwardPasses: source.mainForwardPasses)
    }

    /// A candidate's score: the mean log-probability of the candidate and its real roll-out tokens,
    /// `sum / (1 + length)` where `sum` is log p(c) plus the roll-out's log-probabilities (λ = 1).
    public static func score(sum: Double, length: Int) -> Double { sum / Double(1 + length) }

    /// The index of the highest score; ties keep the earlier (more likely) candidate.
    public static func best(_ scores: [Double]) -> Int {
        var best = 0
        for i in scores.indices where scores[i] > scores[best] { best = i }
        return best
    }
}
