import QuorumCore
import QuorumDecode

/// AdaDec's steps and roll-outs on an OpenAI-compatible server (``ServerAdaDec``): the positions of greedy
/// chunks, and one greedy request per rolled-out candidate.
///
/// - Steps: a chunk of up to ``chunk`` tokens (fewer when the completion has fewer left) with `logprobs` =
///   ``topLogprobs`` is read position by position; a position's entropy is the top-k lower bound
///   (``EntropyEstimate/lowerBound(_:)``), its candidates the B most likely alternatives the server sent. An
///   end-of-generation entry is the chunk's last position; a chunk that ended at a stop string ends the
///   completion after its last position (the server cut the stop string off).
/// - Commits: the greedy token moves on to the chunk's next position (the chunk followed it); another
///   candidate drops the rest of the chunk, and the next step starts a new chunk after it.
/// - Roll-outs: the live candidates' requests (`max_tokens` L, greedy, the template's stop strings) go out
///   concurrently; a roll-out's length is the tokens the server kept.
/// - Prompts: the prompt text followed by the committed token ids when the first chunk came with ids
///   (llama.cpp's `[prompt text, id, id, …]` form), so re-tokenization cannot change the text; otherwise the
///   prompt and the committed text.
///
/// Kept from the server version's own loop, where it differs from the engine's: a position with fewer than
/// two alternatives, or any position when L = 0, offers no candidates (so it never pauses: there is nothing to
/// roll out); with B = 1 the one candidate is still rolled out (the engine skips it, as it cannot lose).
struct ServerAdaDecSource: AdaDecSource {
    let backend: any CompletionBackend
    let prompt: String
    /// Alternatives asked per position (K of the estimate).
    let topLogprobs: Int
    /// Tokens per greedy chunk.
    let chunk: Int

    /// Whether the prompts carry token ids (decided by the first chunk).
    private var useIDs: Bool?
    /// The committed tokens' ids (those that have one).
    private var ids: [Int] = []
    /// The committed text, as of the last ``next(after:remaining:configuration:)``.
    private var committed: [UInt8] = []
    /// The chunk being read (`nil` before the first and after a candidate other than its token won), its
    /// positions (an end-of-generation entry last, marked) and the next one to read.
    private var piece: ServerPiece?
    private var positions: [(token: ServerPiece.Token, isEnd: Bool)] = []
    private var index = 0

    /// Tokens the server generated for roll-outs.
    private(set) var rolloutTokens = 0
    /// Tokens the server generated in all (chunks, discarded chunk tails and roll-outs).
    private(set) var generatedTokens = 0
    /// Prompt tokens the server prefilled in all (prompt minus cached, as it reports).
    private(set) var prefilledTokens = 0
    /// Prompt tokens of the first request.
    private(set) var promptTokens: Int?
    /// Completion requests sent.
    private(set) var requests = 0
    /// Whether the prompts carried token ids.
    var tokenPrompts: Bool { useIDs == true }

    init(backend: any CompletionBackend, prompt: String, topLogprobs: Int, chunk: Int) {
        self.backend = backend
        self.prompt = prompt
        self.topLogprobs = topLogprobs
        self.chunk = chunk
    }

    var endedAfterCommitted: Bool { piece.map { $0.ending != .length } ?? false }

