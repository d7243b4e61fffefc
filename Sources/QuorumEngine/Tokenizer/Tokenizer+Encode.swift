extension Tokenizer {
    /// A piece of text after special tokens are cut out: a byte range of the text, or a special token.
    enum Fragment: Equatable {
        case text(Int, Int)
        case token(Int)
    }

    /// Token ids for `text`, as llama.cpp's `llama_tokenize` gives them.
    ///
    /// - Parameters:
    ///   - addSpecial: add BOS (and EOS) where the model's metadata asks for it (neither SmolLM2 nor Qwen2.5 does).
    ///   - parseSpecial: let text spell control tokens, so that `<|im_start|>` becomes one token; when false the
    ///     same characters are tokenized as ordinary text. User-defined tokens are recognised either way.
    /// - Note: bytes in ``bytesWithoutToken`` (rare control characters for some vocabularies) cannot be spelled
    ///   and are left out, exactly as llama.cpp does; ``unencodableBytes(in:)`` reports them.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial && addsBOS, let bosID { out.append(bosID) }
        var bytes = Array(text.utf8)
        let fragments = partition(bytes, parseSpecial: parseSpecial)
        var pre = PreTokenizerScratch()
        var bpe = BPEScratch()
        bytes.withUnsafeMutableBufferPointer { all in
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    out.append(id)
                case .text(let start, let end):
                    encodePiece(UnsafeBufferPointer(rebasing: all[start..<end]), &pre, &bpe, &out)
                }
            }
        }
        if addSpecial && addsEOS, let eosID { out.append(eosID) }
        return out
    }

    /// The bytes of `text` that ``encode(_:addSpecial:parseSpecial:)`` cannot spell and leaves out (usually none).
    public func unencodableBytes(in text: String) -> [UInt8] {
        guard !bytesWithoutToken.isEmpty else { return [] }
        let missing = Set(bytesWithoutToken)
        return text.utf8.filter { missing.contains($0) }
    }

    /// Cuts special tokens out of `bytes`, longest token first, as llama.cpp's `tokenizer_st_partition` does.
    func partition(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0, bytes.count)]
        // Which special tokens occur anywhere in the text at all (most texts contain none).
        var present = [Bool](repeating: false, count: specials.count)
        var any = false
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<b.count {
                for k in specialsByFirstByte[Int(b[i])] {
                    let s = specials[Int(k)]
                    if present[Int(k)] || (s.onlyWhenParsingSpecial && !parseSpecial) || s.bytes.count > b.count - i { continue }
                    if s.bytes.withUnsafeBufferPointer({ t in (0..<t.count).allSatisfy { t[$0] == b[i + $0] } }) {
                        present[Int(k)] = true
                        any = true
                    }
                }
            }
        }
        guard any else { return fragments }
        for (k, special) in specials.enumerated() where present[k] {
            var next: [Fragment] = []
            for fragment in fragments {
                guard case .text(var start, let end) = fragment else {
                    next.append(fragment)
                    continue
                }
                while let match = Self.find(special.bytes, in: bytes, from: start, to: end) {
                    if match > start { next.append(.text(start, match)) }
                    next.append(.token(special.id))
                    start = match + special.bytes.count
                }
                if start < end { next.append(.text(start, end)) }
            }
            fragments = next
        }
        return fragments
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, to end: Int) -> Int? {
        let m = needle.count
        guard m > 0, end - start >= m else { return nil }
        let first = needle[0]
        var i = start
        while i <= end - m {
            if haystack[i] == first {
                var j = 1
                while j < m && haystack[i + j] == needle[j] { j += 1 }
                if j == m { return i }
            }
            i += 1
        }
        return nil
    }

    /// Pre-tokenizes and merges one piece of text without special tokens.
    func encodePiece(
        _ bytes: UnsafeBufferPointer<UInt8>, _ pre: inout PreTokenizerScratch, _ bpe: inout BPEScratch, _ out: inout [Int]
    ) {
        preTokenizer.split(bytes, scratch: &pre)
        var wordStart = 0
        for end in pre.wordEnds {
            let from = Int(pre.byteStarts[wordStart])
            let to = Int(pre.byteStarts[Int(end)])
            wordStart = Int(end)
            if ignoresMerges, let id = wholeWords[Array(bytes[from..<to])] {
                out.append(Int(id))
                continue
            }
            bpe.symbols.removeAll(keepingCapacity: true)
            for i in from..<to { bpe.symbols.append(byteSymbols[Int(bytes[i])]) }
            merges.merge(&bpe)
            for s in bpe.symbols { appendSymbol(s, &out) }
        }
    }

    /// Appends a final symbol: a token id, or for a merge result the vocabulary lacks, the tokens it was made of.
    private func appendSymbol(_ s: Int32, _ out: inout [Int]) {
        if Int(s) < vocabularySize {
            out.append(Int(s))
            return
        }
        let (l, r) = merges.extraParts[Int(s) - vocabularySize]
        if l >= 0 {
            appendSymbol(l, &out)
            appendSymbol(r, &out)
        }
    }
}
