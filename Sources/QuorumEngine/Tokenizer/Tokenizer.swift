// A GPT-2 style byte-level BPE tokenizer built from GGUF metadata, matching llama.cpp token for token.
//
// Metadata read (all under `tokenizer.ggml.`):
//   model            "gpt2" (byte-level BPE; anything else, e.g. SentencePiece "llama" for Gemma, is refused)
//   pre              the pre-tokenizer rule set, see `PreTokenizer`
//   tokens           [string]  the vocabulary; a token's id is its index
//   token_type       [int]     optional, llama.cpp's numbering (1 normal, 3 control, 4 user-defined, ...)
//   merges           [string]  "A B" merge rules, highest priority first
//   bos/eos/eot/eom_token_id, fim_pad/fim_rep/fim_sep_token_id, add_bos_token, add_eos_token,
//   add_space_prefix (all optional)
//
// Encoding: cut special tokens out of the text (control tokens only when asked to parse them), split each
// remaining piece into words with the pre-tokenizer, and merge each word's bytes with the BPE rules.
// Decoding: concatenate each token's bytes (a normal token's byte-level spelling decoded; a control or
// user-defined token's text as is).

/// A byte-level BPE tokenizer read from a GGUF file (SmolLM2, Qwen2/2.5, Llama 3 vocabularies).
///
/// Encoding and decoding follow llama.cpp's `llama_tokenize` and `llama_detokenize` exactly, including which
/// special tokens text can spell and which end generation. The value is immutable and cheap to copy.
public struct Tokenizer: Sendable {
    /// Number of tokens in the vocabulary; valid ids are `0..<vocabularySize`.
    public let vocabularySize: Int
    /// The pre-tokenizer rule set.
    public let preTokenizer: PreTokenizer
    /// Beginning-of-sequence token, if the model has one.
    public let bosID: Int?
    /// End-of-sequence token, if the model has one.
    public let eosID: Int?
    /// End-of-turn token (for chat, `<|im_end|>` in ChatML models): the metadata's `eot_token_id`, else the first
    /// token found among llama.cpp's end-of-turn texts in order of preference (`<|eot_id|>`, `<|im_end|>`, ...).
    /// llama.cpp picks among several matches in hash-table order; ``isEndOfGeneration(_:)`` covers them all.
    public let eotID: Int?
    /// Whether ``encode(_:addSpecial:parseSpecial:)`` puts BOS first when `addSpecial` is true.
    public let addsBOS: Bool
    /// Whether ``encode(_:addSpecial:parseSpecial:)`` puts EOS last when `addSpecial` is true.
    public let addsEOS: Bool
    /// Every token that ends generation (EOS, EOT, EOM, FIM pad/repo/separator and the texts llama.cpp knows).
    public let endOfGenerationIDs: Set<Int>
    /// Byte values the vocabulary cannot spell (no token, no merge yields them). ``encode(_:addSpecial:parseSpecial:)``
    /// leaves such bytes out, as llama.cpp does; check with ``unencodableBytes(in:)`` where that matters.
    public let bytesWithoutToken: [UInt8]

    /// Vocabulary strings, as stored in the file (byte-level spelling for normal tokens).
    let texts: [String]
    let attributes: [TokenAttributes]
    /// Each token's bytes as llama.cpp's `token_to_piece(special: true)` gives them, flattened.
    let pieceBytes: [UInt8]
    let pieceStarts: [Int32]
    let merges: BPEMerges
    /// The symbol for each byte value.
    let byteSymbols: [Int32]
    /// Special tokens, longest text first (then lowest id), and per first byte the indices into that list.
    let specials: [SpecialToken]
    let specialsByFirstByte: [[Int32]]
    /// Only for pre-tokenizers that look whole words up before merging (Llama 3): word bytes → token.
    let wholeWords: [[UInt8]: Int32]
    let ignoresMerges: Bool
    let cleansSpaces: Bool
    let addsSpacePrefix: Bool

