import Foundation
import Testing
@testable import QuorumCode

/// Every reference solution of the public sets passes its tests in the sandbox, and wrong ones fail.
/// Serialized: each test already runs two programs at once (the machine has two cores).
@Suite(.serialized) struct CanonicalSolutionTests {
    /// Runs the reference solution of every problem of `file` through the pool; returns the failures.
    func runCanonical(_ file: String, expectedCount: Int) async throws -> [String] {
        let problems = try CodeTestSupport.problems(file)
        #expect(problems.count == expectedCount)
        let tasks = try problems.map { try CodeTask(problem: $0) }
        // 30 s: some references are slow (sanitized MBPP 123 needs about 3 CPU seconds), and the machine may
        // be busy with other suites; this checks correctness, not speed.
        let sandbox = try CodeTestSupport.sandbox(SandboxLimits().withTimeLimit(30))
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await ExecutionPool(width: 2).map(tasks) { (task) throws(CodeError) in
            try sandbox.run(try task.canonicalTest())
        }
        let elapsed = clock.now - start
        print("\(file): \(tasks.count) reference programs in \(elapsed) with 2 at once")
        return zip(tasks, results).filter { !$0.1.passed }.map { "\($0.0.id): \($0.1.status) \($0.1.message ?? "")" }
    }

    @Test func everyHumanEvalReferenceSolutionPasses() async throws {
        let failures = try await runCanonical("humaneval/HumanEval.jsonl.gz", expectedCount: 164)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func everySanitizedMBPPReferenceSolutionPasses() async throws {
        let failures = try await runCanonical("mbpp/sanitized-mbpp.json", expectedCount: 427)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The full-MBPP references whose tests need what crossing between the two processes must carry: a
    /// name that shadows a builtin (126's `sum`), a module the solution imported (596's `sys`), a builtin
    /// class as an argument (533's `int`), the solution's own classes behind handles (367, 601, 927), and
    /// the truth of a `re.Match` (sanitized 737, 787, 794).
    @Test func referencesThatCrossTheProcessBoundaryPass() async throws {
        let full = try CodeTestSupport.problems("mbpp/mbpp.jsonl")
        let sanitized = try CodeTestSupport.problems("mbpp/sanitized-mbpp.json")
        let wanted = ["mbpp/126", "mbpp/596", "mbpp/533", "mbpp/367", "mbpp/601", "mbpp/927"]
        let tasks = try wanted.map { id in try CodeTask(problem: try #require(full.first { $0.id == id })) }
            + (try ["mbpp-sanitized/737", "mbpp-sanitized/787", "mbpp-sanitized/794"].map { id in
                try CodeTask(problem: try #require(sanitized.first { $0.id == id }))
            })
        let sandbox = try CodeTestSupport.sandbox(SandboxLimits().withTimeLimit(30))
        let results = try await ExecutionPool(width: 2).map(tasks) { (task) throws(CodeError) in
            try sandbox.run(try task.canonicalTest())
        }
        let failures = zip(tasks, results).filter { !$0.1.passed }.map { "\($0.0.id): \($0.1.status) \($0.1.message ?? "")" }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func wrongSolutionsFail() async throws {
        let humanEval = try CodeTestSupport.problems("humaneval/HumanEval.jsonl.gz")
        let mbpp = try CodeTestSupport.problems("mbpp/sanitized-mbpp.json")
        func task(_ problems: [Problem], _ id: String) throws -> CodeTask {
            try CodeTask(problem: try #require(problems.first { $0.id == id }))
        }
        let cases: [(CodeTask, String, ExecutionStatus)] = [
            // Off by a little: the fractional part plus 0.1.
            (try task(humanEval, "humaneval/2"), "    return number % 1.0 + 0.1\n", .fail),
            // A constant answer.
            (try task(humanEval, "humaneval/0"), "    return False\n", .fail),
            // A body that raises.
            (try task(humanEval, "humaneval/4"), "    return sum(numbers) / len(numbrs)\n", .error),
            // A body that never ends.
            (try task(humanEval, "humaneval/13"), "    while True:\n        pass\n", .timeout),
            // MBPP: primes are not non-primes.
            (try task(mbpp, "mbpp-sanitized/3"), "def is_not_prime(n):\n    return n % 2 == 0\n", .fail),
            // MBPP: the function is misnamed.
            (try task(mbpp, "mbpp-sanitized/4"), "def largest(nums, n):\n    return sorted(nums)[-n:]\n", .error),
        ]
        let sandbox = try CodeTestSupport.sandbox(SandboxLimits().withTimeLimit(2))
        let results = try await ExecutionPool(width: 2).map(cases.map { $0.0.test($0.1) }) { (test) throws(CodeError) in
            try sandbox.run(test)
        }
        #expect(results.map(\.status) == cases.map(\.2))
        #expect(results[2].message?.hasPrefix("NameError: name 'numbrs' is not defined at program.py:") == true, "\(results[2].message ?? "")")
        #expect(results[5].message?.hasPrefix("NameError: name 'heap_queue_largest' is not defined") == true)
    }
}
