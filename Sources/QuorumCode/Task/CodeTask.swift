import Foundation
import QuorumTasks

/// A code problem read for execution: its prompt, tests and reference solution, and how a model's answer
/// becomes a program.
///
/// Two layouts, recognised from the problem's metadata (as the loaders store it, see `docs/formats.md`):
///
/// - **HumanEval** — metadata `test` (Python that defines `check(candidate)`) and `entry_point`; the question
///   is the prompt (imports, the signature and the docstring); `canonical_solution` is a function body.
/// - **MBPP** (full and sanitized) — metadata `tests` (one `assert` per line), optional `test_imports`
///   (sanitized) and `test_setup_code` (full), and `code`, the reference program. The entry point is the
///   first function `code` defines at top level that the tests call.
///
/// Quorum's own JSON Lines and XML code problems use the same metadata names.
public struct CodeTask: Sendable, Hashable {
    /// Which test harness the task uses.
    public enum Layout: String, Sendable, Hashable, Codable {
        /// `check(candidate)` in `test`, called with the entry point.
        case humanEval = "humaneval"
        /// Top-level `assert` lines in `tests`.
        case mbpp
    }

    /// The problem's id.
    public var id: String
    /// The problem's text: HumanEval's code prompt, MBPP's description.
    public var prompt: String
    /// The harness.
    public var layout: Layout
    /// The function the tests call, when known (always for HumanEval).
    public var entryPoint: String?
    /// The tests: HumanEval's `check` definition, or MBPP's assert lines.
    public var testSource: String
    /// Code the tests need before they run (MBPP's `test_imports` and `test_setup_code`); may be empty.
    public var setupSource: String
    /// The reference answer: HumanEval's canonical body, MBPP's reference program.
    public var canonicalAnswer: String?

    /// Reads `problem`'s metadata.
    ///
    /// - Throws: ``CodeError/notACodeProblem(problem:kind:)`` for another kind,
    ///   ``CodeError/missingTests(problem:)`` without tests.
    public init(problem: Problem) throws(CodeError) {
        guard problem.kind == .code else { throw .notACodeProblem(problem: problem.id, kind: problem.kind) }
        let meta = problem.metadata
        id = problem.id
        prompt = problem.question
        if let test = meta["test"], let entry = meta["entry_point"], !test.isEmpty, !entry.isEmpty {
            layout = .humanEval
            entryPoint = entry
            testSource = test
            setupSource = ""
            canonicalAnswer = meta["canonical_solution"]
        } else if let tests = meta["tests"], !tests.isEmpty {
            layout = .mbpp
            testSource = tests
            setupSource = [meta["test_imports"], meta["test_setup_code"]]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
            canonicalAnswer = meta["code"]
            entryPoint = meta["entry_point"] ?? meta["code"].flatMap { Self.calledFunction(definedIn: $0, calledBy: tests) }
        } else {
            throw .missingTests(problem: problem.id)
        }
    }

    /// The program that defines the solution in `answer` (an extracted code answer), without the tests.
    ///
    /// HumanEval: an empty answer is the prompt alone (its function then returns `None`); an answer that
    /// defines the entry point at top level is a whole function (a chat answer) and follows the prompt,
    /// whose stub it redefines, so the prompt's imports and helper functions stay available; an answer
    /// whose first line is indented is a body (a completion) and is appended to the prompt; anything else
    /// follows the prompt as top-level code. MBPP: the answer as it is.
    public func solutionProgram(_ answer: String) -> String {
        switch layout {
        case .mbpp:
            return answer
        case .humanEval:
            let head = prompt.hasSuffix("\n") ? prompt : prompt + "\n"
            guard let first = answer.split(separator: "\n").first(where: { $0.contains { !$0.isWhitespace } }) else {
                return head
            }
            if let entryPoint, CodeAnswerExtractor.defines(answer, function: entryPoint) {
                return head + "\n\n" + answer + "\n"
            }
            if first.first == " " || first.first == "\t" { return head + answer + "\n" }
            return head + "\n\n" + answer + "\n"
        }
    }

    /// Which names, called in the tests, stand for which function of the solution, for extracting test
    /// inputs (``CodeCall``): HumanEval maps the entry point to itself (calls through `check`'s parameter
    /// are found by the extractor); MBPP maps each function the reference program defines to itself.
    var testedFunctions: [String: String] {
        switch layout {
        case .humanEval:
            return entryPoint.map { [$0: $0] } ?? [:]
        case .mbpp:
            var names = canonicalAnswer.map(Self.topLevelFunctions) ?? []
            if let entryPoint { names.append(entryPoint) }
            return Dictionary(names.map { ($0, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// The names of the functions `code` defines at top level (`def NAME(`), in order.
    static func topLevelFunctions(_ code: String) -> [String] {
        code.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { line in
            var rest = line[...]
            if rest.hasPrefix("async ") { rest = rest.dropFirst(6).drop(while: { $0 == " " }) }
            guard rest.hasPrefix("def ") else { return nil }
            let name = rest.dropFirst(4).drop(while: { $0 == " " }).prefix(while: { $0 == "_" || $0.isLetter || $0.isNumber })
            return name.isEmpty ? nil : String(name)
        }
    }

    /// The first function defined at top level in `code` whose name is followed by `(` in `tests`.
    static func calledFunction(definedIn code: String, calledBy tests: String) -> String? {
        topLevelFunctions(code).first { name in
            var searchStart = tests.startIndex
            while let range = tests.range(of: name, range: searchStart..<tests.endIndex) {
                let before = range.lowerBound == tests.startIndex ? nil : tests[tests.index(before: range.lowerBound)]
                let after = tests[range.upperBound...].drop(while: { $0 == " " }).first
                let startsWord = before.map { !($0 == "_" || $0 == "." || $0.isLetter || $0.isNumber) } ?? true
                if startsWord && after == "(" { return true }
                searchStart = range.upperBound
            }
            return false
        }
    }
}
