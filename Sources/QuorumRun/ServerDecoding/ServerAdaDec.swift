import QuorumCore
import QuorumDecode
import QuorumHTTP

/// AdaDec over an OpenAI-compatible server (docs/decoders.md, "AdaDec over HTTP"). Same rule as ``AdaDec`` on
/// the engine — greedy decoding that pauses where the entropy reaches τ and commits the best of the top-B
/// candidates after greedy roll-outs of up to L tokens, scored by ``AdaDec/score(sum:length:)`` — with the
/// entropy estimated from the server's top log-probabilities: the lower bound of ``EntropyBounds``
/// (``EntropyEstimate/top(_:)``).
///
/// Requests: a greedy chunk of up to ``chunk`` tokens with `logprobs` = K (20) is read position by position
/// until a position's estimate reaches τ; there the B candidates (the position's most likely alternatives)
/// are each rolled out by a greedy request of `max_tokens` L, concurrently. When the greedy candidate wins,
/// the chunk's later positions (which followed it) are still used; otherwise a new chunk starts after the
/// committed candidate. Prompts carry the generated tokens as ids when the server sends ids (llama.cpp's
/// `[prompt text, id, id, …]` form), so re-tokenization cannot change the text; otherwise text.
///
/// Differences from the engine version, all from what a server reports: an end-of-generation candidate is
/// recognised by its empty text; a roll-out that meets a stop string counts the tokens the server kept
/// (the server drops the stop string's own tokens); the entropy is the estimate.
public struct ServerAdaDec: Sendable {
    /// The knobs shared with the engine version (τ, L, B, max tokens, stop strings).
    public var configuration: AdaDec.Configuration
    /// Alternatives asked per position (K of the estimate; vLLM allows 20 by default).
    public var topLogprobs: Int
    /// Tokens per greedy chunk.
    public var chunk: Int

    /// A decoder; see the properties.
    public init(configuration: AdaDec.Configuration, topLogprobs: Int = 20, chunk: Int = 16) {
        self.configuration = configuration
        self.topLogprobs = topLogprobs
        self.chunk = chunk
    }

    /// A completion and its cost.
    public struct Result: Sendable, Hashable {
        /// Token ids of the completion when the server sent ids (an end-of-generation token last when it ended
        /// it), else `nil`.
        public var tokens: [Int]?
        /// Raw log-probability of each committed token.
        public var logprobs: [Double]
        /// The text, cut before a stop string.
        public var text: String
        /// `.stop` or `.length`.
        public var finish: FinishReason
        /// Tokens committed (steps), those that paused, and paused steps that changed the greedy choice.
        public var steps = 0, pausedSteps = 0, changedSteps = 0
        /// Tokens the server generated for roll-outs.
        public var rolloutTokens = 0
        /// Tokens the server generated in all (chunks, discarded chunk tails and roll-outs).
        public var generatedTokens = 0
        /// Prompt tokens the server prefilled in all (prompt minus cached, as it reports).
        public var prefilledTokens = 0
        /// Prompt tokens of the first request.
        public var promptTokens: Int?
        /// Completion requests sent.
        public var requests = 0
        /// Whether the prompts carried token ids.
        public var tokenPrompts = false

        /// Paused steps over steps.
        public var pausedFraction: Double { steps == 0 ? 0 : Double(pausedSteps) / Double(steps) }
    }

    /// A candidate at a paused position.
    struct Candidate: Sendable {
        var id: Int?
        var bytes: [UInt8]
        var logprob: Double
    }

