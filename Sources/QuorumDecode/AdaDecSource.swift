import QuorumCore

/// Where AdaDec's steps and roll-outs come from (``AdaDec/decode(_:configuration:)``): the seam between the
/// one AdaDec rule and a transport. The embedded engine implements it over a ``LanguageModel`` sequence (one
/// forward pass per step, roll-outs on forks; ``AdaDec/generate(model:prompt:prefix:configuration:)``), and
/// QuorumHTTP over an OpenAI-compatible server (greedy chunks read position by position, one roll-out request
/// per candidate; `ServerAdaDec`), so the pause, the scoring, the choice, stop strings, the token limit and
/// the counters are one code for both, as ``FoReaLWriter`` does for FoReaL.
///
/// The loop calls, per step: ``next(after:remaining:configuration:)``; at a paused step
/// ``rollOut(_:configuration:)``; then ``commit(_:)``. A source keeps its own cost counters. The caller owns
/// the source and calls ``close()`` when done, also after an error.
public protocol AdaDecSource {
    /// The next position after the committed text `text` (the completion's bytes so far): its greedy token,
    /// entropy and candidates, or the end of the completion.
    /// - Parameter remaining: tokens the completion may still take (at least 1).
    mutating func next(
        after text: [UInt8], remaining: Int, configuration: AdaDec.Configuration
    ) async throws -> AdaDec.Next
    /// At a paused step: extends each roll-out that has not ``AdaDec/Rollout/ended`` greedily by up to
    /// `configuration.lookahead` tokens after its candidate, adding each real roll-out token's log-probability
    /// to ``AdaDec/Rollout/sum`` and counting it in ``AdaDec/Rollout/length`` (an end-of-generation token ends
    /// a roll-out without being counted; a stop string ends it). A roll-out left as given scores its
    /// candidate alone. Called once at every paused step, in the order of the step's candidates.
    mutating func rollOut(_ rollouts: inout [AdaDec.Rollout], configuration: AdaDec.Configuration) async throws
    /// Makes `commit.token` the completion's next token: the next ``next(after:remaining:configuration:)``
    /// continues after it.
    mutating func commit(_ commit: AdaDec.Commit) async throws
    /// Whether the source already saw the completion end right after the committed tokens without an end
    /// token of its own (a server's chunk that ended at a stop string it cut off). Read when the token limit
    /// is reached: `true` makes the finish `.stop`. Default `false`.
    var endedAfterCommitted: Bool { get }
    /// Releases what the source holds (sequences, forks). Default: nothing.
    mutating func close() async
}

extension AdaDecSource {
    public var endedAfterCommitted: Bool { false }
    public mutating func close() async {}
}

extension AdaDec {
    /// A token the rule may commit: a step's greedy token or one of its candidates.
    public struct Candidate: Sendable, Hashable {
        /// Its id (`nil` from a server that sends no ids).
        public var id: Int?
        /// Its bytes in the text (empty for an end-of-generation token).
        public var bytes: [UInt8]
        /// Its raw log-probability at the step.
        public var logprob: Double
        /// Whether it ends the completion as an end-of-generation token.
        public var endsGeneration: Bool

        /// A candidate; see the properties.
        public init(id: Int?, bytes: [UInt8], logprob: Double, endsGeneration: Bool) {
            self.id = id
            self.bytes = bytes
            self.logprob = logprob
            self.endsGeneration = endsGeneration
        }

        /// Whether this candidate is the token `greedy`: the same id when `greedy` has one, else the same bytes.
        public func isSame(as greedy: Candidate) -> Bool { greedy.id.map { $0 == id } ?? (bytes == greedy.bytes) }
    }

    /// One position as a source sees it.
    public struct Step: Sendable, Hashable {
        /// The greedy token (what is committed when the step does not pause, or when the greedy candidate wins).
        public var greedy: Candidate
        /// The entropy (nats) compared with τ: exact on the engine, the top-k estimate over a server.
        public var entropy: Double
        /// The top-B candidates, most likely first; empty when the source offers none to rerank here (then the
        /// step does not pause, whatever its entropy).
        public var candidates: [Candidate]

        /// A step; see the properties.
        public init(greedy: Candidate, entropy: Double, candidates: [Candidate]) {
            self.greedy = greedy
            self.entropy = entropy
            self.candidates = candidates
        }
    }

    /// What a source has at the next position.
    public enum Next: Sendable, Hashable {
        /// A position to decide.
        case step(Step)
        /// No more tokens: `.stop` when the completion ended (a server's stop string), `.length` when the source
        /// can go no further (the engine's context is full).
        case end(FinishReason)
    }

    /// One candidate's roll-out at a paused step.
    public struct Rollout: Sendable {
        /// The candidate rolled out.
        public let candidate: Candidate
        /// The stop-string matcher after the committed text and the candidate (the source extends it as it
        /// rolls out).
        public var matcher: StopStringMatcher
        /// Whether the candidate itself ended the completion (end of generation or a stop string): no roll-out.
        public let ended: Bool
        /// log p(candidate) plus the log-probabilities of the real roll-out tokens.
        public var sum: Double
        /// Real roll-out tokens.
        public var length = 0

        /// The roll-out of `candidate` after the committed text in `matcher`, not yet extended.
        public init(candidate: Candidate, after matcher: StopStringMatcher) {
            self.candidate = candidate
            var m = matcher
            ended = candidate.endsGeneration || m.append(candidate.bytes)
            self.matcher = m
            sum = candidate.logprob
        }

        /// ``AdaDec/score(sum:length:)`` of the roll-out.
        public var score: Double { AdaDec.score(sum: sum, length: length) }
    }

    /// A step's decision, as a source is told it.
    public struct Commit: Sendable, Hashable {
        /// The committed token.
        public var token: Candidate
        /// Whether it is the step's greedy token (``Candidate/isSame(as:)``).
        public var isGreedy: Bool
        /// At a paused step, the index of the winning roll-out (in the step's candidates); `nil` otherwise.
        public var rollout: Int?

        /// A commit; see the properties.
        public init(token: Candidate, isGreedy: Bool, rollout: Int?) {
            self.token = token
            self.isGreedy = isGreedy
            self.rollout = rollout
        }
    }
}
