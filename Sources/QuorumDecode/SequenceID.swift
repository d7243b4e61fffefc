/// One sequence inside a ``LanguageModel``: a token history together with the model's cached state for it
/// (for the embedded engine, its KV cache). Handles are created by ``LanguageModel/makeSequence()`` or
/// ``LanguageModel/fork(_:)`` and are only meaningful to the model that made them.
public struct SequenceID: Sendable, Hashable, CustomStringConvertible {
    /// The model's number for the sequence.
    public let rawValue: Int

    /// The handle with number `rawValue` (models make handles; callers only pass them back).
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `sequence N`.
    public var description: String { "sequence \(rawValue)" }
}

/// One row of a batched ``LanguageModel/step(_:)``: append `token` to `sequence`.
public struct StepRow: Sendable, Hashable {
    /// The sequence to extend.
    public var sequence: SequenceID
    /// The token appended to it.
    public var token: Int

    /// A row appending `token` to `sequence`.
    public init(sequence: SequenceID, token: Int) {
        self.sequence = sequence
        self.token = token
    }
}
