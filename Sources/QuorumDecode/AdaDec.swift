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
/// The chosen candidate's roll-out is what greedy decoding would compute next (its tokens are the argmax of
/// the same distributions: a row's logits do not depend on what shares its step), so the main loop takes it
/// over instead of recomputing it: the roll-out's fork becomes the sequence, and its distributions are used
/// while the main loop's tokens agree with the roll-out's. A step that pauses inside the taken-over stretch
/// truncates the sequence back to it first. The output is exactly that of recomputing.
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
        return try await decode(model, codec, sequence, prompt, c)
    }

    /// Decodes from `start`, which it owns (and frees, with whatever roll-out fork replaced it).
    private static func decode(
        _ model: any LanguageModel, _ codec: any TokenText, _ start: SequenceID, _ prompt: [Int], _ c: Configuration
    ) async throws -> Result {
        var sequence = start
        guard var d = try await prefillOrFree(model, sequence, prompt) else {
            await model.free(sequence)
            throw DecodeError.invalidRequest("no distribution after the prompt")
        }
        let eog = model.endOfGenerationTokens
        var matcher = StopStringMatcher(stops: c.stop)
        var r = Result(
            tokens: [], logprobs: [], text: "", finish: .length, steps: 0, pausedSteps: 0, changedSteps: 0,
            rolloutRows: 0, rolloutCalls: 0, reusedRows: 0, mainForwardPasses: 0)
        // Tokens `sequence` holds beyond the committed ones (a taken-over roll-out), each with the distribution
        // after it.
        var ahead: [(token: Int, next: NextTokenDistribution)] = []
        var length = try await model.tokens(of: sequence).count
        do {
            while r.tokens.count < c.maxTokens {
                var token = d.argmax
                if d.entropy >= c.threshold {
                    r.pausedSteps += 1
                    if !ahead.isEmpty {
                        try await model.truncate(sequence, to: length)
                        ahead = []
                    }
                    let choice = try await rerank(model, codec, sequence, d, matcher, eog, c, &r)
                    if choice.token != token { r.changedSteps += 1 }
                    token = choice.token
                    if let taken = choice.rollout {
                        await model.free(sequence)
                        sequence = taken.fork
                        ahead = taken.fed
                    }
                }
                r.steps += 1
                r.tokens.append(token)
                r.logprobs.append(d.logprob(of: token) ?? -.infinity)
                if eog.contains(token) || matcher.append(codec.bytes(of: token)) {
                    r.finish = .stop
                    break
                }
                if r.tokens.count >= c.maxTokens || length + 1 > model.contextLength { break }
                if let next = ahead.first, next.token == token {
                    ahead.removeFirst()
                    d = next.next
                    r.reusedRows += 1
                } else {
                    if !ahead.isEmpty {
                        try await model.truncate(sequence, to: length)
                        ahead = []
                    }
                    guard let next = try await model.step([StepRow(sequence: sequence, token: token)]).first else { break }
                    d = next
                    r.mainForwardPasses += 1
                }
                length += 1
            }
        } catch {
            await model.free(sequence)
            throw error
        }
        await model.free(sequence)
        r.text = matcher.text
        return r
    }

    /// The distribution after `prompt`; frees `sequence` when prefilling fails.
    private static func prefillOrFree(
        _ model: any LanguageModel, _ sequence: SequenceID, _ prompt: [Int]
    ) async throws -> NextTokenDistribution? {
        do {
            return try await model.prefill(sequence, tokens: prompt, distributions: 1).first
        } catch {
            await model.free(sequence)
            throw error
        }
    }

    /// A paused step's choice, and the chosen candidate's roll-out for the main loop to take over (its fork
    /// holds the sequence, the candidate and the roll-out tokens fed after it).
    private struct Choice {
        var token: Int
        var rollout: (fork: SequenceID, fed: [(token: Int, next: NextTokenDistribution)])?
    }

    /// The best of the top-B candidates after greedy roll-outs; the chosen one's fork is kept for the main loop.
    private static func rerank(
        _ model: any LanguageModel, _ codec: any TokenText, _ sequence: SequenceID, _ d: NextTokenDistribution,
        _ matcher: StopStringMatcher, _ eog: Set<Int>, _ c: Configuration, _ r: inout Result
    ) async throws -> Choice {
        let candidates = d.top(c.candidates)
        guard candidates.count > 1, c.lookahead > 0 else { return Choice(token: candidates.first?.id ?? d.argmax) }
        struct Rollout {
            var candidate: Int
            var sum: Double
            var length = 0
            var matcher: StopStringMatcher
            var fork: SequenceID?
            /// Tokens fed to the fork (the candidate first), each with the distribution after it.
            var fed: [(token: Int, next: NextTokenDistribution)] = []
            var done = false
        }
        var rollouts: [Rollout] = []
        func freeForks(except kept: SequenceID? = nil) async {
            for f in rollouts.compactMap(\.fork) where f != kept { await model.free(f) }
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
            while !rows.isEmpty {
                let next = try await model.step(rows)
                r.rolloutRows += rows.count
                r.rolloutCalls += 1
                for (k, dist) in next.enumerated() { rollouts[owners[k]].fed.append((rows[k].token, dist)) }
                rows = []
                owners = []
                for i in rollouts.indices where !rollouts[i].done {
                    guard let dist = rollouts[i].fed.last?.next else { continue }
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
            }
        } catch {
            await freeForks()
            throw error
        }
        let best = Self.best(rollouts.map { Self.score(sum: $0.sum, length: $0.length) })
        let kept = rollouts[best].fork
        await freeForks(except: kept)
        return Choice(token: rollouts[best].candidate, rollout: kept.map { ($0, rollouts[best].fed) })
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
