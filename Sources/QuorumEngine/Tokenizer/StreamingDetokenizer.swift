/// Turns generated tokens into text one token at a time, holding back the bytes of a character that is split
/// across tokens (byte-level BPE often spells one emoji or CJK character with two or three tokens).
///
/// The concatenation of everything ``append(_:)`` returns and what ``finish()`` returns equals
/// `tokenizer.decode(allIDs, removeSpecial:)` exactly. For vocabularies whose decoding cleans spaces (Llama 3,
/// GPT-2), up to 24 bytes are also held back, since that cleaning looks a few characters ahead.
public struct StreamingDetokenizer: Sendable {
    public let tokenizer: Tokenizer
    /// As in ``Tokenizer/decode(_:removeSpecial:)``.
    public let removeSpecial: Bool

    /// Bytes decoded but not returned yet (all of them, from the start, when spaces are cleaned).
    private var pending: [UInt8] = []
    /// When spaces are cleaned: how many bytes of the cleaned text were returned already.
    private var emittedClean = 0
    private var tokenCount = 0
    private var stripSpace: Bool
    /// An EOS that is dropped if it turns out to be the last token (only when the model adds EOS itself).
    private var heldEOS: Int?

    private static let cleanLookahead = 24

    public init(tokenizer: Tokenizer, removeSpecial: Bool = true) {
        self.tokenizer = tokenizer
        self.removeSpecial = removeSpecial
        self.stripSpace = tokenizer.addsSpacePrefix
    }

    /// Adds one token and returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int) -> String {
        defer { tokenCount += 1 }
        if let eos = heldEOS {
            heldEOS = nil
            addPiece(eos)
        }
        if removeSpecial && tokenizer.addsBOS && tokenCount == 0 && id == tokenizer.bosID {
            stripSpace = false
            return ""
        }
        if removeSpecial && tokenizer.addsEOS && id == tokenizer.eosID {
            heldEOS = id
            return ""
        }
        addPiece(id)
        return take(final: false)
    }

    /// Adds several tokens and returns the text that is now complete.
    public mutating func append(contentsOf ids: some Sequence<Int>) -> String {
        var s = ""
        for id in ids { s += append(id) }
        return s
    }

    /// Returns whatever is still held back (an incomplete character becomes U+FFFD) and starts over.
    public mutating func finish() -> String {
        heldEOS = nil
        let s = take(final: true)
        pending = []
        emittedClean = 0
        tokenCount = 0
        stripSpace = tokenizer.addsSpacePrefix
        return s
    }

    private mutating func addPiece(_ id: Int) {
        tokenizer.appendPiece(id, renderSpecial: !removeSpecial, stripLeadingSpace: stripSpace, to: &pending)
        stripSpace = false
    }

    private mutating func take(final: Bool) -> String {
        if tokenizer.cleansSpaces {
            let cleaned = Tokenizer.cleanSpaces(pending)
            // Bytes of the raw text that are far enough from the end are settled in the cleaned text too; the
            // cleaned text never holds fewer bytes than the raw text minus what cleaning removed before them.
            var end = final ? cleaned.count : max(emittedClean, cleaned.count - Self.cleanLookahead)
            if !final { end = Self.completeUTF8Prefix(cleaned, from: emittedClean, to: end) }
            let out = String(decoding: cleaned[emittedClean..<end], as: UTF8.self)
            emittedClean = end
            return out
        }
        let end = final ? pending.count : Self.completeUTF8Prefix(pending, from: 0, to: pending.count)
        let out = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeFirst(end)
        return out
    }

    /// The end of the longest prefix of `bytes[from..<to]` that does not stop inside a UTF-8 sequence that could
    /// still be completed. Splitting there decodes exactly like decoding the whole: the cut is at a lead byte.
    static func completeUTF8Prefix(_ bytes: [UInt8], from: Int, to: Int) -> Int {
        var i = to - 1
        let lowest = max(from, to - 4)
        while i >= lowest && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= lowest else { return to }
        let lead = bytes[i]
        let need: Int
        switch lead {
        case 0xC2...0xDF: need = 2
        case 0xE0...0xEF: need = 3
        case 0xF0...0xF4: need = 4
        default: return to  // ASCII or a byte that starts no sequence: nothing to wait for
        }
        let have = to - i
        guard have < need else { return to }
        // Hold back only a valid beginning of a sequence; an invalid one decodes to U+FFFD either way.
        if have >= 2 {
            let second = bytes[i + 1]
            let ok: Bool = switch lead {
                case 0xE0: (0xA0...0xBF).contains(second)
                case 0xED: (0x80...0x9F).contains(second)
                case 0xF0: (0x90...0xBF).contains(second)
                case 0xF4: (0x80...0x8F).contains(second)
                default: true
            }
            if !ok { return to }
        }
        return i
    }
}

extension Tokenizer {
    /// A streaming detokenizer over this vocabulary.
    public func streamingDetokenizer(removeSpecial: Bool = true) -> StreamingDetokenizer {
        StreamingDetokenizer(tokenizer: self, removeSpecial: removeSpecial)
    }
}
