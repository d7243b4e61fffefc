/// Why decoding failed. Each case names what was wrong.
public enum DecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The sequence handle is unknown to the model (never created, or already freed).
    case unknownSequence(SequenceID)
    /// A token id outside `0..<vocabularySize`.
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    /// The sequence would grow past the model's context length.
    case contextFull(sequence: SequenceID, length: Int, contextLength: Int)
    /// The same sequence appears twice in one batched step.
    case duplicateSequenceInStep(SequenceID)
    /// A request that cannot be carried out as given (empty prompt, bad sampling value, …).
    case invalidRequest(String)
    /// Text was needed (stop strings, `--prompt`) but the model has no tokenizer attached.
    case noTokenizer(String)
    /// The model does not provide this operation (for example an HTTP backend without per-step access).
    case unsupported(String)
    /// The model computed a NaN or +∞ logit (a damaged model): decoding stops at the first one instead of
    /// sampling from garbage. `position` is the 0-based index, in `sequence`, of the token after which the
    /// distribution was computed (the forward step on that token); `token` the vocabulary entry whose logit
    /// it is.
    case nonFiniteLogits(model: String, sequence: SequenceID, position: Int, token: Int, value: Float)

    /// A readable account of the failure.
    public var description: String {
        switch self {
        case .unknownSequence(let s): "unknown \(s) (never created, or already freed)"
        case .tokenOutOfRange(let t, let v): "token id \(t) is outside the vocabulary (0..<\(v))"
        case .contextFull(let s, let n, let c): "\(s) would reach \(n) tokens, past the context length \(c)"
        case .duplicateSequenceInStep(let s): "\(s) appears twice in one step"
        case .invalidRequest(let why): "invalid request: \(why)"
        case .noTokenizer(let what): "\(what) needs a tokenizer, and this model has none attached"
        case .unsupported(let what): "not supported by this model: \(what)"
        case .nonFiniteLogits(let model, let s, let position, let token, let value):
            "model \(model) computed a non-finite logit (\(value) for token \(token)) at step \(position) of \(s) "
                + "(the forward pass on its token \(position)); the model is damaged, so decoding stops"
        }
    }
}
