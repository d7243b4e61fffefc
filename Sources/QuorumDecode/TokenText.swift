/// Turns text into token ids and token ids into bytes: the only text handling the decode layer needs.
///
/// A model's tokenizer conforms to it; without one, decoding still works on token ids, and only features
/// that need text (stop strings, text prompts, the `text` of a generation) are unavailable.
public protocol TokenText: Sendable {
    /// The token ids of `text`, with the model's special prefix (e.g. BOS) when its metadata asks for one.
    func encode(_ text: String) throws -> [Int]
    /// The bytes token `id` stands for in generated text (possibly part of a UTF-8 character).
    func bytes(of id: Int) -> [UInt8]
}

extension TokenText {
    /// The text of `ids`, decoded from their concatenated bytes; invalid UTF-8 (a character cut by the end of
    /// the ids) becomes U+FFFD.
    public func text(of ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids { bytes += self.bytes(of: id) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