    mutating func next(
        after text: [UInt8], remaining: Int, configuration c: AdaDec.Configuration
    ) async throws -> AdaDec.Next {
        committed = text
        if piece != nil, index >= positions.count {
            // The chunk is read: a chunk that ended (end of generation, a stop string) ends the completion.
            if endedAfterCommitted { return .end(.stop) }
            piece = nil
        }
        if piece == nil {
            let p = try await Self.send(
                request(after: nil, maxTokens: min(chunk, remaining), logprobs: topLogprobs, c), backend)
            requests += 1
            generatedTokens += p.generated
            prefilledTokens += p.prefilled
            if promptTokens == nil { promptTokens = p.promptTokens }
            if useIDs == nil { useIDs = p.hasIDs || (p.tokens.isEmpty && p.endToken?.id != nil) }
            positions = p.tokens.map { ($0, false) }
            if let end = p.endToken { positions.append((end, true)) }
            if positions.isEmpty, p.ending == .length {
                throw HTTPBackendError.unusableAnswer(
                    endpoint: "server", reason: "a completion of no tokens ended at its length limit")
            }
            piece = p
            index = 0
            if positions.isEmpty { return .end(.stop) }
        }
        let (token, isEnd) = positions[index]
        let greedy = AdaDec.Candidate(id: token.id, bytes: token.bytes, logprob: token.logprob, endsGeneration: isEnd)
        let estimate = EntropyEstimate.lowerBound(token.top.map(\.logprob))
        var candidates: [AdaDec.Candidate] = []
        if estimate >= c.threshold, c.lookahead > 0, token.top.count > 1 {
            candidates = token.top.prefix(c.candidates).map {
                let bytes = $0.bytes ?? Array($0.token.utf8)
                // An end-of-generation alternative has no text.
                return AdaDec.Candidate(id: $0.id, bytes: bytes, logprob: $0.logprob, endsGeneration: bytes.isEmpty)
            }
        }
        return .step(AdaDec.Step(greedy: greedy, entropy: estimate, candidates: candidates))
    }

    mutating func rollOut(_ rollouts: inout [AdaDec.Rollout], configuration c: AdaDec.Configuration) async throws {
        if useIDs == true, rollouts.contains(where: { $0.candidate.id == nil }) {
            throw HTTPBackendError.unusableAnswer(endpoint: "server", reason: "alternatives without token ids after tokens with ids")
        }
        let backend = backend
        let results = try await withThrowingTaskGroup(of: (Int, Double, Int, Int, Int).self) { group in
            // A candidate that ended the completion (no text, or a stop string) gets no roll-out.
            for (i, r) in rollouts.enumerated() where !r.ended {
                let rollout = request(after: r.candidate, maxTokens: c.lookahead, logprobs: 0, c)
                group.addTask {
                    let p = try await Self.send(rollout, backend)
                    return (i, p.tokens.reduce(0) { $0 + $1.logprob }, p.tokens.count, p.generated, p.prefilled)
                }
            }
            var results: [(Int, Double, Int, Int, Int)] = []
            for try await result in group { results.append(result) }
            return results
        }
        for (i, sum, length, generated, prefilled) in results {
            rollouts[i].sum += sum
            rollouts[i].length = length
            rolloutTokens += generated
            generatedTokens += generated
            prefilledTokens += prefilled
            requests += 1
        }
    }

    mutating func commit(_ commit: AdaDec.Commit) async throws {
        if let id = commit.token.id { ids.append(id) }
        if commit.isGreedy {
            index += 1
        } else {
            // The chunk followed the greedy token: the next step starts a new one after this candidate.
            piece = nil
            positions = []
            index = 0
        }
    }

    /// A greedy request continuing the committed tokens (and `extra`, a candidate to roll out).
    private func request(
        after extra: AdaDec.Candidate?, maxTokens: Int, logprobs: Int, _ c: AdaDec.Configuration
    ) -> CompletionRequest {
        var request = CompletionRequest(
            prompt: prompt, maxTokens: maxTokens, temperature: 0, topP: 1, topK: 0, minP: 0, stop: c.stop, n: 1,
            logprobs: logprobs)
        if useIDs == true {
            let all = ids + (extra?.id.map { [$0] } ?? [])
            request.promptTokens = all.isEmpty ? nil : all
        } else {
            request.prompt = prompt + String(decoding: committed + (extra?.bytes ?? []), as: UTF8.self)
        }
        return request
    }

    /// Sends `request` (one completion) and reads the answer.
    private static func send(_ request: CompletionRequest, _ backend: any CompletionBackend) async throws -> ServerPiece {
        let completions = try await backend.complete(request)
        guard completions.count == 1, let completion = completions.first else {
            throw HTTPBackendError.unusableAnswer(
                endpoint: completions.first?.endpoint ?? "server", reason: "asked for 1 completion, received \(completions.count)")
        }
        return try ServerPiece(completion, stops: request.stop)
    }
}
