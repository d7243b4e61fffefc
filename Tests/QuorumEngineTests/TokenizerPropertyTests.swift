import Foundation
import Testing
@testable import QuorumEngine

/// Seeded random strings: decoding what was encoded gives the text back, and streaming equals batch decoding.
@Suite struct TokenizerPropertyTests {
    /// Pieces that exercise every pre-tokenizer branch: letters of several scripts, digits, punctuation, runs
    /// of assorted whitespace, contractions, combining marks, emoji (4-byte UTF-8), special-token texts.
    static let pieces: [String] = [
        "a", "Z", "hello", " world", "é", "ß", "Ω", "ж", "日本", "語", "の", "中文", "한국어", "العربية", "हिन्दी", "e\u{301}",
        "0", "7", "42", "3.14", "²", "½", "Ⅻ", "٣",
        ".", ",", "!", "?", "'", "\"", "(", ")", "[", "]", "{", "}", "<", ">", "|", "$", "€", "—", "…", "。", "、", "_", "-", "/",
        " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", "\u{A0}", "\u{3000}", "\u{2028}", "\u{85}", "\u{B}", "\u{C}",
        "'s", "'S", "'re", "'ll", "'d", "'m", "'t", "'ve", "n't",
        "🍕", "🎉", "👩‍💻", "🇫🇷", "😀", "\u{10FFFD}", "\u{E000}", "\u{1F}", "\u{7F}", "\u{0}",
        "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<tool_call>", "<|fim_pad|>", "<repo_name>",
    ]

    static func randomText(_ rng: inout SplitMix64) -> String {
        let count = Int(rng.next() % 24)
        if rng.next() % 2 == 0 {
            return (0..<count).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
        }
        // Any scalar at all: ASCII, Latin-1, the BMP (unassigned and private-use included) and the astral planes.
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count {
            let range: ClosedRange<UInt32> = switch rng.next() % 4 {
                case 0: 0...0x7F
                case 1: 0x80...0x7FF
                case 2: 0x800...0xFFFF
                default: 0x10000...0x10FFFF
            }
            let v = range.lowerBound + UInt32(rng.next() % UInt64(range.count))
            if let s = Unicode.Scalar(v) { scalars.append(s) }  // surrogates are not scalars
        }
        return String(scalars)
    }

    @Test(arguments: RealTokenizers.names)
    func decodeOfEncodeIsIdentity(_ name: String) throws {
        let tok = try RealTokenizers.load(name)
        var rng = SplitMix64(seed: 2024)
        let missing = Set(tok.bytesWithoutToken)
        for _ in 0..<1500 {
            let text = Self.randomText(&rng)
            let expected = String(decoding: text.utf8.filter { !missing.contains($0) }, as: UTF8.self)
            // As plain text: special-token texts are ordinary characters.
            let plain = tok.encode(text)
            #expect(tok.decode(plain) == expected, "\(name): \(text.debugDescription)")
            // Parsing special tokens: control tokens come back when rendered.
            let parsed = tok.encode(text, parseSpecial: true)
            #expect(tok.decode(parsed, removeSpecial: false) == expected, "\(name) parsed: \(text.debugDescription)")
            // Streaming equals batch, token by token.
            var stream = tok.streamingDetokenizer(removeSpecial: false)
            var streamed = ""
            for id in parsed { streamed += stream.append(id) }
            streamed += stream.finish()
            #expect(streamed == expected, "\(name) streamed: \(text.debugDescription)")
        }
    }

    @Test func longRandomTextsUseTheHeapMergeCorrectly() throws {
        let tok = try RealTokenizers.load("qwen2.5-coder-0.5b")
        var rng = SplitMix64(seed: 99)
        for _ in 0..<40 {
            // Long words: CJK without spaces and long identifiers reach the heap-based merge loop.
            let text = (0..<Int(rng.next() % 400 + 50)).map { _ in ["日", "本", "語", "a", "b", "_", "x"][Int(rng.next() % 7)] }.joined()
            #expect(tok.decode(tok.encode(text)) == text)
        }
    }

    @Test func streamingEqualsBatchWhenSpacesAreCleaned() throws {
        var b = TokenizerBuilder()
        b.pre = "gpt-2"
        let tok = try b.build()
        var rng = SplitMix64(seed: 5)
        let parts = [" ", "'", "s", "re", "ve", "m", "?", ".", "!", ",", "a", "é", "🍕", "  "]
        for _ in 0..<500 {
            let text = (0..<Int(rng.next() % 40)).map { _ in parts[Int(rng.next() % UInt64(parts.count))] }.joined()
            let ids = tok.encode(text)
            var s = tok.streamingDetokenizer()
            var out = ""
            for id in ids { out += s.append(id) }
            out += s.finish()
            #expect(out == tok.decode(ids), "\(text.debugDescription)")
        }
    }
}
