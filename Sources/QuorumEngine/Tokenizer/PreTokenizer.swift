/// How text is cut into words before byte-level BPE merges them, one rule set per GGUF `tokenizer.ggml.pre`.
///
/// The rules are the regular expressions of the models' Hugging Face tokenizers, as llama.cpp applies them.
/// Swift `Regex` is not used: the expressions are matched by hand over Unicode scalars (left-most alternative
/// first, greedy, with the backtracking each alternative needs), which is exact for these expressions and many
/// times faster. Classes: `\p{L}` is general category L*, `\p{N}` is N*, `\s` is the Unicode `White_Space`
/// property; everything else (punctuation, symbols, marks, controls, unassigned) is "other".
///
/// - `smollm`: first every `\p{N}` scalar is cut out on its own, then each piece is split with GPT-2's
///   `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (lookahead stops at the piece).
/// - `gpt2`: GPT-2's expression alone.
/// - `qwen2`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
/// - `llama3`: the same with `\p{N}{1,3}` (runs of up to three digits).
public enum PreTokenizer: String, Sendable, CaseIterable {
    case smollm
    case gpt2
    case qwen2
    case llama3

    /// The rule set for a GGUF `tokenizer.ggml.pre` value, or `nil` when Quorum does not implement it.
    public init?(ggufName name: String) {
        switch name {
        case "smollm": self = .smollm
        case "gpt-2": self = .gpt2
        case "qwen2", "deepseek-r1-qwen": self = .qwen2
        case "llama3", "llama-v3", "llama-bpe": self = .llama3
        default: return nil
        }
    }

    /// The `tokenizer.ggml.pre` values Quorum accepts.
    public static let supportedGGUFNames = ["smollm", "gpt-2", "qwen2", "deepseek-r1-qwen", "llama3", "llama-v3", "llama-bpe"]
}

/// Character classes used by the pre-tokenizer rules.
enum ScalarClass {
    static let other: UInt8 = 0
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 3
    /// Outside the piece being split (what a lookahead sees past its end).
    static let none: UInt8 = 255

    static let ascii: [UInt8] = (0..<128).map { classifySlow(UInt32($0)) }

    @inline(__always)
    static func classify(_ v: UInt32) -> UInt8 {
        v < 128 ? ascii[Int(v)] : classifySlow(v)
    }

    static func classifySlow(_ v: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(v) else { return other }
        let p = scalar.properties
        if p.isWhitespace { return whitespace }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return letter
        case .decimalNumber, .letterNumber, .otherNumber: return number
        default: return other
        }
    }
}

/// Reusable buffers for splitting one piece of text (kept between words to avoid allocation).
struct PreTokenizerScratch {
    /// Scalar values of the piece.
    var scalars: [UInt32] = []
    /// Class of each scalar.
    var classes: [UInt8] = []
    /// Byte offset of each scalar in the piece, plus the piece's byte length at the end.
    var byteStarts: [Int32] = []
    /// Scalar index where each word ends, in order.
    var wordEnds: [Int32] = []
}

extension PreTokenizer {
    /// Splits `bytes` (valid UTF-8) into words; afterwards `scratch.wordEnds` holds each word's end as a scalar
    /// index, and `scratch.byteStarts` maps scalar indices to byte offsets.
    func split(_ bytes: UnsafeBufferPointer<UInt8>, scratch s: inout PreTokenizerScratch) {
        s.scalars.removeAll(keepingCapacity: true)
        s.classes.removeAll(keepingCapacity: true)
        s.byteStarts.removeAll(keepingCapacity: true)
        s.wordEnds.removeAll(keepingCapacity: true)
        let n = bytes.count
        var i = 0
        while i < n {
            let b0 = UInt32(bytes[i])
            var v: UInt32
            var len: Int
            if b0 < 0x80 {
                v = b0; len = 1
            } else if b0 < 0xE0 {
                v = (b0 & 0x1F) << 6 | (UInt32(bytes[i + 1]) & 0x3F); len = 2
            } else if b0 < 0xF0 {
                v = (b0 & 0x0F) << 12 | (UInt32(bytes[i + 1]) & 0x3F) << 6 | (UInt32(bytes[i + 2]) & 0x3F); len = 3
            } else {
                v = (b0 & 0x07) << 18 | (UInt32(bytes[i + 1]) & 0x3F) << 12 | (UInt32(bytes[i + 2]) & 0x3F) << 6
                    | (UInt32(bytes[i + 3]) & 0x3F)
                len = 4
            }
            s.scalars.append(v)
            s.classes.append(ScalarClass.classify(v))
            s.byteStarts.append(Int32(i))
            i += len
        }
        s.byteStarts.append(Int32(n))
        let count = s.scalars.count
        s.scalars.withUnsafeBufferPointer { cps in
            s.classes.withUnsafeBufferPointer { cls in
                switch self {
                case .smollm:
                    // "\p{N}" first: each number scalar alone, the runs between as pieces.
                    var start = 0
                    var k = 0
                    while k < count {
                        if cls[k] == ScalarClass.number {
                            if k > start { Self.splitGPT2(cps, cls, start, k, &s.wordEnds) }
                            s.wordEnds.append(Int32(k + 1))
                            start = k + 1
                        }
                        k += 1
                    }
                    if count > start { Self.splitGPT2(cps, cls, start, count, &s.wordEnds) }
                case .gpt2:
                    Self.splitGPT2(cps, cls, 0, count, &s.wordEnds)
                case .qwen2:
                    Self.splitLlama3(cps, cls, 0, count, maxDigits: 1, &s.wordEnds)
                case .llama3:
                    Self.splitLlama3(cps, cls, 0, count, maxDigits: 3, &s.wordEnds)
                }
            }
        }
    }

