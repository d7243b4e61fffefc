extension Tokenizer {
    /// The text of `ids`, as llama.cpp's `llama_detokenize` gives it.
    ///
    /// - Parameter removeSpecial: when true (the default), control tokens such as `<|im_end|>` give no text and a
    ///   leading BOS / trailing EOS that the model adds itself is dropped (`remove_special = true,
    ///   unparse_special = false`); when false every token's text is rendered (`remove_special = false,
    ///   unparse_special = true`). Bytes that are not valid UTF-8 (a character cut off at the end) become U+FFFD;
    ///   use ``decodeBytes(_:removeSpecial:)`` for the exact bytes.
    public func decode(_ ids: [Int], removeSpecial: Bool = true) -> String {
        String(decoding: decodeBytes(ids, removeSpecial: removeSpecial), as: UTF8.self)
    }

    /// The exact bytes of `ids`; see ``decode(_:removeSpecial:)``.
    public func decodeBytes(_ ids: [Int], removeSpecial: Bool = true) -> [UInt8] {
        var ids = ids[...]
        var stripSpace = addsSpacePrefix
        if removeSpecial && addsBOS, let first = ids.first, first == bosID {
            ids = ids.dropFirst()
            stripSpace = false
        }
        if removeSpecial && addsEOS, let last = ids.last, last == eosID { ids = ids.dropLast() }
        var out: [UInt8] = []
        for id in ids {
            appendPiece(id, renderSpecial: !removeSpecial, stripLeadingSpace: stripSpace, to: &out)
            stripSpace = false
        }
        return cleansSpaces ? Self.cleanSpaces(out) : out
    }

    func appendPiece(_ id: Int, renderSpecial: Bool, stripLeadingSpace: Bool, to out: inout [UInt8]) {
        guard contains(id) else { return }
        if !renderSpecial && isControl(id) { return }
        var start = Int(pieceStarts[id])
        let end = Int(pieceStarts[id + 1])
        if stripLeadingSpace && start < end && pieceBytes[start] == 0x20 { start += 1 }
        out.append(contentsOf: pieceBytes[start..<end])
    }

    /// Hugging Face's `clean_up_tokenization_spaces`, as llama.cpp applies it to Llama 3 and GPT-2 vocabularies:
    /// no space before `?!.,`, none around a lone `'`, none before `'s 'm 're 've`. Only ASCII spaces go, so
    /// UTF-8 sequences are never cut.
    static func cleanSpaces(_ text: [UInt8]) -> [UInt8] {
        let space = UInt8(ascii: " "), apostrophe = UInt8(ascii: "'")
        // Pass 1: " ?", " !", " .", " ," lose the space.
        var a: [UInt8] = []
        a.reserveCapacity(text.count)
        for (i, x) in text.enumerated() {
            if i > 0 && text[i - 1] == space && (x == UInt8(ascii: "?") || x == UInt8(ascii: "!") || x == UInt8(ascii: ".") || x == UInt8(ascii: ",")) {
                a.removeLast()
            }
            a.append(x)
        }
        // Pass 2: " ' " becomes "'"; the dropped following space cannot start another match.
        var b: [UInt8] = []
        b.reserveCapacity(a.count)
        var i = 0
        var previous: UInt8? = nil  // the input byte before i, or nil after a dropped space
        while i < a.count {
            let x = a[i]
            if i > 0 && x == apostrophe && i + 1 < a.count && previous == space && a[i + 1] == space {
                b.removeLast()
                b.append(x)
                previous = nil
                i += 2
                continue
            }
            b.append(x)
            previous = x
            i += 1
        }
        // Pass 3: " 's", " 'm", " 're", " 've" lose the space.
        var c: [UInt8] = []
        c.reserveCapacity(b.count)
        for (i, x) in b.enumerated() {
            if i > 0 && b[i - 1] == space && x == apostrophe && i + 1 < b.count {
                let x1 = b[i + 1]
                if x1 == UInt8(ascii: "s") || x1 == UInt8(ascii: "m") {
                    c.removeLast()
                } else if i + 2 < b.count {
                    let x2 = b[i + 2]
                    if (x1 == UInt8(ascii: "r") && x2 == UInt8(ascii: "e")) || (x1 == UInt8(ascii: "v") && x2 == UInt8(ascii: "e")) {
                        c.removeLast()
                    }
                }
            }
            c.append(x)
        }
        return c
    }
}
