import QuorumCore
import QuorumDecode

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
public final class ServerFoReaLWriter: FoReaLWriter, @unchecked Sendable {
    /// The servers (owned by the caller, who shuts them down).
    public let backend: any CompletionBackend
    /// The path's prompt text; every request sends it followed by the shared text.
    public let prompt: String
    /// The writer's stream in the request seeds: 0 for the leader, 1 for the draft.
    public let stream: UInt64
    /// Tokens the server generated for this writer (cut-back and dropped stop tokens included).
    public private(set) var generatedTokens = 0
    /// Prompt tokens the server prefilled for this writer, as it reports them.
    public private(set) var prefilledTokens = 0
    /// Completion requests sent (probes included).
    public private(set) var requests = 0
    /// Requests spent on finding which stop string ended a piece.
    public private(set) var probes = 0
    /// Prompt tokens of the first request (the prompt in this server's tokenizer); `nil` before it.
    public private(set) var promptTokens: Int?

    /// The path's seed; request i of stream s gets a SplitMix64 mix of (seed, i, s) below 2³¹.
    public let pathSeed: UInt64

    /// A writer for `prompt` on `backend`, seeding its requests from the path's `seed` and `stream` (0
    /// leader, 1 draft).
    public init(backend: any CompletionBackend, prompt: String, stream: UInt64, seed: UInt64) {
        self.backend = backend
        self.prompt = prompt
        self.stream = stream
        pathSeed = seed
    }

    /// Nothing to release: the server keeps no sequence for the writer.
    public func close() async {}

    /// The stop strings sent for sentence ends.
    static func delimiters(_ kind: FoReaL.SentenceDelimiters) -> [String] {
        switch kind {
        case .prose: ["\n", ". ", "? ", "! "]
        case .code: ["\n"]
        }
    }

    /// One request for the prompt and `text`, stopping at the sentence delimiters and the template's stop
    /// strings; see the type's description for how its ending is read.
    public func write(
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
        var after: [UInt8]?
        if case .stopAmong(let candidates) = ending {
            let (stop, bytes) = try await probe(shared, piece, candidates, stops)
            ending = .stop(stop)
            after = bytes
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
                result.trailing += Self.reappended(stop, after: after)
            }
        case .stopAmong:
            result.end = .stopString  // not reached: the probe names one
        }
        // The re-appended delimiter (and text no entry covered) counts as one token of the text at least.
        if !result.trailing.isEmpty { result.uncountedTokens = max(1, piece.generated - piece.tokens.count) }
        // A template stop string across the boundary with the shared text (or shadowed by a delimiter).
        if result.end != .stopString, result.end != .endOfGeneration, !c.stop.isEmpty {
            let longest = c.stop.map(\.utf8.count).max() ?? 0
            let tail = String(decoding: Array(text.suffix(longest)) + result.bytes, as: UTF8.self)
            if c.stop.contains(where: { tail.contains($0) }) { result.end = .stopString }
        }
        return result
    }

    /// Cuts `piece` back to its first `count` tokens: text only (the server keeps no sequence).
    public func cut(_ piece: FoReaL.Piece, keeping count: Int) async throws -> FoReaL.Piece { piece.keeping(count) }

    private func complete(_ request: CompletionRequest, stops: [String]) async throws -> ServerPiece {
        var request = request
        let mixed = SeedMixer.mix(SeedMixer.mix(pathSeed) ^ UInt64(requests) ^ (stream << 32))
        request.seed = UInt32(truncatingIfNeeded: mixed >> 33)
        let completions = try await backend.complete(request)
        guard completions.count == 1, let c = completions.first else {
            throw HTTPBackendError.unusableAnswer(
                endpoint: completions.first?.endpoint ?? "server", reason: "asked for 1 completion, received \(completions.count)")
        }
        requests += 1
        let piece = try ServerPiece(c, stops: stops)
        generatedTokens += piece.generated
        prefilledTokens += piece.prefilled
        if promptTokens == nil { promptTokens = piece.promptTokens }
        return piece
    }

    /// What goes back into the text for the delimiter `stop`: a newline delimiter brings the rest of the token
    /// that held the newline when the probe saw it (the engine keeps a token holding a newline whole, e.g.
    /// ".\n\n"), else the newline; ". ", "? ", "! " bring their punctuation (the space comes with the next
    /// writer's first token, as on the engine).
    static func reappended(_ stop: String, after: [UInt8]?) -> [UInt8] {
        let bytes = Array(stop.utf8)
        if bytes.first == 0x0A, let after, after.first == 0x0A { return after }
        return bytes.filter { $0 != 0x20 && $0 != 0x09 }
    }

    /// Which of `candidates` ended `piece`, when the server did not say: one more request, greedy and without
    /// stop strings, regenerates the piece's last token and a few after it (as many as the server dropped,
    /// plus one), and the candidate its text after the piece begins with is taken (the first in `stops`
    /// order, as servers match them). Exact for greedy decoding up to re-tokenization of the text; an estimate
    /// when sampling (the regenerated tokens are the likeliest, not the drawn ones); when nothing matches, the
    /// first candidate in `stops` order. Returns the stop string and, for a newline, the text from the
    /// newline to the end of the token that held it.
    private func probe(
        _ shared: String, _ piece: ServerPiece, _ candidates: [String], _ stops: [String]
    ) async throws -> (String, [UInt8]?) {
        probes += 1
        let last = piece.tokens.last?.bytes ?? []
        let context = shared + String(decoding: Array(piece.text.prefix(piece.text.count - last.count)), as: UTF8.self)
        let dropped = max(0, piece.generated - piece.tokens.count)
        let request = CompletionRequest(
            prompt: prompt + context, maxTokens: min(16, dropped + 2), temperature: 0, topP: 1, topK: 0, minP: 0, n: 1,
            logprobs: 1)
        let regenerated = try await complete(request, stops: [])
        let ordered = stops.filter { candidates.contains($0) }
        guard regenerated.text.starts(with: last) else { return (ordered.first ?? candidates[0], nil) }
        let after = Array(regenerated.text.dropFirst(last.count))
        guard let stop = ordered.first(where: { after.starts(with: Array($0.utf8)) }) else {
            return (ordered.first ?? candidates[0], nil)
        }
        // The end of the regenerated token that holds the first byte after the piece.
        var end = 0
        for t in regenerated.tokens {
            end += t.bytes.count
            if end > last.count { break }
        }
        return (stop, Array(regenerated.text[last.count..<max(last.count + 1, min(end, regenerated.text.count))]))
    }
}
