import QuorumCore
import QuorumHTTP
import Testing

/// How a server's completion is read for FoReaL and AdaDec: which stop string ended it, end of generation,
/// and the alignment of token bytes with the text (the server shapes of llama.cpp and vLLM).
@Suite struct ServerPieceTests {
    static let stops = ["\n", ". ", "? ", "! ", "\nQ:"]

    /// A completion with llama.cpp-style entries: `(text of the entry, id)`; alternatives hold the entry itself.
    static func completion(
        text: String, entries: [(String, Int)], generated: Int?, finish: FinishReason, stop: String? = nil,
        prompt: Int = 10, cached: Int? = nil, heldBack: Set<Int> = []
    ) -> Completion {
        let tokens = entries.enumerated().map { i, e in heldBack.contains(i) ? "" : e.0 }
        let lp = TokenLogprobs(
            tokens: tokens, logprobs: entries.map { _ in -0.5 },
            top: entries.map { [TokenAlternative(token: $0.0, logprob: -0.5, id: $0.1, bytes: Array($0.0.utf8))] },
            bytes: tokens.map { Array($0.utf8) }, ids: entries.map(\.1))!
        return Completion(
            index: 0, text: text, finish: finish, serverFinishReason: finish == .length ? "length" : "stop",
            stopSequence: stop, logprobs: lp, usage: TokenUsage(promptTokens: prompt, completionTokens: generated),
            responseUsage: TokenUsage(promptTokens: prompt, completionTokens: generated, cachedPromptTokens: cached),
            model: "m", endpoint: "http://127.0.0.1:1/v1")
    }

    @Test func aStopStringTheServerNamesIsTaken() throws {
        let c = Self.completion(text: " It is 5", entries: [(" It", 1), (" is", 2), (" 5", 3)], generated: 5, finish: .stop, stop: ". ")
        let p = try ServerPiece(c, stops: Self.stops)
        #expect(p.ending == .stop(". "))
        #expect(p.tokens.map(\.bytes).flatMap { $0 } == Array(" It is 5".utf8))
        #expect(p.generated == 5)
    }

    @Test func allGeneratedTokensListedMeansEndOfGenerationAndTheEndTokenIsSetApart() throws {
        let c = Self.completion(
            text: " done.", entries: [(" done", 1), (".", 2), ("", 0)], generated: 3, finish: .stop, prompt: 12, cached: 10)
        let p = try ServerPiece(c, stops: Self.stops)
        #expect(p.ending == .endOfGeneration)
        #expect(p.tokens.count == 2)
        #expect(p.endToken?.id == 0)
        #expect(p.prefilled == 2)
        #expect(p.promptTokens == 12)
    }

    @Test func droppedEntriesMeanAStopStringAndAHeldBackTokenGetsItsTextFromItsAlternative() throws {
        // llama.cpp: "5" "." then "\n" (dropped, as the stop string's one token); the "." was held back as a
        // possible start of ". " and is listed without text.
        let c = Self.completion(
            text: " is 5.", entries: [(" is", 1), (" 5", 2), (".", 3)], generated: 4, finish: .stop, heldBack: [2])
        let p = try ServerPiece(c, stops: Self.stops)
        #expect(p.tokens.map(\.bytes) == [Array(" is".utf8), Array(" 5".utf8), Array(".".utf8)])
        // Nothing past the text: every stop string remains possible.
        #expect(p.ending == .stopAmong(Self.stops))
    }

    @Test func entriesPastTheTextNarrowTheStopString() throws {
        // The stop string ". " was tokenized alone as one token, so only the token after the period was dropped;
        // the period's entry lies past the returned text.
        let c = Self.completion(
            text: " is 5", entries: [(" is", 1), (" 5", 2), (".", 3)], generated: 4, finish: .stop)
        let p = try ServerPiece(c, stops: Self.stops)
        #expect(p.ending == .stop(". "))
        #expect(p.tokens.count == 2)
        // A token the stop string cut through keeps its part inside the text.
        let cut = Self.completion(text: " 12.", entries: [(" 12", 1), (".\n", 2)], generated: 3, finish: .stop)
        let q = try ServerPiece(cut, stops: Self.stops)
        #expect(q.tokens.map(\.bytes) == [Array(" 12".utf8), Array(".".utf8)])
        #expect(q.ending == .stopAmong(["\n", "\nQ:"]))
    }

    @Test func aLengthFinishKeepsEveryTokenAndTextBeyondTheEntriesGoesToTheLastToken() throws {
        let c = Self.completion(text: " a b c", entries: [(" a", 1), (" b", 2)], generated: 2, finish: .length)
        let p = try ServerPiece(c, stops: Self.stops)
        #expect(p.ending == .length)
        #expect(p.tokens.map(\.bytes) == [Array(" a".utf8), Array(" b c".utf8)])
        #expect(p.uncovered.isEmpty)
    }

    @Test func aCompletionWithoutLogprobsOrWithAnUnknownFinishIsRefusedClearly() throws {
        var c = Self.completion(text: "x", entries: [("x", 1)], generated: 1, finish: .length)
        c.logprobs = nil
        #expect(throws: HTTPBackendError.self) { try ServerPiece(c, stops: []) }
        var d = Self.completion(text: "x", entries: [("x", 1)], generated: 1, finish: .aborted)
        d.serverFinishReason = "content_filter"
        do {
            _ = try ServerPiece(d, stops: [])
            Issue.record("an aborted completion was accepted")
        } catch {
            #expect("\(error)".contains("content_filter"))
        }
    }
}
