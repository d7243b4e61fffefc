/// One sequence inside a ``LanguageModel``: a token history together with the model's cached state for it
/// (for the embedded engine, its KV cache). Handles are created by ``LanguageModel/makeSequence()`` or
/// ``LanguageModel/fork(_:)`` and are only meaningful to the model that made them.
public struct SequenceID: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    public var description: String { "sequence \(rawValue)" }
}

/// One row of a batched ``LanguageModel/step(_:)``: append `token` to `sequence`.
public struct StepRow: Sendable, Hashable {
    public var sequence: SequenceID
    public var token: Int

    public init(sequence: SequenceID, token: Int) {
        self.sequence = sequence
        self.token = token
    }
}
