import Foundation
import Testing
@testable import QuorumEngine

@Suite struct PreTokenizerTests {
    func words(_ text: String, _ pre: PreTokenizer) -> [String] {
        var scratch = PreTokenizerScratch()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { pre.split($0, scratch: &scratch) }
        var out: [String] = []
        var start = 0
        for end in scratch.wordEnds {
            out.append(String(decoding: bytes[Int(scratch.byteStarts[start])..<Int(scratch.byteStarts[Int(end)])], as: UTF8.self))
            start = Int(end)
        }
        #expect(out.joined() == text, "words must cover the text")
        return out
    }

    @Test func gpt2Rules() {
        #expect(words("Hello world", .gpt2) == ["Hello", " world"])
        #expect(words("I'm here, aren't you?", .gpt2) == ["I", "'m", " here", ",", " aren", "'t", " you", "?"])
        #expect(words("I'M", .gpt2) == ["I", "'", "M"])  // GPT-2's contractions are lower-case only
        #expect(words("a  b   c", .gpt2) == ["a", " ", " b", "  ", " c"])
        #expect(words("   padded   ", .gpt2) == ["  ", " padded", "   "])
        #expect(words("x\t\ty", .gpt2) == ["x", "\t", "\t", "y"])
        #expect(words("abc123 456", .gpt2) == ["abc", "123", " 456"])
        #expect(words("naïve café", .gpt2) == ["naïve", " café"])
        #expect(words("e\u{301}t", .gpt2) == ["e", "\u{301}", "t"])  // a combining mark is not a letter
        #expect(words("日本語のテキストです。", .gpt2) == ["日本語のテキストです", "。"])
        #expect(words("pizza 🍕🎉!", .gpt2) == ["pizza", " 🍕🎉!"])
        #expect(words("a\u{3000}b", .gpt2) == ["a", "\u{3000}", "b"])  // U+3000 is White_Space
    }

    @Test func smollmCutsEveryDigit() {
        #expect(words("12345", .smollm) == ["1", "2", "3", "4", "5"])
        #expect(words("It costs $3.50 today.", .smollm) == ["It", " costs", " $", "3", ".", "5", "0", " today", "."])
        #expect(words("a 1", .smollm) == ["a", " ", "1"])  // the lookahead stops where the digit was cut out
        #expect(words("x²", .smollm) == ["x", "²"])  // No (other number) is \p{N}
    }

    @Test func qwen2Rules() {
        #expect(words("Hello world", .qwen2) == ["Hello", " world"])
        #expect(words("I'M DON'T", .qwen2) == ["I", "'M", " DON", "'T"])  // case-insensitive contractions
        #expect(words("12345", .qwen2) == ["1", "2", "3", "4", "5"])
        #expect(words("(yes) [no]", .qwen2) == ["(yes", ")", " [", "no", "]"])
        #expect(words("line one\n\nline", .qwen2) == ["line", " one", "\n\n", "line"])
        #expect(words("x  \n  y", .qwen2) == ["x", "  \n", " ", " y"])
        #expect(words("a;\n\nb", .qwen2) == ["a", ";\n\n", "b"])
        #expect(words("\tcol", .qwen2) == ["\tcol"])
        #expect(words("   padded   ", .qwen2) == ["  ", " padded", "   "])
        #expect(words("x \r\n", .qwen2) == ["x", " \r\n"])
    }

    @Test func llama3GroupsThreeDigits() {
        #expect(words("1234567", .llama3) == ["123", "456", "7"])
        #expect(words("v12ab", .llama3) == ["v", "12", "ab"])
    }

    @Test func ggufNames() {
        #expect(PreTokenizer(ggufName: "smollm") == .smollm)
        #expect(PreTokenizer(ggufName: "qwen2") == .qwen2)
        #expect(PreTokenizer(ggufName: "llama-bpe") == .llama3)
        #expect(PreTokenizer(ggufName: "falcon") == nil)
    }
}