    /// Decodes `prompt` on `backend`.
    public func generate(backend: any CompletionBackend, prompt: String) async throws -> Result {
        let c = configuration
        guard c.threshold >= 0, !c.threshold.isNaN else { throw DecodeError.invalidRequest("τ must be an entropy ≥ 0") }
        guard c.lookahead >= 0, c.candidates >= 1, c.maxTokens >= 1, topLogprobs >= c.candidates, chunk >= 1 else {
            throw DecodeError.invalidRequest("lookahead ≥ 0, 1 ≤ candidates ≤ top log-probabilities, max tokens ≥ 1 and chunk ≥ 1 are required")
        }
        var r = Result(tokens: nil, logprobs: [], text: "", finish: .length)
        var ids: [Int] = []
        var matcher = StopStringMatcher(stops: c.stop)
        var useIDs: Bool?
        var finished = false

        func request(after extra: Candidate?, maxTokens: Int, logprobs: Int) -> CompletionRequest {
            var request = CompletionRequest(
                prompt: prompt, maxTokens: maxTokens, temperature: 0, topP: 1, topK: 0, minP: 0, stop: c.stop, n: 1,
                logprobs: logprobs)
            if useIDs == true {
                let all = ids + (extra?.id.map { [$0] } ?? [])
                request.promptTokens = all.isEmpty ? nil : all
            } else {
                request.prompt = prompt + String(decoding: matcher.bytes + (extra?.bytes ?? []), as: UTF8.self)
            }
            return request
        }
        func send(_ request: CompletionRequest) async throws -> ServerPiece {
            let completions = try await backend.complete(request)
            guard completions.count == 1, let completion = completions.first else {
                throw RunError.serverAnswer(
                    endpoint: completions.first?.endpoint ?? "server", reason: "asked for 1 completion, received \(completions.count)")
            }
            return try ServerPiece(completion, stops: request.stop)
        }
        func commit(_ id: Int?, _ bytes: [UInt8], _ logprob: Double, endOfGeneration: Bool) {
            r.steps += 1
            if let id { ids.append(id) }
            r.logprobs.append(logprob)
            if endOfGeneration || matcher.append(bytes) {
                r.finish = .stop
                finished = true
            }
        }

        while !finished, r.steps < c.maxTokens {
            let piece = try await send(request(after: nil, maxTokens: min(chunk, c.maxTokens - r.steps), logprobs: topLogprobs))
            r.requests += 1
            r.generatedTokens += piece.generated
            r.prefilledTokens += piece.prefilled
            if r.promptTokens == nil { r.promptTokens = piece.promptTokens }
            if useIDs == nil {
                useIDs = piece.hasIDs || (piece.tokens.isEmpty && piece.endToken?.id != nil)
                r.tokenPrompts = useIDs!
            }
            var positions = piece.tokens.map { ($0, false) }
            if let end = piece.endToken { positions.append((end, true)) }
            if positions.isEmpty, piece.ending == .length {
                throw RunError.serverAnswer(endpoint: "server", reason: "a completion of no tokens ended at its length limit")
            }
            var restart = false
            for (token, isEnd) in positions {
                if finished || r.steps >= c.maxTokens { break }
                let estimate = EntropyEstimate.lowerBound(token.top.map(\.logprob))
                guard estimate >= c.threshold, c.lookahead > 0, token.top.count > 1 else {
                    commit(token.id, token.bytes, token.logprob, endOfGeneration: isEnd)
                    continue
                }
                r.pausedSteps += 1
                let candidates = token.top.prefix(c.candidates).map {
                    Candidate(id: $0.id, bytes: $0.bytes ?? Array($0.token.utf8), logprob: $0.logprob)
                }
                if useIDs == true, candidates.contains(where: { $0.id == nil }) {
                    throw RunError.serverAnswer(endpoint: "server", reason: "alternatives without token ids after tokens with ids")
                }
                let scores = try await withThrowingTaskGroup(of: (Int, Double, Int, Int, Int).self) { group in
                    for (i, candidate) in candidates.enumerated() {
                        var m = matcher
                        // An end-of-generation candidate (no text) or one that completes a stop string: no roll-out.
                        if candidate.bytes.isEmpty || m.append(candidate.bytes) {
                            group.addTask { (i, AdaDec.score(sum: candidate.logprob, length: 0), 0, 0, 0) }
                            continue
                        }
                        let rollout = request(after: candidate, maxTokens: c.lookahead, logprobs: 0)
                        group.addTask {
                            let p = try await send(rollout)
                            let sum = candidate.logprob + p.tokens.reduce(0) { $0 + $1.logprob }
                            return (i, AdaDec.score(sum: sum, length: p.tokens.count), p.generated, p.prefilled, 1)
                        }
                    }
                    var scores = Array(repeating: -Double.infinity, count: candidates.count)
                    for try await (i, score, generated, prefilled, requests) in group {
                        scores[i] = score
                        r.rolloutTokens += generated
                        r.generatedTokens += generated
                        r.prefilledTokens += prefilled
                        r.requests += requests
                    }
                    return scores
                }
                let best = AdaDec.best(scores)
                let chosen = candidates[best]
                let greedy = token.id.map { $0 == chosen.id } ?? (chosen.bytes == token.bytes)
                if best != 0 { r.changedSteps += 1 }
                if greedy {
                    commit(token.id, token.bytes, token.logprob, endOfGeneration: isEnd)
                } else {
                    commit(chosen.id, chosen.bytes, chosen.logprob, endOfGeneration: chosen.bytes.isEmpty)
                    restart = true
                    break
                }
            }
            if finished || restart { continue }
            switch piece.ending {
            case .length: continue
            case .endOfGeneration, .stop, .stopAmong:
                // A stop string the server matched (its tokens are not in the entries) ends the completion.
                r.finish = .stop
                finished = true
            }
        }
        r.text = matcher.text
        r.tokens = useIDs == true ? ids : nil
        return r
    }
}
