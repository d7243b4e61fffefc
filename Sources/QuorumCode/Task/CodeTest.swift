/// A solution and the tests that judge it, kept apart: ``Sandbox/run(_:)-(CodeTest)`` runs them in two
/// processes so that nothing the solution does can write its own verdict.
///
/// Made by ``CodeTask/test(_:)`` from a model's answer, or by hand.
public struct CodeTest: Sendable, Hashable {
    /// How the tests call the solution.
    public enum Harness: Sendable, Hashable {
        /// HumanEval: `prompt` (its imports and helper functions, e.g. HumanEval/32's `poly`, are defined
        /// in the tests' process too), `test` defining `check(candidate)`, called with the solution's
        /// `entryPoint`.
        case humanEval(prompt: String, test: String, entryPoint: String)
        /// MBPP: `setup` (imports and setup code) then `tests`, top-level `assert` lines that call the
        /// solution's functions by name.
        case mbpp(setup: String, tests: String)
    }

    /// The program that defines the solution (``CodeTask/solutionProgram(_:)``).
    public var solution: String
    /// The tests.
    public var harness: Harness

    public init(solution: String, harness: Harness) {
        self.solution = solution
        self.harness = harness
    }

    /// The content of `tests.json`, read only by the tests' process.
    var specification: [String: Any] {
        switch harness {
        case .humanEval(let prompt, let test, let entryPoint):
            ["layout": "humaneval", "prompt": prompt, "tests": test, "entry_point": entryPoint]
        case .mbpp(let setup, let tests):
            ["layout": "mbpp", "tests": setup.isEmpty ? tests : setup + "\n" + tests]
        }
    }
}

extension CodeTask {
    /// `answer`'s solution program with this task's tests.
    public func test(_ answer: String) -> CodeTest {
        switch layout {
        case .humanEval:
            CodeTest(
                solution: solutionProgram(answer),
                harness: .humanEval(prompt: prompt, test: testSource, entryPoint: entryPoint ?? "None"))
        case .mbpp:
            CodeTest(solution: solutionProgram(answer), harness: .mbpp(setup: setupSource, tests: testSource))
        }
    }

    /// The test of the reference answer.
    ///
    /// - Throws: ``CodeError/missingCanonicalSolution(problem:)`` when the task has none.
    public func canonicalTest() throws(CodeError) -> CodeTest {
        guard let canonicalAnswer else { throw .missingCanonicalSolution(problem: id) }
        return test(canonicalAnswer)
    }
}
