import QuorumCore

/// FoReaL, "Follow the Reasoning Leader" (arXiv 2506.06998; docs/decoders.md): a strong leader model writes
/// the first n tokens of a sentence and a weak draft model completes it; a seeded gate decides once per
/// sentence, with probability p, whether the leader leads.
///
///     while not finished and tokens < maxTokens:
///         if gate.uniform() < p:
///             leader writes ≤ n tokens, stopping at a sentence end (or EOS / a stop string)
///             if it ended the sentence: next sentence
///             else: cut its piece back to the last word boundary
///         draft writes until a sentence end (≤ sentenceCap tokens)
///
/// Handoff is text: the two models may have different tokenizers. Each keeps its own sequence (KV cache)
/// over the shared text and prefills only the text the other model wrote since its last turn.
///
/// Sentence ends (``SentenceDelimiters``): prose ends a sentence at a newline and at ". ", "? ", "! " — a
/// `.`, `?` or `!` followed by whitespace, never a bare `.` (3.14). With byte-level BPE the space after a
/// period comes with the next word's token, so the writer's sampled token is examined before it is fed: when
/// it starts with whitespace right after `.`/`?`/`!`, the sentence ends there and the token is not kept (the
/// next writer begins the new sentence, space included). A token holding a newline is kept and ends the
/// sentence. Code ends sentences at newlines only.
///
/// Word boundary: a leader piece that did not end its sentence is cut before its last token that starts with
/// whitespace (the last word may be unfinished); the leader's sequence is truncated to match
/// (``LanguageModel/truncate(_:to:)``), and the cut tokens still count as generated.
public enum FoReaL {
    /// Which strings end a sentence.
    public enum SentenceDelimiters: String, Sendable, Hashable, Codable {
        /// Newline, ". ", "? ", "! ".
        case prose
        /// Newline only.
        case code
    }

    /// The knobs.
    public struct Configuration: Sendable, Hashable {
        /// n: the most tokens the leader writes at the start of a led sentence.
        public var leadTokens: Int
        /// p: probability that the leader leads a sentence.
        public var leadProbability: Double
        /// The most tokens of text (both models' kept tokens).
        public var maxTokens: Int
        /// The most tokens the draft writes per sentence (default: no cap beyond `maxTokens`).
        public var sentenceCap: Int
        /// Sentence delimiters.
        public var delimiters: SentenceDelimiters
        /// Strings that end the text (cut before the first).
        public var stop: [String]
        /// Token choice of both models; the leader samples from stream 0 of `sampling.seed`, the draft from
        /// stream 1, the gate from stream 2.
        public var sampling: SamplingParameters

        /// A configuration; see the properties.
        public init(
            leadTokens: Int, leadProbability: Double, maxTokens: Int, sentenceCap: Int? = nil,
            delimiters: SentenceDelimiters = .prose, stop: [String] = [], sampling: SamplingParameters = .greedy
        ) {
            self.leadTokens = leadTokens
            self.leadProbability = leadProbability
            self.maxTokens = maxTokens
            self.sentenceCap = sentenceCap ?? maxTokens
            self.delimiters = delimiters
            self.stop = stop
            self.sampling = sampling
        }

        /// Throws for values outside their ranges.
        public func validate() throws {
            guard leadTokens >= 1 else { throw DecodeError.invalidRequest("lead tokens must be ≥ 1, not \(leadTokens)") }
            guard (0...1).contains(leadProbability) else {
                throw DecodeError.invalidRequest("lead probability must be in [0, 1], not \(leadProbability)")
            }
            guard maxTokens >= 0, sentenceCap >= 1 else { throw DecodeError.invalidRequest("token limits must be positive") }
            try sampling.validate()
        }
    }

    /// One model's side of a FoReaL generation.
    public struct Participant: Sendable {
        /// The model.
        public var model: any LanguageModel
        /// A prefilled sequence to fork for the prompt's first part (e.g. shared few-shot exemplars), or nil.
        public var prefix: SequenceID?
        /// The prompt's tokens after `prefix` (the whole prompt without one).
        public var prompt: [Int]

        /// A participant; see the properties.
        public init(model: any LanguageModel, prompt: [Int], prefix: SequenceID? = nil) {
            self.model = model
            self.prompt = prompt
            self.prefix = prefix
        }
    }

    /// What one generation produced and cost.
    public struct Result: Sendable, Hashable {
        /// The text, cut before a stop string.
        public var text: String
        /// Raw log-probability of every kept token, under the model that wrote it, in text order.
        public var logprobs: [Double]
        /// `.stop` (end of generation or a stop string) or `.length`.
        public var finish: FinishReason
        /// Tokens each model fed through its forward pass as generated tokens (cut-back tokens included).
        public var leaderGenerated = 0, draftGenerated = 0
        /// Tokens each model prefilled: its prompt and the other model's text.
        public var leaderPrefilled = 0, draftPrefilled = 0
        /// Kept tokens of the text written by each model.
        public var leaderKept = 0, draftKept = 0
        /// Completion requests each writer sent (0 on the engine).
        public var leaderRequests = 0, draftRequests = 0
        /// Wall-clock seconds spent in each writer's turns (not compared by `==`: two runs of the same
        /// generation are equal).
        public var leaderSeconds = 0.0, draftSeconds = 0.0

