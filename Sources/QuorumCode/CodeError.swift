import Foundation
import QuorumCore

/// Why a code task could not be prepared, a program could not be run, or a figure could not be computed.
///
/// A program that fails is not an error of this kind: it is an ``ExecutionResult`` with status `fail`,
/// `timeout` or `error`. These cases are about the task, the template, the machine or the caller.
public enum CodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problem is not of kind `code`.
    case notACodeProblem(problem: String, kind: TaskKind)
    /// The problem carries no tests: neither `test` with `entry_point` (HumanEval) nor `tests` (MBPP).
    case missingTests(problem: String)
    /// The problem has no reference solution (`canonical_solution` or `code`).
    case missingCanonicalSolution(problem: String)
    /// A template names a placeholder that does not exist; `offset` is the character offset of its `{`.
    case unknownPlaceholder(template: String, placeholder: String, offset: Int)
    /// A template has a `{` without a matching `}` (write `{{` for a literal brace).
    case unclosedPlaceholder(template: String, offset: Int)
    /// A template has a `}` that closes nothing (write `}}` for a literal brace).
    case strayClosingBrace(template: String, offset: Int)
    /// A placeholder the problem has no value for (e.g. `{tests}` for a HumanEval problem).
    case missingPlaceholderValue(template: String, placeholder: String, problem: String)
    /// No Python interpreter could run the sandbox; every candidate with the reason it was rejected.
    case noUsableInterpreter([String])
    /// A sandbox layer that was asked for (``SandboxOptions/isolation``, or a
    /// ``SandboxOptions/LayerPolicy/required`` layer) is not available here; `reason` says why and what to do.
    case layerUnavailable(layer: String, reason: String)
    /// The temporary working directory could not be created or filled.
    case workDirectory(path: String, detail: String)
    /// A system call needed to start the sandbox failed (`pipe`, `posix_spawn`, …), with `errno`.
    case systemCall(name: String, errno: Int32)
    /// The sandbox's trusted part answered something unreadable (a bug, or a broken interpreter).
    case sandboxProtocol(detail: String)
    /// The calling task was cancelled before every item of an ``ExecutionPool/map(_:_:)`` ran.
    case cancelled
    /// pass@k needs 0 ≤ c ≤ n and 1 ≤ k ≤ n.
    case invalidPassAtK(samples: Int, correct: Int, k: Int)

    public var description: String {
        switch self {
        case .notACodeProblem(let problem, let kind): "\(problem): not a code problem (kind \(kind.rawValue))"
        case .missingTests(let problem):
            "\(problem): no tests (expected metadata 'test' and 'entry_point' as in HumanEval, or 'tests' as in MBPP)"
        case .missingCanonicalSolution(let problem):
            "\(problem): no reference solution (metadata 'canonical_solution' or 'code')"
        case .unknownPlaceholder(let template, let placeholder, let offset):
            "template \(template): unknown placeholder {\(placeholder)} at offset \(offset) (known: \(CodePromptTemplate.placeholders.joined(separator: ", ")))"
        case .unclosedPlaceholder(let template, let offset):
            "template \(template): '{' at offset \(offset) is not closed (write '{{' for a literal brace)"
        case .strayClosingBrace(let template, let offset):
            "template \(template): '}' at offset \(offset) closes nothing (write '}}' for a literal brace)"
        case .missingPlaceholderValue(let template, let placeholder, let problem):
            "template \(template): problem \(problem) has no value for {\(placeholder)}"
        case .noUsableInterpreter(let reasons):
            "no Python interpreter can run the sandbox:\n" + reasons.map { "  \($0)" }.joined(separator: "\n")
        case .layerUnavailable(let layer, let reason): "sandbox layer '\(layer)' is asked for but unavailable: \(reason)"
        case .workDirectory(let path, let detail): "\(path): cannot prepare the sandbox directory: \(detail)"
        case .systemCall(let name, let errno): "\(name) failed: errno \(errno) (\(String(cString: strerror(errno))))"
        case .sandboxProtocol(let detail): "the sandbox answered something unreadable: \(detail)"
        case .cancelled: "cancelled before every program ran"
        case .invalidPassAtK(let n, let c, let k):
            "pass@k needs 0 <= correct <= samples and 1 <= k <= samples (samples \(n), correct \(c), k \(k))"
        }
    }
}
