import Foundation

/// Answer equality for code by execution — the consistency function the RPC paper uses for code: two
/// programs are equal when they give the same outputs on the same inputs.
///
/// The inputs are the task's own test inputs: every call of the tested function whose arguments are all
/// Python literals, found with Python's `ast` in HumanEval's `check` (calls through its `candidate`
/// parameter) or in MBPP's assert lines, in source order without repeats (``Sandbox/calls(in:functions:candidateTarget:limit:)``).
/// Calls whose arguments are computed (HumanEval/32's random polynomials, the encode/decode round trips of
/// HumanEval/38 and /50) are skipped. Each answer's solution program (``CodeTask/solutionProgram(_:)``, no
/// tests) runs once in the sandbox, calling the function on every input; the list of results
/// (``ProgramOutputs``) is its fingerprint, cached per answer text, and two answers are equal when their
/// fingerprints are.
///
/// Properties: reflexive, symmetric and transitive on answers whose fingerprints are known (it compares
/// values); identical texts are equal without running; the empty answer equals only itself; two programs
/// that fail the same way everywhere (both do not parse, both raise `NameError` on every input, both time
/// out) are equal, as they behave alike; when the task has no literal inputs, answers are equal only when
/// their texts are. Outputs are compared after canonicalisation (see ``ProgramOutputs``), so `2.0` equals
/// `2` and floats agree to 9 significant digits. The first comparison of an answer blocks while it runs
/// (about 0.1 s); call ``prepare(_:pool:)`` first to run all of a problem's answers in parallel.
/// A run that cannot start at all (the sandbox is broken) makes the comparison false and is recorded in
/// ``failures``.
///
/// The cache belongs to this value and its copies; a new value starts empty.
public struct ExecutionEquivalence: AnswerEquivalence {
    /// The task whose tests supplied the inputs.
    public let task: CodeTask
    /// The inputs.
    public let calls: [CodeCall]
    /// Where the programs run.
    public let sandbox: Sandbox
    private let storage = Storage()

    /// An equivalence on `calls`.
    public init(task: CodeTask, calls: [CodeCall], sandbox: Sandbox) {
        self.task = task
        self.calls = calls
        self.sandbox = sandbox
    }

    /// An equivalence on the literal calls in `task`'s tests, read with `sandbox`.
    ///
    /// - Throws: ``CodeError`` when the tests cannot be read (they do not parse) or the sandbox cannot run.
    public init(task: CodeTask, sandbox: Sandbox) throws(CodeError) {
        let calls: [CodeCall]
        switch task.layout {
        case .humanEval:
            calls = try sandbox.calls(
                in: task.testSource, functions: task.testedFunctions, candidateTarget: task.entryPoint)
        case .mbpp:
            calls = try sandbox.calls(in: task.setupSource + "\n" + task.testSource, functions: task.testedFunctions)
        }
        self.init(task: task, calls: calls, sandbox: sandbox)
    }

    public func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        if a.isEmpty || b.isEmpty || calls.isEmpty { return false }
        do {
            return try fingerprint(of: a) == fingerprint(of: b)
        } catch {
            storage.record(error)
            return false
        }
    }

    /// The fingerprint of `answer`: its outputs on ``calls``, computed once.
    public func fingerprint(of answer: String) throws(CodeError) -> [String] {
        if let known = storage.fingerprint(answer) { return known }
        let outputs = try sandbox.outputs(of: task.solutionProgram(answer), calls: calls)
        storage.store(outputs.outputs, for: answer)
        return outputs.outputs
    }

    /// Computes the fingerprints of `answers` not yet known, at most `pool.width` at once (empty answers
    /// and, without inputs, every answer need none).
    public func prepare(_ answers: some Sequence<String>, pool: ExecutionPool) async throws(CodeError) {
        guard !calls.isEmpty else { return }
        var seen = Set<String>()
        let missing = answers.filter { !$0.isEmpty && storage.fingerprint($0) == nil && seen.insert($0).inserted }
        let sandbox = self.sandbox
        let task = self.task
        let calls = self.calls
        let results = try await pool.map(missing) { (answer) throws(CodeError) in
            try sandbox.outputs(of: task.solutionProgram(answer), calls: calls).outputs
        }
        for (answer, outputs) in zip(missing, results) { storage.store(outputs, for: answer) }
    }

    /// Sandbox failures met inside ``equal(_:_:)`` (which cannot throw), in order.
    public var failures: [CodeError] { storage.failures }

    /// How many answers have a known fingerprint.
    public var cachedAnswerCount: Int { storage.count }

    /// The lock-protected cache. `NSLock` keeps the package usable on the macOS 14 deployment target; every
    /// access to the dictionaries holds the lock, hence `@unchecked`.
    private final class Storage: @unchecked Sendable {
        private let lock = NSLock()
        private var fingerprints: [String: [String]] = [:]
        private var errors: [CodeError] = []

        func fingerprint(_ answer: String) -> [String]? { lock.withLock { fingerprints[answer] } }
        func store(_ outputs: [String], for answer: String) { lock.withLock { fingerprints[answer] = outputs } }
        func record(_ error: CodeError) { lock.withLock { errors.append(error) } }
        var failures: [CodeError] { lock.withLock { errors } }
        var count: Int { lock.withLock { fingerprints.count } }
    }
}