@Suite struct TokenizerTests {
    @Test func mergesByRankThenLeftMost() throws {
        var b = TokenizerBuilder()
        b.extra = ["ab", "bc", "abc", "aa", "aaaa"]
        b.merges = ["b c", "a b", "ab c", "a a", "aa aa"]
        let t = try b.build()
        // "b c" outranks "a b": a + bc, and no rule joins a and bc.
        #expect(t.encode("abc") == [b.id(of: "a")!, b.id(of: "bc")!])
        #expect(t.encode("aaaa") == [b.id(of: "aaaa")!])
        #expect(t.encode("aaa") == [b.id(of: "aa")!, b.id(of: "a")!])  // left-most pair first
        #expect(t.decode(t.encode("aaa abc")) == "aaa abc")
    }

    @Test func linearAndHeapMergeAgree() throws {
        let tok = try RealTokenizers.load("qwen2.5-coder-0.5b")
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzéü日本語中文字🍕 ".utf8)
        for _ in 0..<300 {
            let length = Int(rng.next() % 200) + 2
            let word = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            var a = BPEScratch(), h = BPEScratch()
            a.symbols = word.map { tok.byteSymbols[Int($0)] }
            h.symbols = a.symbols
            tok.merges.mergeLinear(&a)
            tok.merges.mergeHeap(&h)
            #expect(a.symbols == h.symbols)
        }
    }

    @Test func specialTokensAreCutOutLongestFirst() throws {
        var b = TokenizerBuilder()
        b.special = [("<|im_start|>", 3), ("<tool>", 4), ("<tool>x", 4)]
        let t = try b.build()
        let start = b.id(of: "<|im_start|>")!, tool = b.id(of: "<tool>")!, toolx = b.id(of: "<tool>x")!
        // Control tokens only when parsing special tokens.
        #expect(t.encode("<|im_start|>hi", parseSpecial: true) == [start, Int(UInt8(ascii: "h")), Int(UInt8(ascii: "i"))])
        #expect(!t.encode("<|im_start|>hi").contains(start))
        // User-defined tokens always; the longer one wins where both match.
        #expect(t.encode("a<tool>b") == [97, tool, 98])
        #expect(t.encode("<tool>x<tool>") == [toolx, tool])
        // Decoding hides control tokens unless asked, never user-defined ones.
        let ids = t.encode("<|im_start|><tool>", parseSpecial: true)
        #expect(t.decode(ids) == "<tool>")
        #expect(t.decode(ids, removeSpecial: false) == "<|im_start|><tool>")
        #expect(t.isControl(start) && !t.isControl(tool))
    }

    @Test func endOfGenerationByMetadataAndText() throws {
        var b = TokenizerBuilder()
        b.special = [("<|endoftext|>", 3), ("<|im_end|>", 3), ("<|fim_pad|>", 1)]
        b.additional = [("tokenizer.ggml.eos_token_id", .u32(256)), ("tokenizer.ggml.bos_token_id", .u32(256))]
        let t = try b.build()
        #expect(t.eosID == 256)
        #expect(t.eotID == 257)  // <|im_end|> is preferred over <|endoftext|>
        #expect(t.endOfGenerationIDs == [256, 257, 258])
        #expect(t.isControl(258))  // recognised by its text, so made a control token as llama.cpp does
        #expect(!t.isEndOfGeneration(65))
    }

    @Test func addsBOSAndEOSWhenTheMetadataAsks() throws {
        var b = TokenizerBuilder()
        b.special = [("<s>", 3), ("</s>", 3)]
        b.additional = [
            ("tokenizer.ggml.bos_token_id", .u32(256)), ("tokenizer.ggml.eos_token_id", .u32(257)),
            ("tokenizer.ggml.add_bos_token", .bool(true)), ("tokenizer.ggml.add_eos_token", .bool(true)),
        ]
        let t = try b.build()
        #expect(t.encode("a") == [256, 97, 257])
        #expect(t.encode("a", addSpecial: false) == [97])
        #expect(t.decode([256, 97, 257]) == "a")
        #expect(t.decode([256, 97, 257], removeSpecial: false) == "<s>a</s>")
    }