        public static func == (x: Result, y: Result) -> Bool {
            x.text == y.text && x.logprobs == y.logprobs && x.finish == y.finish
                && x.leaderGenerated == y.leaderGenerated && x.draftGenerated == y.draftGenerated
                && x.leaderPrefilled == y.leaderPrefilled && x.draftPrefilled == y.draftPrefilled
                && x.leaderKept == y.leaderKept && x.draftKept == y.draftKept
                && x.leaderRequests == y.leaderRequests && x.draftRequests == y.draftRequests
                && x.switches == y.switches && x.sentences == y.sentences && x.ledSentences == y.ledSentences
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(text)
            hasher.combine(logprobs)
            hasher.combine(leaderKept)
            hasher.combine(draftKept)
        }
        /// How often the writing model changed.
        public var switches = 0
        /// Sentences, and those the leader led.
        public var sentences = 0, ledSentences = 0

        /// Leader's share of the kept tokens.
        public var leaderShare: Double {
            leaderKept + draftKept == 0 ? 0 : Double(leaderKept) / Double(leaderKept + draftKept)
        }
    }

    /// Generates one text with `leader` and `draft` on the embedded engine (each a ``LanguageModel``).
    public static func generate(
        leader: Participant, draft: Participant, configuration c: Configuration
    ) async throws -> Result {
        try c.validate()
        let l = try await EngineWriter(leader, sampling: c.sampling, stream: 0)
        let d: EngineWriter
        do {
            d = try await EngineWriter(draft, sampling: c.sampling, stream: 1)
        } catch {
            await l.close()
            throw error
        }
        do {
            let result = try await run(l, d, c)
            await l.close()
            await d.close()
            return result
        } catch {
            await l.close()
            await d.close()
            throw error
        }
    }

    /// Generates one text with two writers of any kind (engine sequences, servers, or one of each); the
    /// caller owns them (``FoReaLWriter/close()``). The gate draws from stream 2 of `c.sampling.seed`, as for
    /// the engine.
    public static func generate(
        leader: any FoReaLWriter, draft: any FoReaLWriter, configuration c: Configuration
    ) async throws -> Result {
        try c.validate()
        return try await run(leader, draft, c)
    }

    /// A writer over a ``LanguageModel`` sequence (prefilled with the participant's prompt), sampling from
    /// stream `stream` of `sampling.seed` (0 for the leader, 1 for the draft). Close it when done.
    public static func engineWriter(
        _ participant: Participant, sampling: SamplingParameters, stream: UInt64
    ) async throws -> any FoReaLWriter {
        try await EngineWriter(participant, sampling: sampling, stream: stream)
    }

    private static func run(_ l: any FoReaLWriter, _ d: any FoReaLWriter, _ c: Configuration) async throws -> Result {
        var gate = SeededGenerator(seed: c.sampling.seed, stream: 2)
        var text: [UInt8] = []
        var logprobs: [Double] = []
        var result = Result(text: "", logprobs: [], finish: .length)
        var lastWriter: Int?
        // Tokens of the text: kept tokens plus those written without a log-probability (a delimiter a server
        // cut off), so that a writer that only ever writes such delimiters still uses up the budget.
        var used = 0
        func kept(_ piece: Piece, by writer: Int) {
            used += piece.count + piece.uncountedTokens
            guard !piece.bytes.isEmpty || !piece.logprobs.isEmpty else { return }
            if let lastWriter, lastWriter != writer { result.switches += 1 }
            lastWriter = writer
            text += piece.bytes
            logprobs += piece.logprobs
            if writer == 0 { result.leaderKept += piece.count } else { result.draftKept += piece.count }
        }
        var finish: FinishReason?
        sentences: while finish == nil {
            let budget = c.maxTokens - used
            if budget <= 0 {
                finish = .length
                break
            }
            result.sentences += 1
            var led = false
            if gate.uniform() < c.leadProbability {
                led = true
                result.ledSentences += 1
                let started = ContinuousClock.now
                var piece = try await l.write(
                    after: text, limit: min(c.leadTokens, budget), startsSentence: true, configuration: c)
                if piece.end == .limit, piece.count < budget {
                    // Cut back to the last word boundary (not to nothing).
                    if let cut = piece.lastWordStart(), cut > 0 { piece = try await l.cut(piece, keeping: cut) }
                }
                result.leaderSeconds += Self.seconds(since: started)
                kept(piece, by: 0)
                switch piece.end {
                case .endOfGeneration, .stopString: finish = .stop
                case .sentence: continue sentences
                case .limit: if used >= c.maxTokens { finish = .length }
                }
                if finish != nil { break }
            }
            let started = ContinuousClock.now
            let piece = try await d.write(
                after: text, limit: min(c.sentenceCap, c.maxTokens - used), startsSentence: !led,
                configuration: c)
            result.draftSeconds += Self.seconds(since: started)
            kept(piece, by: 1)
            switch piece.end {
            case .endOfGeneration, .stopString: finish = .stop
            case .sentence, .limit: if used >= c.maxTokens { finish = .length }
            }
        }
        result.finish = finish ?? .length
        var full = String(decoding: text, as: UTF8.self)
        if let cut = c.stop.compactMap({ full.range(of: $0)?.lowerBound }).min() { full = String(full[..<cut]) }
        result.text = full
        result.logprobs = logprobs
        result.leaderGenerated = l.generatedTokens
        result.leaderPrefilled = l.prefilledTokens
        result.draftGenerated = d.generatedTokens
        result.draftPrefilled = d.prefilledTokens
        result.leaderRequests = l.requests
        result.draftRequests = d.requests
        return result
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        start.duration(to: .now).seconds
    }

