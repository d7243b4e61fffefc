import QuorumCore

extension AdaDec {
    /// What the AdaDec rule committed and counted, whatever the source (``decode(_:configuration:)``).
    public struct Outcome: Sendable, Hashable {
        /// The committed tokens' ids (`nil` for a token from a source without ids), an end-of-generation token
        /// last when it ended the completion.
        public var ids: [Int?] = []
        /// Raw log-probability of each committed token.
        public var logprobs: [Double] = []
        /// The text, cut before a stop string.
        public var text = ""
        /// `.stop` or `.length`.
        public var finish = FinishReason.length
        /// Tokens committed (steps), those that paused, and paused steps whose winner was not the most likely
        /// candidate.
        public var steps = 0, pausedSteps = 0, changedSteps = 0

        /// An empty outcome.
        public init() {}
    }

    /// The AdaDec rule over `source`, the one loop behind the engine's and the server's AdaDec:
    ///
    ///     while steps < maxTokens:
    ///         step = source.next()                          (or the end of the completion)
    ///         token = step.greedy
    ///         if step.entropy ≥ τ and the step has candidates:          paused
    ///             roll out each top-B candidate greedily for ≤ L tokens (source.rollOut)
    ///             token = the candidate of the best AdaDec.score (ties: the more likely)
    ///         commit token; stop at an end-of-generation token or a stop string
    ///
    /// A winner that is the greedy token (``Candidate/isSame(as:)``) is committed as the greedy token. The
    /// configuration is taken as given (each transport validates its own); the caller owns `source`.
    public static func decode(_ source: inout some AdaDecSource, configuration c: Configuration) async throws -> Outcome {
        var o = Outcome()
        var matcher = StopStringMatcher(stops: c.stop)
        var ended = false
        while o.steps < c.maxTokens {
            let next = try await source.next(after: matcher.bytes, remaining: c.maxTokens - o.steps, configuration: c)
            guard case .step(let step) = next else {
                if case .end(let finish) = next { o.finish = finish }
                ended = true
                break
            }
            var commit = Commit(token: step.greedy, isGreedy: true, rollout: nil)
            if step.entropy >= c.threshold, !step.candidates.isEmpty {
                o.pausedSteps += 1
                var rollouts = step.candidates.map { Rollout(candidate: $0, after: matcher) }
                try await source.rollOut(&rollouts, configuration: c)
                let best = Self.best(rollouts.map(\.score))
                if best != 0 { o.changedSteps += 1 }
                let chosen = step.candidates[best]
                let isGreedy = chosen.isSame(as: step.greedy)
                commit = Commit(token: isGreedy ? step.greedy : chosen, isGreedy: isGreedy, rollout: best)
            }
            try await source.commit(commit)
            o.steps += 1
            o.ids.append(commit.token.id)
            o.logprobs.append(commit.token.logprob)
            if commit.token.endsGeneration || matcher.append(commit.token.bytes) {
                o.finish = .stop
                ended = true
                break
            }
        }
        if !ended, source.endedAfterCommitted { o.finish = .stop }
        o.text = matcher.text
        return o
    }
}
