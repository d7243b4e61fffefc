import QuorumCore

/// AdaDec's steps and roll-outs on a ``LanguageModel`` (``AdaDec/generate(model:prompt:prefix:configuration:)``):
/// one forward pass per committed token, the roll-outs of a paused step on forks of the sequence, advancing
/// together in one batched step per token.
///
/// The chosen candidate's roll-out is what greedy decoding would compute next (a row's logits do not depend on
/// what shares its step), so the source takes it over instead of recomputing it: the roll-out's fork becomes
/// the sequence, and its distributions are used while the committed tokens agree with the roll-out's. A step
/// that pauses inside the taken-over stretch truncates the sequence back to the committed tokens first.
///
/// A lone candidate (B = 1) or L = 0 needs no roll-out (the most likely candidate wins): the source runs none.
struct AdaDecEngineSource: AdaDecSource {
    private let model: any LanguageModel
    private let codec: any TokenText
    private let eog: Set<Int>
    /// The sequence: the prompt, the committed tokens, and the taken-over roll-out tokens in `ahead`.
    private var sequence: SequenceID
    /// Tokens of `sequence` that are committed (prompt included).
    private var length: Int
    /// The distribution after the committed tokens (before `pending`).
    private var distribution: NextTokenDistribution
    /// The token committed last and not yet fed.
    private var pending: Int?
    /// Tokens `sequence` holds beyond the committed ones (a taken-over roll-out), each with the distribution
    /// after it.
    private var ahead: [(token: Int, next: NextTokenDistribution)] = []
    /// The last paused step's roll-out forks by candidate index, each with the tokens fed to it (the candidate
    /// first) and the distribution after each.
    private var forks: [Int: (fork: SequenceID, fed: [(token: Int, next: NextTokenDistribution)])] = [:]

    /// Token rows run for roll-outs (candidates and roll-out tokens fed to forks).
    private(set) var rolloutRows = 0
    /// Model calls made for roll-outs (each advances all live roll-outs of a paused step by one token).
    private(set) var rolloutCalls = 0
    /// Roll-out rows taken over instead of computed again.
    private(set) var reusedRows = 0
    /// Token rows run for committed tokens (prompt excluded).
    private(set) var mainForwardPasses = 0

    /// Prefills `prompt` on `start` (which the source owns from now on, and frees when this throws).
    init(model: any LanguageModel, codec: any TokenText, start: SequenceID, prompt: [Int]) async throws {
        do {
            guard let d = try await model.prefill(start, tokens: prompt, distributions: 1).first else {
                throw DecodeError.invalidRequest("no distribution after the prompt")
            }
            length = try await model.tokens(of: start).count
            distribution = d
        } catch {
            await model.free(start)
            throw error
        }
        self.model = model
        self.codec = codec
        eog = model.endOfGenerationTokens
        sequence = start
    }

    private func candidate(_ id: Int, _ logprob: Double) -> AdaDec.Candidate {
        AdaDec.Candidate(id: id, bytes: codec.bytes(of: id), logprob: logprob, endsGeneration: eog.contains(id))
    }

    mutating func next(
        after text: [UInt8], remaining: Int, configuration c: AdaDec.Configuration
    ) async throws -> AdaDec.Next {
        if let token = pending {
            pending = nil
            if length + 1 > model.contextLength { return .end(.length) }
            if let next = ahead.first, next.token == token {
                ahead.removeFirst()
                distribution = next.next
                reusedRows += 1
            } else {
                try await dropAhead()
                guard let next = try await model.step([StepRow(sequence: sequence, token: token)]).first else {
                    return .end(.length)
                }
                distribution = next
                mainForwardPasses += 1
            }
            length += 1
        }
        let d = distribution
        let greedy = candidate(d.argmax, d.logprob(of: d.argmax) ?? -.infinity)
        // Candidates only where the step pauses (finding the top B is a pass over the vocabulary).
        let candidates = d.entropy >= c.threshold ? d.top(c.candidates).map { candidate($0.id, $0.logprob) } : []
        return .step(AdaDec.Step(greedy: greedy, entropy: d.entropy, candidates: candidates))
    }

    /// Truncates `sequence` back to the committed tokens when it holds a taken-over roll-out beyond them.
    private mutating func dropAhead() async throws {
        guard !ahead.isEmpty else { return }
        try await model.truncate(sequence, to: length)
        ahead = []
    }

    mutating func rollOut(_ rollouts: inout [AdaDec.Rollout], configuration c: AdaDec.Configuration) async throws {
        try await dropAhead()
        guard rollouts.count > 1, c.lookahead > 0 else { return }
        var done = rollouts.map(\.ended)
        do {
            // Feed each live candidate to a fork of the sequence, then extend the live roll-outs greedily.
            var rows: [StepRow] = []
            var owners: [Int] = []
            for i in rollouts.indices where !done[i] {
                let f = try await model.fork(sequence)
                forks[i] = (f, [])
                rows.append(StepRow(sequence: f, token: rollouts[i].candidate.id!))
                owners.append(i)
            }
            while !rows.isEmpty {
                let next = try await model.step(rows)
                rolloutRows += rows.count
                rolloutCalls += 1
                for (k, dist) in next.enumerated() { forks[owners[k]]!.fed.append((rows[k].token, dist)) }
                rows = []
                owners = []
                for i in rollouts.indices where !done[i] {
                    guard let dist = forks[i]?.fed.last?.next else { continue }
                    let t = dist.argmax
                    if eog.contains(t) {
                        done[i] = true
                        continue
                    }
                    rollouts[i].sum += dist.logprob(of: t) ?? -.infinity
                    rollouts[i].length += 1
                    if rollouts[i].matcher.append(codec.bytes(of: t)) || rollouts[i].length >= c.lookahead {
                        done[i] = true
                        continue
                    }
                    rows.append(StepRow(sequence: forks[i]!.fork, token: t))
                    owners.append(i)
                }
            }
        } catch {
            await freeForks()
            throw error
        }
    }

    mutating func commit(_ commit: AdaDec.Commit) async throws {
        if let best = commit.rollout {
            let kept = forks.removeValue(forKey: best)
            await freeForks()
            if let kept {
                await model.free(sequence)
                sequence = kept.fork
                ahead = kept.fed
            }
        }
        pending = commit.token.id
    }

    private mutating func freeForks() async {
        for i in forks.keys.sorted() { await model.free(forks[i]!.fork) }
        forks = [:]
    }

    mutating func close() async {
        await freeForks()
        await model.free(sequence)
    }
}
