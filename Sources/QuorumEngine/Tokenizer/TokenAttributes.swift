/// What kind of token a vocabulary entry is, from `tokenizer.ggml.token_type` (llama.cpp's numbering), plus the
/// control flag that llama.cpp also gives to end-of-turn and fill-in-the-middle tokens recognised by their text.
struct TokenAttributes: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let normal = TokenAttributes(rawValue: 1 << 0)
    static let unknown = TokenAttributes(rawValue: 1 << 1)
    static let control = TokenAttributes(rawValue: 1 << 2)
    static let userDefined = TokenAttributes(rawValue: 1 << 3)
    static let unused = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)
    static let undefined = TokenAttributes(rawValue: 1 << 6)

    /// Tokens that text can spell directly and that are cut out of text before BPE (control ones only when
    /// special tokens are parsed).
    static let special: TokenAttributes = [.control, .userDefined, .unknown]

    /// From a GGUF token type: 0 undefined, 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    init(ggufType: Int) {
        switch ggufType {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = .undefined
        }
    }

    init(rawValue: UInt8) { self.rawValue = rawValue }
}
