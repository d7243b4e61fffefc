/// Token texts that llama.cpp recognises as end-of-turn, end-of-generation and fill-in-the-middle markers when
/// the GGUF metadata does not name them (it marks every one it finds as a control token).
enum SpecialTokenTexts {
    /// Candidates for the end-of-turn token, in order of preference.
    static let endOfTurn = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>",
        "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]
    /// Every token with one of these texts ends generation.
    static let endOfGeneration: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>",
        "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>",
    ]
    static let endOfMessage = ["<|eom_id|>"]
    static let fimPrefix = ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>"]
    static let fimSuffix = ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>"]
    static let fimMiddle = ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>"]
    /// FIM pad, repository and file-separator tokens end generation too.
    static let fimPad = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"]
    static let fimRepo = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]
    static let fimSeparator = ["<|file_sep|>"]
}

/// A token that is cut out of text before BPE: its id, its exact UTF-8 text and whether it is a control token.
struct SpecialToken: Sendable {
    let id: Int
    let bytes: [UInt8]
    /// Control and unknown tokens are only recognised when special tokens are parsed; user-defined ones always.
    let onlyWhenParsingSpecial: Bool
}