    /// Why a piece ended.
    public enum End: Sendable, Hashable {
        /// At a sentence delimiter.
        case sentence
        /// At an end-of-generation token.
        case endOfGeneration
        /// At one of the configuration's stop strings.
        case stopString
        /// At its token limit.
        case limit
    }

    /// Tokens one model wrote in one turn.
    public struct Piece: Sendable, Hashable {
        /// Raw log-probability of each kept token.
        public var logprobs: [Double] = []
        /// Each kept token's bytes (as many as `logprobs`).
        public var tokenBytes: [[UInt8]] = []
        /// Bytes after the tokens that have no log-probability: a sentence delimiter a server cut off and the
        /// driver re-appended (empty on the engine).
        public var trailing: [UInt8] = []
        /// Why the piece ended.
        public var end: End = .limit
        /// Tokens the `trailing` bytes stand for (they count towards the text's token budget).
        public var uncountedTokens = 0

        /// A piece; see the properties.
        public init(
            logprobs: [Double] = [], tokenBytes: [[UInt8]] = [], trailing: [UInt8] = [], end: End = .limit,
            uncountedTokens: Int = 0
        ) {
            self.logprobs = logprobs
            self.tokenBytes = tokenBytes
            self.trailing = trailing
            self.end = end
            self.uncountedTokens = uncountedTokens
        }

        /// Number of kept tokens.
        public var count: Int { logprobs.count }

        /// The piece's text bytes.
        public var bytes: [UInt8] { tokenBytes.flatMap { $0 } + trailing }

        /// Index of the last token (not the first) that starts with whitespace.
        public func lastWordStart() -> Int? {
            tokenBytes.indices.dropFirst().last { i in tokenBytes[i].first.map(isSpace) ?? false }
        }

