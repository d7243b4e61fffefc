import Foundation
import Testing
@testable import QuorumCode

/// Execution-based equivalence on real problems: different correct programs are equal, wrong ones are not.
@Suite struct ExecutionEquivalenceTests {
    static let humanEval = Result { try CodeTestSupport.problems("humaneval/HumanEval.jsonl.gz") }
    static let sanitized = Result { try CodeTestSupport.problems("mbpp/sanitized-mbpp.json") }

    func task(_ problems: Result<[Problem], any Error>, _ id: String) throws -> CodeTask {
        try CodeTask(problem: try #require(try problems.get().first { $0.id == id }))
    }

    @Test func humanEvalInputsAreTheLiteralCallsOfCheck() throws {
        let sandbox = try CodeTestSupport.sandbox()
        let zero = try ExecutionEquivalence(task: try task(Self.humanEval, "humaneval/0"), sandbox: sandbox)
        #expect(zero.calls.count == 7)
        #expect(zero.calls.first == CodeCall(function: "has_close_elements", arguments: "(([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3, ), {})"))
        // HumanEval/32 checks random polynomials built in a loop: no literal call.
        let random = try ExecutionEquivalence(task: try task(Self.humanEval, "humaneval/32"), sandbox: sandbox)
        #expect(random.calls.isEmpty)
        // Keyword arguments and repeated calls.
        let calls = try sandbox.calls(
            in: "def check(c):\n    assert c(1, b=[2]) == 3\n    assert c(1, b=[2]) == 3\n    x = 5\n    assert c(x) == 0\n    assert f(2)\n",
            functions: ["f": "f"], candidateTarget: "g")
        #expect(calls == [CodeCall(function: "g", arguments: "((1, ), {'b': [2]})"), CodeCall(function: "f", arguments: "((2, ), {})")])
        #expect(throws: CodeError.self) { try sandbox.calls(in: "def check(:\n", functions: [:]) }
    }

    /// The figures docs/formats.md gives: 1108 literal calls over HumanEval, none for 32, 38 and 50.
    @Test func humanEvalHasLiteralInputsForAllButThreeProblems() async throws {
        let sandbox = try CodeTestSupport.sandbox()
        let tasks = try Self.humanEval.get().map { try CodeTask(problem: $0) }
        let counts = try await ExecutionPool(width: 2).map(tasks) { (task) throws(CodeError) in
            try ExecutionEquivalence(task: task, sandbox: sandbox).calls.count
        }
        #expect(counts.reduce(0, +) == 1108)
        #expect(zip(tasks, counts).filter { $0.1 == 0 }.map(\.0.id) == ["humaneval/32", "humaneval/38", "humaneval/50"])
    }

    @Test func mbppInputsAreTheLiteralCallsOfTheAsserts() throws {
        let sandbox = try CodeTestSupport.sandbox()
        let equivalence = try ExecutionEquivalence(task: try task(Self.sanitized, "mbpp-sanitized/2"), sandbox: sandbox)
        #expect(equivalence.calls.map(\.arguments) == ["(((3, 4, 5, 6), (5, 7, 4, 10), ), {})", "(((1, 2, 3, 4), (5, 4, 3, 7), ), {})", "(((11, 12, 14, 13), (17, 15, 14, 13), ), {})"])
        #expect(Set(equivalence.calls.map(\.function)) == ["similar_elements"])
    }

    @Test func humanEvalCorrectProgramsAgreeAndWrongOnesDoNot() async throws {
        let task = try task(Self.humanEval, "humaneval/0")
        let equivalence = try ExecutionEquivalence(task: task, sandbox: try CodeTestSupport.sandbox())
        let reference = try #require(task.canonicalAnswer)
        let sorted = """
            def has_close_elements(numbers, threshold):
                ordered = sorted(numbers)
                return any(b - a < threshold for a, b in zip(ordered, ordered[1:]))
            """
        let pairs = "    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])"
        let never = "    return False"
        let loose = "    return any(abs(a - b) <= threshold + 0.5 for i, a in enumerate(numbers) for b in numbers[i + 1:])"
        try await equivalence.prepare([reference, sorted, pairs, never, loose, ""], pool: ExecutionPool(width: 2))
        #expect(equivalence.cachedAnswerCount == 5)
        #expect(equivalence.equal(reference, sorted))
        #expect(equivalence.equal(sorted, pairs))
        #expect(!equivalence.equal(reference, never))
        #expect(!equivalence.equal(reference, loose))
        #expect(!equivalence.equal(never, loose))
        #expect(!equivalence.equal(reference, ""))
        #expect(equivalence.equal("", ""))
        #expect(equivalence.equal(never, never))
        #expect(equivalence.cachedAnswerCount == 5, "prepared answers are not run again")
        #expect(equivalence.failures.isEmpty)
        // Symmetric.
        for a in [reference, sorted, never, loose, ""] {
            for b in [reference, sorted, never, loose, ""] { #expect(equivalence.equal(a, b) == equivalence.equal(b, a)) }
        }
    }

    @Test func mbppCorrectProgramsAgreeAndWrongOnesDoNot() throws {
        let task = try task(Self.sanitized, "mbpp-sanitized/3")
        let equivalence = try ExecutionEquivalence(task: task, sandbox: try CodeTestSupport.sandbox())
        let reference = try #require(task.canonicalAnswer)
        let trial = "def is_not_prime(n):\n    return any(n % d == 0 for d in range(2, n))"
        let even = "def is_not_prime(n):\n    return n % 2 == 0"
        let misnamed = "def not_prime(n):\n    return any(n % d == 0 for d in range(2, n))"
        #expect(equivalence.equal(reference, trial))
        #expect(!equivalence.equal(reference, even))
        #expect(!equivalence.equal(trial, misnamed))
        #expect(try equivalence.fingerprint(of: misnamed) == Array(repeating: "missing:is_not_prime", count: 4))
        #expect(try equivalence.fingerprint(of: reference) == ["value:False", "value:True", "value:True", "value:False"])
    }

    /// What counts as the same output: integral floats equal integers, floats to 9 digits, sets in any
    /// order, but list order and exceptions matter; programs that do not run agree with each other.
    @Test func outputsAreCanonicalised() throws {
        let sandbox = try CodeTestSupport.sandbox(SandboxLimits(callSeconds: 0.5))
        let calls = [CodeCall(function: "f", arguments: "((3, ), {})"), CodeCall(function: "f", arguments: "((0, ), {})")]
        func outputs(_ program: String) throws -> [String] { try sandbox.outputs(of: program, calls: calls).outputs }
        #expect(try outputs("def f(x):\n    return 2.0 * x") == outputs("def f(x):\n    return 2 * x"))
        #expect(try outputs("def f(x):\n    return 0.1 + 0.2 + x") == outputs("def f(x):\n    return 0.3 + x"))
        #expect(try outputs("def f(x):\n    return {x, 'a', 'b'}") == outputs("def f(x):\n    return {'b', x, 'a'}"))
        #expect(try outputs("def f(x):\n    return [x, 1]") != outputs("def f(x):\n    return [1, x]"))
        #expect(try outputs("def f(x):\n    return [x]") != outputs("def f(x):\n    return (x,)"))
        #expect(try outputs("def f(x):\n    return 10 // x") == ["value:3", "raise:ZeroDivisionError"])
        #expect(try outputs("def f(x):\n    while x:\n        pass\n    return x") == ["timeout", "value:0"])
        #expect(try outputs("def f(x) return x") == ["load:SyntaxError", "load:SyntaxError"])
        #expect(try outputs("def f(x):\n    return 'x' * 1000").first?.hasPrefix("sha256:") == true)
        // A mutating function gets fresh arguments on every call.
        let lists = [CodeCall(function: "f", arguments: "(([1], ), {})"), CodeCall(function: "f", arguments: "(([1], ), {})")]
        #expect(try sandbox.outputs(of: "def f(a):\n    a.append(2)\n    return a", calls: lists).outputs == ["value:[1,2]", "value:[1,2]"])
    }

    /// Without literal inputs only identical texts are equal; nothing runs.
    @Test func withoutInputsTextsDecide() throws {
        let equivalence = ExecutionEquivalence(task: try task(Self.humanEval, "humaneval/32"), calls: [], sandbox: try CodeTestSupport.sandbox())
        #expect(equivalence.equal("    return 0", "    return 0"))
        #expect(!equivalence.equal("    return 0", "    return  0"))
        #expect(equivalence.cachedAnswerCount == 0)
    }

    /// Clustering with it, the way SC, PC and RPC cluster (single-link union-find over an injected
    /// `AnswerEquivalence`): three correct variants form one cluster, two wrong ones their own.
    @Test func plugsIntoClustering() async throws {
        let task = try task(Self.humanEval, "humaneval/2")
        let equivalence = try ExecutionEquivalence(task: task, sandbox: try CodeTestSupport.sandbox())
        let answers = [
            "    return number % 1.0", "    return number - int(number)", "    return 0.5",
            "def truncate_number(number):\n    import math\n    return number - math.floor(number)", "    return 0.5",
        ]
        try await equivalence.prepare(answers, pool: ExecutionPool(width: 2))
        let relation: any AnswerEquivalence = equivalence
        var parent = Array(answers.indices)
        func find(_ i: Int) -> Int { parent[i] == i ? i : find(parent[i]) }
        for i in answers.indices {
            for j in 0..<i where relation.equal(answers[i], answers[j]) {
                let root = find(j)
                if root != find(i) { parent[root] = i }
            }
        }
        let clusters = Dictionary(grouping: answers.indices, by: find).values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
        #expect(clusters == [[0, 1, 3], [2, 4]])
    }
}
