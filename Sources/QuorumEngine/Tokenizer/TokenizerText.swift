import QuorumDecode

/// A ``Tokenizer`` as the decode layer's ``TokenText``: prompts are encoded with the model's special prefix
/// (e.g. BOS where its metadata asks for one) and, by default, with control tokens spelled in the text
/// (`<|im_start|>`) parsed into single tokens, as llama.cpp's completion tools do; generated text is the
/// concatenation of llama.cpp's pieces (control tokens' text included).
public struct TokenizerText: TokenText {
    /// The wrapped tokenizer.
    public let tokenizer: Tokenizer
    /// Whether control tokens spelled in a prompt become single tokens; default true.
    public let parseSpecial: Bool

    /// An adapter for `tokenizer`.
    public init(tokenizer: Tokenizer, parseSpecial: Bool = true) {
        self.tokenizer = tokenizer
        self.parseSpecial = parseSpecial
    }

    /// `text`'s ids with the special prefix the metadata asks for.
    public func encode(_ text: String) -> [Int] {
        tokenizer.encode(text, addSpecial: true, parseSpecial: parseSpecial)
    }

    /// llama.cpp's piece for `id` (control tokens' text included).
    public func bytes(of id: Int) -> [UInt8] { tokenizer.tokenBytes(id) }
}
