import QuorumCode
import QuorumCore

/// Runs the programs of a code problem's paths against the problem's tests in the sandbox, as they are
/// sampled, so that every `paths.jsonl` line of a code run carries its `execution` result.
///
/// Each distinct program runs once (greedy paths and popular answers repeat); at most ``pool``'s width run
/// at once. A path without a program (nothing extracted) is not run: it is an `error` with the message
/// "no program". The records depend on the sandbox's limits (``Sandbox/limits``), which `run.json` records.
public struct CodeGrader: Sendable {
    /// Where the programs run.
    public let sandbox: Sandbox
    /// How many run at once.
    public let pool: ExecutionPool

    /// A grader running programs in `sandbox`, `pool.width` at once.
    public init(sandbox: Sandbox, pool: ExecutionPool) {
        self.sandbox = sandbox
        self.pool = pool
    }

    /// The message of a path from which no program was extracted.
    public static let noProgram = "no program: nothing was extracted from the completion"

    /// The execution record of each of `answers` (extracted programs, in order) against `task`'s tests.
    public func grade(_ task: CodeTask, answers: [String]) async throws(RunError) -> [ExecutionRecord] {
        var distinct: [String] = []
        var seen = Set<String>()
        for answer in answers where !answer.isEmpty && seen.insert(answer).inserted { distinct.append(answer) }
        let sandbox = self.sandbox
        let results: [ExecutionResult]
        do {
            results = try await pool.map(distinct) { (answer) throws(CodeError) in
                try sandbox.run(task.test(answer))
            }
        } catch {
            throw .sampling(problem: task.id, reason: "the sandbox could not run the programs: \(error)")
        }
        let byAnswer = Dictionary(zip(distinct, results.map(\.record)), uniquingKeysWith: { a, _ in a })
        return answers.map { answer in
            byAnswer[answer] ?? ExecutionRecord(status: .error, message: Self.noProgram, seconds: 0)
        }
    }
}
