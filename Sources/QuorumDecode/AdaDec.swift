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
/// Cost: ``Result/pausedSteps`` of ``Result/steps`` paused, and ``Result/extraForwardPasses`` token rows were
/// run for roll-outs (candidate tokens and roll-out tokens fed to forks of the sequence).
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
        /// Token rows run for roll-outs.
        public var extraForwardPasses: Int
        /// Token rows run by the main loop (prompt excluded).
        public var mainForwardPasses: Int

        /// Paused steps over steps.
        public var pausedFraction: Double { steps == 0 ? 0 : Double(pausedSteps) / Double(steps) }
    }

    /// Decodes `prompt` (after the prefilled `prefix`, when given) with AdaDec.
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
        do {
            let r = try await decode(model, codec, sequence, prompt, c)
            await model.free(sequence)
            return r
        } catch {
            await model.free(sequence)
            throw error
        }
    }

    private static func decode(
        _ model: any LanguageModel, _ codec: any TokenText, _ sequence: SequenceID, _ prompt: [Int], _ c: Configuration
    ) async throws -> Result {
        guard var d = try await model.prefill(sequence, tokens: prompt, distributions: 1).first else {
            throw DecodeError.invalidRequest("no distribution after the prompt")
        }
        let eog = model.endOfGenerationTokens
        var matcher = StopStringMatcher(stops: c.stop)
        var r = Result(
            tokens: [], logprobs: [], text: "", finish: .length, steps: 0, pausedSteps: 0, changedSteps: 0,
            extraForwardPasses: 0, mainForwardPasses: 0)
        var length = try await model.tokens(of: sequence).count
        while r.tokens.count < c.maxTokens {
            var token = d.argmax
            if d.entropy >= c.threshold {
                r.pausedSteps += 1
                let choice = try await rerank(model, codec, sequence, d, matcher, eog, c, &r)
                if choice != token { r.changedSteps += 1 }
                token = choice
            }
            r.steps += 1
            r.tokens.append(token)
            r.logprobs.append(d.logprob(of: token) ?? -.infinity)
            if eog.contains(token) || matcher.append(codec.bytes(of: token)) {
                r.finish = .stop
                break
            }
            if r.tokens.count >= c.maxTokens || length + 1 > model.contextLength { break }
            guard let next = try await model.step([StepRow(sequence: sequence, token: token)]).first else { break }
            d = next
            length += 1
            r.mainForwardPasses += 1
        }
        r.text = matcher.text
        return r
    }

    /// The best of the top-B candidates after greedy roll-outs.
    private static func rerank(
        _ model: any LanguageModel, _ codec: any TokenText, _ sequence: SequenceID, _ d: NextTokenDistribution,
        _ matcher: StopStringMatcher, _ eog: Set<Int>, _ c: Configuration, _ r: inout Result
    ) async throws -> Int {
        let candidates = d.top(c.candidates)
        guard candidates.count > 1, c.lookahead > 0 else { return candidates.first?.id ?? d.argmax }
        struct Rollout {
            var candidate: Int
            var sum: Double
            var length = 0
            var matcher: StopStringMatcher
            var fork: SequenceID?
            var distribution: NextTokenDistribution?
            var done = false
        }
        var rollouts: [Rollout] = []
        func freeForks() async {
            for f in rollouts.compactMap(\.fork) { await model.free(f) }
        }
        do {
        for cand in candidates {
            var m = matcher
            let ended = eog.contains(cand.id) || m.append(codec.bytes(of: cand.id))
            rollouts.append(Rollout(candidate: cand.id, sum: cand.logprob, matcher: m, done: ended))
        }
        // Feed each live candidate to a fork of the sequence, then extend the live roll-outs greedily.
        var rows: [StepRow] = []
        var owners: [Int] = []
        for i in rollouts.indices where !rollouts[i].done {
            let f = try await model.fork(sequence)
            rollouts[i].fork = f
            rows.append(StepRow(sequence: f, token: rollouts[i].candidate))
            owners.append(i)
        }
        var step = 0
        while !rows.isEmpty {
            let next = try await model.step(rows)
            r.extraForwardPasses += rows.count
            for (i, dist) in zip(owners, next) { rollouts[i].distribution = dist }
            rows = []
            owners = []
            for i in rollouts.indices where !rollouts[i].done {
                guard let dist = rollouts[i].distribution else { continue }
                let t = dist.argmax
                if eog.contains(t) {
                    rollouts[i].done = true
                    continue
                }
                rollouts[i].sum += dist.logprob(of: t) ?? -.infinity
                rollouts[i].length += 1
                if rollouts[i].matcher.append(codec.bytes(of: t)) || rollouts[i].length >= c.lookahead {
                    rollouts[i].done = true
                    continue
                }
                rows.append(StepRow(sequence: rollouts[i].fork!, token: t))
                owners.append(i)
            }
            step += 1
        }
        } catch {
            await freeForks()
            throw error
        }
        await freeForks()
        let best = Self.best(rollouts.map { Self.score(sum: $0.sum, length: $0.length) })
        return rollouts[best].candidate
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
