import QuorumCode
import QuorumCore

/// What a run samples: its problems, how many paths each, with which seeds, decoder and template.
public struct RunPlan: Sendable, Hashable {
    /// The problems, in task-file order.
    public var problems: [Problem]
    /// Each problem's index in the task file (the problem coordinate of ``PathSeeds``).
    public var problemIndices: [Int]
    /// Paths per problem.
    public var samples: Int
    /// The per-path seeds.
    public var seeds: PathSeeds
    /// Decoder settings.
    public var decoder: DecoderSettings
    /// The prompt template.
    public var template: PromptTemplate
    /// The code problems read for execution (tests, entry point, reference solution), by problem id; empty
    /// unless the problems are code problems.
    public var codeTasks: [String: CodeTask]

    /// The plan for the first `limit` problems of `taskSet` (all when `nil`).
    public init(
        taskSet: TaskSet, limit: Int?, samples: Int, seed: UInt64, decoder: DecoderSettings, template: PromptTemplate
    ) throws(RunError) {
        guard samples >= 1 else { throw .invalidSettings("--samples must be at least 1, not \(samples)") }
        if let limit, limit < 1 { throw .invalidSettings("--limit must be at least 1, not \(limit)") }
        try decoder.validate()
        let count = min(limit ?? taskSet.problems.count, taskSet.problems.count)
        problems = Array(taskSet.problems.prefix(count))
        problemIndices = Array(0..<count)
        self.samples = samples
        seeds = PathSeeds(runSeed: seed)
        self.decoder = decoder
        self.template = template
        var codeTasks: [String: CodeTask] = [:]
        for problem in problems where problem.kind == .code {
            do {
                codeTasks[problem.id] = try CodeTask(problem: problem)
            } catch {
                throw .invalidSettings("\(error.description); a code run needs every problem's tests")
            }
        }
        self.codeTasks = codeTasks
    }

    /// The extractor of `problem`'s answers: the kind's (``makeExtractor(kind:choices:)``), except for code,
    /// where the template decides (``PromptTemplate/codeAnswer``) and the entry point picks the fenced block.
    public func extractor(for problem: Problem) -> any AnswerExtractor {
        guard problem.kind == .code else { return makeExtractor(kind: problem.kind, choices: problem.choices) }
        let entryPoint = codeTasks[problem.id]?.entryPoint
        switch template.codeAnswer {
        case .completion: return CodeAnswerExtractor(style: .completion(stops: template.stop), entryPoint: entryPoint)
        case .chat: return CodeAnswerExtractor(style: .chat, entryPoint: entryPoint)
        }
    }

    /// The gold written on `problem`'s lines: the task set's answer, or for code the reference solution
    /// (HumanEval's canonical body, MBPP's reference program; empty when the task has none). A code path is
    /// correct when its program passes the tests, not when it equals this.
    public func gold(of problem: Problem) -> String? {
        guard problem.kind == .code else { return problem.gold }
        return problem.gold ?? codeTasks[problem.id]?.canonicalAnswer ?? ""
    }

    /// The one kind shared by all of `problems`; throws when the set is empty or mixes kinds.
    public static func kind(of problems: [Problem], source: String) throws(RunError) -> TaskKind {
        guard let first = problems.first else { throw .invalidSettings("\(source): no problems to sample") }
        let kinds = Dictionary(grouping: problems, by: \.kind)
        guard kinds.count == 1 else {
            let counts = kinds.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value.count)" }
            throw .invalidSettings(
                "\(source) mixes kinds of problems (\(counts.joined(separator: ", "))); quorum run samples, selects "
                    + "and evaluates one kind at a time: split the task set")
        }
        return first.kind
    }
}
