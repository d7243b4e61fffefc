import Foundation
import QuorumCore

/// Answers are equal when their strings are identical: transitive, so clusters do not depend on order.
public struct ExactEquivalence: AnswerEquivalence {
    public init() {}
    public func equal(_ a: String, _ b: String) -> Bool { a == b }
}

/// Identical strings, or two numbers within 1e-3 of each other: symmetric but not transitive
/// (8 ~ 8.0009 ~ 8.0018), like the reference's numeric rule. For tests that need non-transitive chains.
public struct ToleranceEquivalence: AnswerEquivalence {
    public init() {}
    public func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = Double(a), let y = Double(b) else { return false }
        return abs(x - y) <= 1e-3
    }
}