        /// The piece cut to its first `count` tokens (trailing bytes dropped).
        public func keeping(_ count: Int) -> Piece {
            Piece(
                logprobs: Array(logprobs.prefix(count)), tokenBytes: Array(tokenBytes.prefix(count)), trailing: [],
                end: end)
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// One model's sequence over the shared text.
    final class EngineWriter: FoReaLWriter, @unchecked Sendable {
        let model: any LanguageModel
        let codec: any TokenText
        let sequence: SequenceID
        var sampler: TokenSampler
        /// The next-token distribution at the sequence's end; nil after a truncation.
        var distribution: NextTokenDistribution?
        /// Bytes of the shared text the sequence holds.
        var covered = 0
        var generatedTokens = 0
        var prefilledTokens = 0
        var requests: Int { 0 }

        init(_ p: Participant, sampling: SamplingParameters, stream: UInt64) async throws {
            guard let codec = p.model.text else { throw DecodeError.noTokenizer("FoReaL's text handoff") }
            guard !p.prompt.isEmpty else { throw DecodeError.invalidRequest("a FoReaL prompt has no tokens") }
            model = p.model
            self.codec = codec
            sampler = TokenSampler(parameters: sampling, stream: stream)
            if let prefix = p.prefix { sequence = try await p.model.fork(prefix) } else { sequence = try await p.model.makeSequence() }
            do {
                distribution = try await model.prefill(sequence, tokens: p.prompt, distributions: 1).first
                prefilledTokens += p.prompt.count
            } catch {
                await model.free(sequence)
                throw error
            }
        }

        func close() async { await model.free(sequence) }

        /// Prefills the shared text this sequence does not hold yet (written by the other model).
        func catchUp(_ text: [UInt8]) async throws {
            if covered < text.count {
                let tokens = try codec.encode(String(decoding: text[covered...], as: UTF8.self))
                if !tokens.isEmpty {
                    distribution = try await model.prefill(sequence, tokens: tokens, distributions: 1).first
                    prefilledTokens += tokens.count
                }
                covered = text.count
            }
            if distribution == nil {
                // After a truncation with nothing new: feed the last token again for its distribution.
                let tokens = try await model.tokens(of: sequence)
                guard let last = tokens.last else { throw DecodeError.invalidRequest("empty FoReaL sequence") }
                try await model.truncate(sequence, to: tokens.count - 1)
                distribution = try await model.prefill(sequence, tokens: [last], distributions: 1).first
                prefilledTokens += 1
            }
        }

        /// Removes the tokens after the first `count` of the piece just written from the sequence.
        func cut(_ piece: Piece, keeping count: Int) async throws -> Piece {
            let drop = piece.count - count
            guard drop > 0 else { return piece }
            let n = try await model.tokens(of: sequence).count
            try await model.truncate(sequence, to: n - drop)
            distribution = nil
            covered -= piece.bytes.count - piece.keeping(count).bytes.count
            return piece.keeping(count)
        }

        /// Prefills what the other model wrote, then writes up to `limit` tokens after `text`, stopping at a
        /// sentence end. A piece that starts a sentence may begin with the whitespace after the previous
        /// sentence's period.
        func write(after text: [UInt8], limit: Int, startsSentence: Bool, configuration c: Configuration) async throws -> Piece {
            try await catchUp(text)
            var piece = Piece()
            let eog = model.endOfGenerationTokens
            var tail = Array(text.suffix(64))
            let longestStop = c.stop.map(\.utf8.count).max() ?? 0
            while piece.count < limit {
                guard let d = distribution else { throw DecodeError.invalidRequest("no distribution to sample from") }
                let token = sampler.sample(d)
                if eog.contains(token) {
                    piece.end = .endOfGeneration
                    break
                }
                let bytes = codec.bytes(of: token)
                if c.delimiters == .prose, !(startsSentence && piece.count == 0), let last = tail.last, [UInt8(ascii: "."), UInt8(ascii: "?"), UInt8(ascii: "!")].contains(last),
                    let first = bytes.first, first == 0x20 || first == 0x09
                {
                    piece.end = .sentence  // ". " etc.: the token stays unwritten
                    break
                }
                distribution = try await model.step([StepRow(sequence: sequence, token: token)]).first
                generatedTokens += 1
                piece.logprobs.append(d.logprob(of: token) ?? -.infinity)
                piece.tokenBytes.append(bytes)
                tail += bytes
                if tail.count > 64 + longestStop { tail.removeFirst(tail.count - 64 - longestStop) }
                let tailText = String(decoding: tail, as: UTF8.self)
                if c.stop.contains(where: { tailText.contains($0) }) {
                    piece.end = .stopString
                    break
                }
                if bytes.contains(0x0A) {
                    piece.end = .sentence
                    break
                }
            }
            covered = text.count + piece.tokenBytes.reduce(0) { $0 + $1.count }
            return piece
        }
    }
}

/// One model's side of a FoReaL dialogue (`FoReaL.generate(leader:draft:configuration:)` with writers):
/// something that continues the shared text by one piece at a time. The embedded engine implements it over a
/// ``LanguageModel`` sequence (``FoReaL/engineWriter(_:sampling:stream:)``) and QuorumRun over an
/// OpenAI-compatible server, so the dialogue loop, the gate and the cut-back are one code for both.
public protocol FoReaLWriter: AnyObject, Sendable {
    /// Writes up to `limit` tokens after `text` (the whole shared text so far, whoever wrote it), stopping at
    /// the end of a sentence (``FoReaL/Configuration/delimiters``), an end-of-generation token or a stop string
    /// (which it looks for across the boundary with `text`).
    /// - Parameter startsSentence: whether the piece begins a new sentence (a prose piece may then begin with
    ///   the whitespace after the previous sentence's period).
    func write(
        after text: [UInt8], limit: Int, startsSentence: Bool, configuration: FoReaL.Configuration
    ) async throws -> FoReaL.Piece
    /// Cuts the piece just written back to its first `count` tokens: the text continues from there.
    func cut(_ piece: FoReaL.Piece, keeping count: Int) async throws -> FoReaL.Piece
    /// Tokens generated so far (cut-back tokens included).
    var generatedTokens: Int { get }
    /// Tokens prefilled so far (its prompt and the other model's text; for a server, what it reports).
    var prefilledTokens: Int { get }
    /// Completion requests sent so far (0 for the engine).
    var requests: Int { get }
    /// Releases what the writer holds.
    func close() async
}
