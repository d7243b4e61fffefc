import QuorumCore

/// A server's completion read for a decoder that continues it (FoReaL and AdaDec over HTTP): the kept tokens
/// with their bytes aligned to the returned text, and how the completion ended — including which stop string
/// ended it, which servers do not always say (docs/decoders.md, "Stop strings over HTTP").
///
/// Which stop string ended a completion:
/// 1. The server names it: vLLM's `stop_reason` (a string; a number or null means a stop token or the end of
///    sequence), llama.cpp's native `stopping_word`.
/// 2. Otherwise the log-probabilities tell end of generation from a stop string: llama.cpp's
///    `/v1/completions` reports every generated token in `usage.completion_tokens` but drops the stop string's
///    tokens from `logprobs` (as many as the stop string has when tokenized alone), while an end-of-generation
///    token stays in `logprobs` as an entry without text. So: as many entries as generated tokens → end of
///    generation; fewer → a stop string. The text of dropped-but-reported entries (past the returned text) is
///    the beginning of the stop string and narrows the candidates.
/// 3. When several stop strings remain possible the ending is ``Ending/stopAmong(_:)`` and the caller decides
///    (FoReaL asks the server once more, ``ServerFoReaLWriter``).
public struct ServerPiece: Sendable {
    /// One kept token.
    public struct Token: Sendable, Hashable {
        /// Its bytes in the returned text (the part inside the text for a token the stop cut through).
        public var bytes: [UInt8]
        /// Its raw log-probability.
        public var logprob: Double
        /// Its id, when the server sends ids.
        public var id: Int?
        /// The alternatives the server sent at its position, most likely first.
        public var top: [TokenAlternative]
    }

    /// How the completion ended.
    public enum Ending: Sendable, Hashable {
        /// At `max_tokens`.
        case length
        /// At an end-of-generation token (``ServerPiece/endToken`` holds its entry when the server listed it).
        case endOfGeneration
        /// At this stop string (named by the server or the only one possible).
        case stop(String)
        /// At one of these stop strings (the server did not say which).
        case stopAmong([String])
    }

    /// The returned text's bytes (the stop string excluded, as servers return it).
    public var text: [UInt8]
    /// The tokens of the text, in order; their bytes concatenate to ``text`` (when the server's entries did not
    /// cover the text, the rest is given to the last token, or to ``uncovered`` when there is none).
    public var tokens: [Token]
    /// Text bytes no token entry covers (only when the server returned text without entries).
    public var uncovered: [UInt8]
    /// The end-of-generation entry, when the completion ended with one.
    public var endToken: Token?
    /// How the completion ended (after narrowing the stop strings it may have met).
    public var ending: Ending
    /// Tokens the server generated (its `usage.completion_tokens`, else the entries).
    public var generated: Int
    /// Prompt tokens the server prefilled (prompt minus cached, as reported; 0 when not reported).
    public var prefilled: Int
    /// Prompt tokens as reported.
    public var promptTokens: Int?
    /// Whether every kept token has an id.
    public var hasIDs: Bool { !tokens.isEmpty && tokens.allSatisfy { $0.id != nil } }

    /// Reads `c`, a completion requested with `stops` and log-probabilities; throws
    /// ``HTTPBackendError/unusableAnswer(endpoint:reason:)`` for one without log-probabilities or one the
    /// server aborted.
    public init(_ c: Completion, stops: [String]) throws(HTTPBackendError) {
        // llama.cpp sends `logprobs: null` when the stop string took every token of the completion.
        let empty = c.text.isEmpty ? TokenLogprobs(tokens: [], logprobs: []) : nil
        guard let lp = c.logprobs ?? empty else {
            throw .unusableAnswer(endpoint: c.endpoint, reason: "a completion without log-probabilities")
        }
        text = Array(c.text.utf8)
        promptTokens = c.usage.promptTokens
        prefilled = c.responseUsage.prefilledTokens ?? 0
        let reported = c.usage.completionTokens
        generated = reported ?? lp.count
        var entries: [Token] = []
        for i in 0..<lp.count {
            let id = lp.ids?[i]
            var bytes = lp.bytes[i] ?? []
            if bytes.isEmpty {
                // llama.cpp sends an empty text for a token it held back as a possible start of a stop string;
                // the alternative with the same id has it.
                if let id, let alt = lp.top[i].first(where: { $0.id == id }) {
                    bytes = alt.bytes ?? Array(alt.token.utf8)
                } else if lp.bytes[i] == nil {
                    bytes = Array(lp.tokens[i].utf8)
                }
            }
            entries.append(Token(bytes: bytes, logprob: lp.logprobs[i], id: id, top: lp.top[i]))
        }
        // How it ended.
        var ending: Ending
        endToken = nil
        switch c.finish {
        case .length:
            ending = .length
        case .stop:
            if let named = c.stopSequence {
                ending = .stop(named)
            } else if reported.map({ $0 <= lp.count }) ?? (entries.last?.bytes.isEmpty ?? true) {
                ending = .endOfGeneration
                // The end-of-generation token is the last entry when the others already cover the text.
                if let last = entries.last, Self.textLength(entries.dropLast()) >= text.count {
                    endToken = last
                    entries.removeLast()
                }
            } else {
                ending = .stopAmong(stops)
            }
        case .aborted:
            throw .unusableAnswer(
                endpoint: c.endpoint, reason: "a completion ended with finish_reason \(c.serverFinishReason ?? "null")")
        }
        // Align the entries with the text: each takes as many text bytes as it has (the text is authoritative);
        // entries past the text are what the server dropped of the stop string.
        var position = 0
        var kept: [Token] = []
        var beyond: [UInt8] = []
        for var e in entries {
            if position >= text.count {
                beyond += e.bytes
                continue
            }
            let take = min(e.bytes.count, text.count - position)
            if take < e.bytes.count { beyond += e.bytes[take...] }
            e.bytes = Array(text[position..<(position + take)])
            position += take
            kept.append(e)
        }
        uncovered = []
        if position < text.count {
            if kept.isEmpty { uncovered = Array(text[position...]) } else { kept[kept.count - 1].bytes += text[position...] }
        }
        tokens = kept
        if case .stopAmong(let candidates) = ending {
            let r = String(decoding: beyond, as: UTF8.self)
            let narrowed = r.isEmpty ? candidates : candidates.filter { $0.hasPrefix(r) || r.hasPrefix($0) }
            if narrowed.count == 1 { ending = .stop(narrowed[0]) } else if !narrowed.isEmpty { ending = .stopAmong(narrowed) }
        }
        self.ending = ending
    }

    private static func textLength(_ entries: some Collection<Token>) -> Int { entries.reduce(0) { $0 + $1.bytes.count } }
}