    /// Reads the tokenizer of `gguf`. Throws ``GGUFError/unsupportedTokenizer(path:key:value:supported:)`` for
    /// tokenizers other than byte-level BPE with a known pre-tokenizer, and ``GGUFError/invalidMetadata(path:key:reason:)``
    /// for malformed or inconsistent tokenizer metadata.
    public init(gguf: GGUFFile) throws(GGUFError) {
        let path = gguf.path
        func invalid(_ key: String, _ reason: String) -> GGUFError { .invalidMetadata(path: path, key: key, reason: reason) }

        let model = try gguf.requiredString("tokenizer.ggml.model")
        guard model == "gpt2" else {
            let note = model == "llama" ? "gpt2 (SentencePiece 'llama' vocabularies such as Gemma's are not implemented yet)" : "gpt2"
            throw .unsupportedTokenizer(path: path, key: "tokenizer.ggml.model", value: model, supported: [note])
        }
        let preName = gguf["tokenizer.ggml.pre"]?.stringValue ?? "default"
        guard let pre = PreTokenizer(ggufName: preName) else {
            throw .unsupportedTokenizer(path: path, key: "tokenizer.ggml.pre", value: preName, supported: PreTokenizer.supportedGGUFNames)
        }
        preTokenizer = pre

        guard let tokenValues = gguf["tokenizer.ggml.tokens"]?.arrayValue else { throw invalid("tokenizer.ggml.tokens", "missing or not an array") }
        let n = tokenValues.count
        guard n > 0, n < Int(Int32.max) / 2 else { throw invalid("tokenizer.ggml.tokens", "\(n) tokens") }
        vocabularySize = n
        var texts: [String] = []
        texts.reserveCapacity(n)
        for (i, v) in tokenValues.enumerated() {
            guard let s = v.stringValue else { throw invalid("tokenizer.ggml.tokens", "element \(i) is not a string") }
            texts.append(s.isEmpty ? "[EMPTY_\(i)]" : s)
        }

        var attributes = [TokenAttributes](repeating: .normal, count: n)
        if let typeValues = gguf["tokenizer.ggml.token_type"] {
            guard let types = typeValues.arrayValue, types.count == n else {
                throw invalid("tokenizer.ggml.token_type", "must be an array of \(n) integers, one per token")
            }
            for (i, t) in types.enumerated() {
                guard let type = t.intValue else { throw invalid("tokenizer.ggml.token_type", "element \(i) is not an integer") }
                attributes[i] = TokenAttributes(ggufType: type)
            }
        }

        var textToID: [String: Int32] = [:]
        textToID.reserveCapacity(n)
        for (i, t) in texts.enumerated() { textToID[t] = Int32(i) }  // a repeated text maps to its last id

        func optionalID(_ key: String) throws(GGUFError) -> Int? {
            guard let value = gguf[key] else { return nil }
            guard let id = value.intValue else { throw invalid(key, "not an integer") }
            guard id >= 0 && id < n else { throw invalid(key, "token id \(id) outside the vocabulary of \(n)") }
            return id
        }
        func optionalBool(_ key: String) throws(GGUFError) -> Bool? {
            guard let value = gguf[key] else { return nil }
            guard case .bool(let b) = value else { throw invalid(key, "not a boolean") }
            return b
        }
        // Finds a token by one of `candidates` (first candidate present wins) and marks it as a control token.
        func find(_ candidates: [String]) -> Int? {
            for c in candidates { if let id = textToID[c] { return Int(id) } }
            return nil
        }

        bosID = try optionalID("tokenizer.ggml.bos_token_id")
        eosID = try optionalID("tokenizer.ggml.eos_token_id")
        let eot = try optionalID("tokenizer.ggml.eot_token_id") ?? find(SpecialTokenTexts.endOfTurn)
        eotID = eot
        let eom = try optionalID("tokenizer.ggml.eom_token_id") ?? find(SpecialTokenTexts.endOfMessage)
        let fimPad = try optionalID("tokenizer.ggml.fim_pad_token_id") ?? find(SpecialTokenTexts.fimPad)
        let fimRep = try optionalID("tokenizer.ggml.fim_rep_token_id") ?? find(SpecialTokenTexts.fimRepo)
        let fimSep = try optionalID("tokenizer.ggml.fim_sep_token_id") ?? find(SpecialTokenTexts.fimSeparator)
        let fimOthers = [
            try optionalID("tokenizer.ggml.fim_pre_token_id") ?? find(SpecialTokenTexts.fimPrefix),
            try optionalID("tokenizer.ggml.fim_suf_token_id") ?? find(SpecialTokenTexts.fimSuffix),
            try optionalID("tokenizer.ggml.fim_mid_token_id") ?? find(SpecialTokenTexts.fimMiddle),
        ]
        var eog = Set<Int>()
        for id in [fimPad, fimRep, fimSep] { if let id { eog.insert(id) } }
        for (i, t) in texts.enumerated() where SpecialTokenTexts.endOfGeneration.contains(t) { eog.insert(i) }
        for id in [eosID, eot, eom] { if let id { eog.insert(id) } }
        // llama.cpp treats every token it recognised by text as a control token.
        for id in eog.union([eot, eom, fimPad, fimRep, fimSep].compactMap { $0 }).union(fimOthers.compactMap { $0 }) {
            attributes[id].insert(.control)
        }
        endOfGenerationIDs = eog

        var addBOS = pre == .llama3
        if let b = try optionalBool("tokenizer.ggml.add_bos_token") { addBOS = b }
        let addEOS = try optionalBool("tokenizer.ggml.add_eos_token") ?? false
        if addBOS && bosID == nil { throw invalid("tokenizer.ggml.add_bos_token", "true, but there is no bos_token_id") }
        if addEOS && eosID == nil { throw invalid("tokenizer.ggml.add_eos_token", "true, but there is no eos_token_id") }
        addsBOS = addBOS
        addsEOS = addEOS
        addsSpacePrefix = try optionalBool("tokenizer.ggml.add_space_prefix") ?? false
        ignoresMerges = pre == .llama3
        cleansSpaces = pre == .llama3 || pre == .gpt2

        // Merge rules over interned symbols.
        guard let mergeValues = gguf["tokenizer.ggml.merges"]?.arrayValue else { throw invalid("tokenizer.ggml.merges", "missing or not an array") }
        var merges = BPEMerges(capacity: mergeValues.count + 16)
        var extras: [String: Int32] = [:]
        var extraParts: [(Int32, Int32)] = []
        func intern(_ s: String) -> Int32 {
            if let id = textToID[s] { return id }
            if let id = extras[s] { return id }
            let id = Int32(n + extraParts.count)
            extras[s] = id
            extraParts.append((-1, -1))
            return id
        }
        for (rank, v) in mergeValues.enumerated() {
            guard let rule = v.stringValue else { throw invalid("tokenizer.ggml.merges", "element \(rank) is not a string") }
            // Split at the first space after the first byte, as llama.cpp does; a rule without one can never apply.
            let utf8 = rule.utf8
            guard utf8.count > 2, let space = utf8.dropFirst().firstIndex(of: 0x20) else { continue }
            let first = String(rule[..<space])
            let second = String(rule[rule.utf8.index(after: space)...])
            let l = intern(first)
            let r = intern(second)
            let m = intern(first + second)
            if m >= Int32(n), extraParts[Int(m) - n] == (-1, -1) { extraParts[Int(m) - n] = (l, r) }
            merges.insert(left: l, right: r, rank: rank, merged: m)
        }
        var byteSymbols: [Int32] = []
        var missing: [UInt8] = []
        for b in 0..<256 {
            if let id = textToID[ByteLevel.string(for: UInt8(b))] {
                byteSymbols.append(id)
            } else {
                // Some vocabularies lack rare bytes (SmolLM2 has no token for 0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, F1, F2).
                missing.append(UInt8(b))
                byteSymbols.append(intern(ByteLevel.string(for: UInt8(b))))
            }
        }
        bytesWithoutToken = missing
        merges.extraParts = extraParts
        self.merges = merges
        self.byteSymbols = byteSymbols

        // Pieces, as llama.cpp's token_to_piece(special: true).
        var pieceBytes: [UInt8] = []
        var pieceStarts: [Int32] = [0]
        pieceStarts.reserveCapacity(n + 1)
        var wholeWords: [[UInt8]: Int32] = [:]
        for i in 0..<n {
            let a = attributes[i]
            if !a.isDisjoint(with: TokenAttributes.special) {
                pieceBytes.append(contentsOf: texts[i].utf8)
            } else if a.contains(.normal) {
                pieceBytes.append(contentsOf: ByteLevel.decode(texts[i]))
            }
            pieceStarts.append(Int32(pieceBytes.count))
        }
        if ignoresMerges {
            for (t, id) in textToID where t.unicodeScalars.allSatisfy({ ByteLevel.byte(for: $0.value) != nil }) {
                wholeWords[ByteLevel.decode(t)] = id
            }
        }
        self.pieceBytes = pieceBytes
        self.pieceStarts = pieceStarts
        self.wholeWords = wholeWords

        var specials: [SpecialToken] = []
        for i in 0..<n where !attributes[i].isDisjoint(with: TokenAttributes.special) {
            specials.append(SpecialToken(
                id: i, bytes: Array(texts[i].utf8), onlyWhenParsingSpecial: !attributes[i].isDisjoint(with: [.control, .unknown])))
        }
        specials.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        var byFirst = [[Int32]](repeating: [], count: 256)
        for (k, s) in specials.enumerated() { byFirst[Int(s.bytes[0])].append(Int32(k)) }
        self.specials = specials
        self.specialsByFirstByte = byFirst
        self.texts = texts
        self.attributes = attributes
    }