    @inline(__always)
    private static func isContraction(_ cps: UnsafeBufferPointer<UInt32>, _ pos: Int, _ end: Int, caseInsensitive: Bool) -> Int {
        // Returns the length of a contraction ('s 't 're 've 'm 'll 'd) starting at pos, or 0.
        guard cps[pos] == 0x27, pos + 1 < end else { return 0 }
        func lower(_ c: UInt32) -> UInt32 { caseInsensitive && c >= 0x41 && c <= 0x5A ? c + 32 : c }
        let c1 = lower(cps[pos + 1])
        if c1 == 0x73 || c1 == 0x74 || c1 == 0x6D || c1 == 0x64 { return 2 }  // s t m d
        guard pos + 2 < end else { return 0 }
        let c2 = lower(cps[pos + 2])
        if (c1 == 0x72 && c2 == 0x65) || (c1 == 0x76 && c2 == 0x65) || (c1 == 0x6C && c2 == 0x6C) { return 3 }  // re ve ll
        return 0
    }

    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` over [start, end).
    private static func splitGPT2(
        _ cps: UnsafeBufferPointer<UInt32>, _ cls: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        _ out: inout [Int32]
    ) {
        @inline(__always) func classAt(_ p: Int) -> UInt8 { p < end ? cls[p] : ScalarClass.none }
        var pos = start
        while pos < end {
            let c = cps[pos]
            let contraction = isContraction(cps, pos, end, caseInsensitive: false)
            if contraction > 0 {
                pos += contraction
                out.append(Int32(pos))
                continue
            }
            let k2 = c == 0x20 ? classAt(pos + 1) : cls[pos]
            if k2 == ScalarClass.letter || k2 == ScalarClass.number || k2 == ScalarClass.other {
                if c == 0x20 { pos += 1 }
                while classAt(pos) == k2 { pos += 1 }
                out.append(Int32(pos))
                continue
            }
            var w = 0
            while classAt(pos + w) == ScalarClass.whitespace { w += 1 }
            if w > 1 && pos + w < end {
                pos += w - 1  // \s+(?!\S): leave the last space to the word that follows
            } else if w > 0 {
                pos += w
            } else {
                pos += 1
            }
            out.append(Int32(pos))
        }
    }

    /// Llama 3 / Qwen2: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,maxDigits}|
    /// ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` over [start, end).
    private static func splitLlama3(
        _ cps: UnsafeBufferPointer<UInt32>, _ cls: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        maxDigits: Int, _ out: inout [Int32]
    ) {
        @inline(__always) func classAt(_ p: Int) -> UInt8 { p < end ? cls[p] : ScalarClass.none }
        @inline(__always) func isNewline(_ p: Int) -> Bool { p < end && (cps[p] == 0x0A || cps[p] == 0x0D) }
        var pos = start
        while pos < end {
            let c = cps[pos]
            let k = cls[pos]
            let contraction = isContraction(cps, pos, end, caseInsensitive: true)
            if contraction > 0 {
                pos += contraction
                out.append(Int32(pos))
                continue
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(c == 0x0A || c == 0x0D || k == ScalarClass.number) && (k == ScalarClass.letter || classAt(pos + 1) == ScalarClass.letter) {
                pos += 1
                while classAt(pos) == ScalarClass.letter { pos += 1 }
                out.append(Int32(pos))
                continue
            }
            // \p{N}{1,maxDigits}
            if k == ScalarClass.number {
                var taken = 0
                while taken < maxDigits && classAt(pos) == ScalarClass.number {
                    pos += 1
                    taken += 1
                }
                out.append(Int32(pos))
                continue
            }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            let k2 = c == 0x20 ? classAt(pos + 1) : k
            if k2 == ScalarClass.other {
                if c == 0x20 { pos += 1 }
                while classAt(pos) == ScalarClass.other { pos += 1 }
                while isNewline(pos) { pos += 1 }
                out.append(Int32(pos))
                continue
            }
            // whitespace: \s*[\r\n]+ | \s+(?!\S) | \s+
            var w = 0
            var afterLastNewline = -1
            while classAt(pos + w) == ScalarClass.whitespace {
                if cps[pos + w] == 0x0A || cps[pos + w] == 0x0D { afterLastNewline = pos + w + 1 }
                w += 1
            }
            if afterLastNewline > 0 {
                pos = afterLastNewline
            } else if w > 1 && pos + w < end {
                pos += w - 1
            } else if w > 0 {
                pos += w
            } else {
                pos += 1
            }
            out.append(Int32(pos))
        }
    }
}