    @Test func refusesWhatItDoesNotImplement() throws {
        func error(_ b: TokenizerBuilder) -> GGUFError? {
            do { _ = try b.build(); return nil } catch let e as GGUFError { return e } catch { return nil }
        }
        var b = TokenizerBuilder()
        b.model = "llama"
        guard case .unsupportedTokenizer(_, "tokenizer.ggml.model", "llama", let supported) = error(b) else {
            Issue.record("SentencePiece must be refused")
            return
        }
        #expect(supported.joined().contains("SentencePiece"))
        b = TokenizerBuilder()
        b.pre = "falcon"
        if case .unsupportedTokenizer(_, "tokenizer.ggml.pre", "falcon", _) = error(b) {} else { Issue.record("unknown pre") }
        b.pre = nil
        if case .unsupportedTokenizer(_, "tokenizer.ggml.pre", "default", _) = error(b) {} else { Issue.record("missing pre") }
        b = TokenizerBuilder()
        b.additional = [("tokenizer.ggml.bos_token_id", .u32(100_000))]
        if case .invalidMetadata(_, "tokenizer.ggml.bos_token_id", _) = error(b) {} else { Issue.record("bos out of range") }
        b = TokenizerBuilder()
        b.additional = [("tokenizer.ggml.add_bos_token", .bool(true))]
        if case .invalidMetadata(_, "tokenizer.ggml.add_bos_token", _) = error(b) {} else { Issue.record("add_bos without bos") }
        // A token_type array of the wrong length.
        var g = GGUFBuilder()
        g.metadata = [
            ("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("qwen2")),
            ("tokenizer.ggml.tokens", .array(elementType: 8, [.string("a")])),
            ("tokenizer.ggml.token_type", .array(elementType: 5, [.i32(1), .i32(1)])),
            ("tokenizer.ggml.merges", .array(elementType: 8, [])),
        ]
        do {
            _ = try Tokenizer(gguf: GGUFFile(path: g.write()))
            Issue.record("wrong token_type length accepted")
        } catch let e as GGUFError {
            guard case .invalidMetadata(_, "tokenizer.ggml.token_type", _) = e else { Issue.record("\(e)"); return }
        }
    }

    @Test func missingByteTokensAreReported() throws {
        var b = TokenizerBuilder()
        b.omitTokenTypes = true
        let t = try b.build()
        #expect(t.bytesWithoutToken.isEmpty)
        #expect(t.unencodableBytes(in: "a\u{4}b").isEmpty)
        let smol = try RealTokenizers.load("smollm2-135m")
        #expect(smol.bytesWithoutToken.contains(0x04))
        #expect(smol.unencodableBytes(in: "a\u{4}b") == [0x04])
        #expect(smol.decode(smol.encode("a\u{4}b")) == "ab")  // left out, as llama.cpp does
    }

    @Test func streamingHoldsBackSplitCharacters() throws {
        let t = try TokenizerBuilder().build()  // no merges: every byte is its own token
        let text = "é日🍕x"
        let ids = t.encode(text)
        #expect(ids == text.utf8.map(Int.init))
        var s = t.streamingDetokenizer()
        let parts = ids.map { s.append($0) }
        #expect(parts == ["", "é", "", "", "日", "", "", "", "🍕", "x"])
        #expect(s.finish() == "")
        // A character cut off at the end comes out as U+FFFD, like batch decoding.
        var cut = t.streamingDetokenizer()
        #expect(cut.append(0xE6) == "")
        #expect(cut.finish() == "\u{FFFD}")
        #expect(t.decode([0xE6]) == "\u{FFFD}")
        // An invalid sequence is not held back.
        var bad = t.streamingDetokenizer()
        #expect(bad.append(0xE0) == "")
        #expect(bad.append(0x80) == "\u{FFFD}\u{FFFD}")
    }

    @Test func cleansSpacesForGPT2Vocabularies() throws {
        var b = TokenizerBuilder()
        b.pre = "gpt-2"
        let t = try b.build()
        let ids = Array("Hi , there ' s it 's ok ' 're done ?".utf8).map(Int.init)
        #expect(t.decode(ids) == "Hi, there's it's ok''re done?")  // the space after a lone ' is dropped
        var s = t.streamingDetokenizer()
        #expect(s.append(contentsOf: ids) + s.finish() == t.decode(ids))
    }
}