    // MARK: - Tokens

    /// Whether `id` is a valid token id.
    public func contains(_ id: Int) -> Bool { id >= 0 && id < vocabularySize }

    /// The bytes token `id` stands for (a control token's text included); empty for ids outside the vocabulary
    /// and for unused tokens. These are llama.cpp's pieces (`llama_token_to_piece(special: true)`).
    public func tokenBytes(_ id: Int) -> [UInt8] {
        guard contains(id) else { return [] }
        return Array(pieceBytes[Int(pieceStarts[id])..<Int(pieceStarts[id + 1])])
    }

    /// The vocabulary entry of token `id` as stored in the file (for example `Ġworld`), or `nil` outside the vocabulary.
    public func vocabularyText(_ id: Int) -> String? { contains(id) ? texts[id] : nil }

    /// Whether `id` is a control token (such as `<|im_start|>`), which decoding leaves out unless asked.
    public func isControl(_ id: Int) -> Bool { contains(id) && !attributes[id].isDisjoint(with: [.control, .unknown]) }

    /// Whether generating `id` ends generation (EOS, end of turn and the other end-of-generation tokens).
    public func isEndOfGeneration(_ id: Int) -> Bool { endOfGenerationIDs.contains(id) }

    /// The token whose text is exactly `text` (for example `"<|im_end|>"`), if any.
    public func tokenID(forVocabularyText text: String) -> Int? { texts.firstIndex(of: text) }
}
