import QuorumCore
import QuorumDecode
import QuorumHTTP

/// One side of FoReaL on an OpenAI-compatible server (docs/decoders.md, "FoReaL over HTTP"): each piece is
/// one `/v1/completions` request for the prompt followed by the shared text, with `max_tokens` the piece's
/// limit and `stop` the sentence delimiters plus the template's stop strings.
///
/// - The server drops the stop string that ended a piece; the writer re-appends the delimiter's
///   non-whitespace part: a newline, or the `.`/`?`/`!` of ". ", "? ", "! " (whose space the next writer's
///   first token brings, as on the engine). Which stop string it was is read as ``ServerPiece`` says; when
///   that leaves several, one more request of one token (greedy, 20 alternatives) at the same position picks
///   the delimiter whose text the likeliest alternative begins with (exact for greedy decoding: that
///   alternative is the token the server generated; an estimate when sampling). A template stop string ends
///   the text; one that spans pieces (e.g. "\nQ:" after a newline delimiter) is found on the shared text.
/// - Cutting a piece back to a word boundary drops text only: the server keeps no sequence (its prompt cache
///   does the rest).
/// - Requests carry the path's sampling parameters and a seed derived from the path's seed, the writer's
///   stream (0 leader, 1 draft) and the request's number.
/// - Cost, as the server reports it: generated tokens (`usage.completion_tokens`, cut-back and dropped stop
///   tokens included), prefilled tokens (`usage.prompt_tokens` minus `prompt_tokens_details.cached_tokens`
///   when the server sends it, else all prompt tokens), requests (probes included).
final class ServerFoReaLWriter: FoReaLWriter, @unchecked Sendable {
    let backend: any CompletionBackend
    let prompt: String
    let stream: UInt64
    private(set) var generatedTokens = 0
    private(set) var prefilledTokens = 0
    private(set) var requests = 0
    /// Requests spent on finding which stop string ended a piece.
    private(set) var probes = 0
    /// Prompt tokens of the first request (the prompt in this server's tokenizer).
    private(set) var promptTokens: Int?

    /// The path's seed; request i of stream s gets a SplitMix64 mix of (seed, i, s) below 2³¹.
    let pathSeed: UInt64

    init(backend: any CompletionBackend, prompt: String, stream: UInt64, seed: UInt64) {
        self.backend = backend
        self.prompt = prompt
        self.stream = stream
        pathSeed = seed
    }

    func close() async {}

    /// The stop strings sent for sentence ends.
    static func delimiters(_ kind: FoReaL.SentenceDelimiters) -> [String] {
        switch kind {
        case .prose: ["\n", ". ", "? ", "! "]
        case .code: ["\n"]
        }
    }

    func write(
        after text: [UInt8], limit: Int, startsSentence: Bool, configuration c: FoReaL.Configuration
    ) async throws -> FoReaL.Piece {
        let delimiters = Self.delimiters(c.delimiters)
        var stops = delimiters
        for s in c.stop where !stops.contains(s) { stops.append(s) }
        let shared = String(decoding: text, as: UTF8.self)
        let s = c.sampling
        let request = CompletionRequest(
            prompt: prompt + shared, maxTokens: max(1, limit), temperature: s.temperature, topP: s.topP, topK: s.topK,
            minP: s.minP, stop: stops, n: 1, logprobs: 1)
        let piece = try await complete(request, stops: stops)
        var result = FoReaL.Piece(
            logprobs: piece.tokens.map(\.logprob), tokenBytes: piece.tokens.map(\.bytes), trailing: piece.uncovered)
        var ending = piece.ending
        if case .stopAmong(let candidates) = ending {
            ending = .stop(try await probe(after: shared + String(decoding: piece.text, as: UTF8.self), candidates, c))
        }
        switch ending {
        case .length:
            result.end = .limit
        case .endOfGeneration:
            result.end = .endOfGeneration
        case .stop(let stop):
            if c.stop.contains(stop) || !delimiters.contains(stop) {
                result.end = .stopString
            } else {
                result.end = .sentence
                result.trailing += Array(stop.utf8).filter { $0 != 0x20 && $0 != 0x09 }
            }
        case .stopAmong:
            result.end = .stopString  // not reached: the probe names one
        }
        // A template stop string across the boundary with the shared text (or shadowed by a delimiter).
        if result.end != .stopString, result.end != .endOfGeneration, !c.stop.isEmpty {
            let longest = c.stop.map(\.utf8.count).max() ?? 0
            let tail = String(decoding: Array(text.suffix(longest)) + result.bytes, as: UTF8.self)
            if c.stop.contains(where: { tail.contains($0) }) { result.end = .stopString }
        }
        return result
    }

    func cut(_ piece: FoReaL.Piece, keeping count: Int) async throws -> FoReaL.Piece { piece.keeping(count) }


    private func complete(_ request: CompletionRequest, stops: [String]) async throws -> ServerPiece {
        var request = request
        request.seed = UInt32(truncatingIfNeeded: PathSeeds.mix(PathSeeds.mix(pathSeed) ^ UInt64(requests) ^ (stream << 32)) >> 33)
        let completions = try await backend.complete(request)
        guard completions.count == 1, let c = completions.first else {
            throw RunError.serverAnswer(endpoint: completions.first?.endpoint ?? "server", reason: "asked for 1 completion, received \(completions.count)")
        }
        requests += 1
        let piece = try ServerPiece(c, stops: stops)
        generatedTokens += piece.generated
        prefilledTokens += piece.prefilled
        if promptTokens == nil { promptTokens = piece.promptTokens }
        return piece
    }

    /// Which of `candidates` follows `context`: the one the likeliest next token begins (or that begins it).
    /// Delimiters win ties with longer template stop strings (a template stop string is still found on the
    /// shared text once the next piece is written).
    private func probe(after context: String, _ candidates: [String], _ c: FoReaL.Configuration) async throws -> String {
        probes += 1
        let request = CompletionRequest(
            prompt: prompt + context, maxTokens: 1, temperature: 0, topK: 0, n: 1, logprobs: 20)
        let piece = try await complete(request, stops: [])
        var alternatives = piece.tokens.first?.top ?? piece.endToken?.top ?? []
        if alternatives.isEmpty, let t = piece.tokens.first { alternatives = [TokenAlternative(token: "", logprob: 0, bytes: t.bytes)] }
        let ordered = candidates.sorted { $0.utf8.count < $1.utf8.count }
        for alt in alternatives {
            let a = String(decoding: alt.bytes ?? Array(alt.token.utf8), as: UTF8.self)
            guard !a.isEmpty else { continue }
            if let match = ordered.first(where: { a.hasPrefix($0) || $0.hasPrefix(a) }) { return match }
        }
        return ordered[0]
    }
}
