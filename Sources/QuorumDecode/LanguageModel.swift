/// A language model that Quorum can decode from: the embedded GGUF engine implements it, and so can an
/// HTTP backend.
///
/// The model keeps sequences: token histories with whatever cached state makes extending them cheap (the
/// engine's KV cache). A caller makes a sequence, prefills it with a prompt, and then extends one or many
/// sequences by a token each per ``step(_:)``, reading the next-token distribution every time. Forking a
/// sequence copies its state, so many samples (self-consistency) or look-ahead roll-outs (AdaDec) can share
/// one prefilled prompt, and two models can follow one shared text, each with its own sequences (FoReaL).
///
/// ``generate(_:)`` (in an extension) drives these calls for whole completions: sampling, stop strings,
/// end-of-generation tokens, token limits, log-probabilities.
public protocol LanguageModel: AnyObject, Sendable {
    /// A short identity for records and reports (e.g. the model's file name).
    var name: String { get }
    /// Token ids run over `0..<vocabularySize`.
    var vocabularySize: Int { get }
    /// The most tokens one sequence can hold.
    var contextLength: Int { get }
    /// Tokens that end a generation (end of sequence / end of turn).
    var endOfGenerationTokens: Set<Int> { get }
    /// Text handling (the tokenizer), or `nil` when the model has none attached.
    var text: (any TokenText)? { get }

    /// A new, empty sequence.
    func makeSequence() async throws -> SequenceID
    /// A new sequence with the same tokens and state as `sequence`, which is left unchanged.
    func fork(_ sequence: SequenceID) async throws -> SequenceID
    /// Releases `sequence` and its state; unknown handles are ignored.
    func free(_ sequence: SequenceID) async
    /// The tokens `sequence` holds.
    func tokens(of sequence: SequenceID) async throws -> [Int]
    /// Appends `tokens` to `sequence` and returns the next-token distributions after each of the last
    /// `distributions` of them (oldest first); `distributions` 0 returns none, 1 only the one after the last
    /// token. Teacher forcing is one prefill with `distributions` equal to the tokens being scored.
    func prefill(_ sequence: SequenceID, tokens: [Int], distributions: Int) async throws -> [NextTokenDistribution]
    /// Drops every token of `sequence` after its first `length` (and their cached state), so that it can be
    /// extended differently (FoReaL cuts a leader's piece back to a word boundary). Models that cannot do it
    /// throw ``DecodeError/unsupported(_:)``.
    func truncate(_ sequence: SequenceID, to length: Int) async throws
    /// Appends one token to each of several different sequences in one forward pass and returns each one's
    /// next-token distribution, in the order of `rows`.
    func step(_ rows: [StepRow]) async throws -> [NextTokenDistribution]
}
