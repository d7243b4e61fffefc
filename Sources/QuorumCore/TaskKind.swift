/// What kind of answer a problem expects; it decides how answers are extracted and compared.
public enum TaskKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// A number or a mathematical expression (GSM8K, MATH-500, SVAMP, ASDiv …).
    case math
    /// One of several labelled options (ARC, CommonsenseQA, COPA).
    case choice
    /// Free text compared after normalisation.
    case text
    /// A program checked by executing tests (HumanEval, MBPP).
    case code
}
