/// An answer taken from model text or from a task set.
public struct Answer: Sendable, Codable, Hashable {
    /// The text as it appeared, e.g. `"$\\$1,250.00$"` or `"**B**"`.
    public var raw: String
    /// The normalised form used for display, clustering keys and JSON output, e.g. `"1250"` or `"B"`.
    public var normalized: String
    /// The numeric value when the answer is a number (fractions and percentages included), else `nil`.
    public var numericValue: Double?

    public init(raw: String, normalized: String, numericValue: Double? = nil) {
        self.raw = raw
        self.normalized = normalized
        self.numericValue = numericValue
    }

    enum CodingKeys: String, CodingKey {
        case raw, normalized
        case numericValue = "numeric_value"
    }
}

/// Decides whether two normalised answers mean the same thing.
///
/// Implementations must be symmetric (`equal(a, b) == equal(b, a)`) but need not be transitive: numbers
/// compared with a tolerance chain (8 ~ 8.0009 ~ 8.0018). Aggregators rely on symmetry only.
public protocol AnswerEquivalence: Sendable {
    /// Whether `a` and `b` denote the same answer. The empty string is the "no answer" outcome.
    func equal(_ a: String, _ b: String) -> Bool
}
