import Foundation
import QuorumCode
import QuorumCore
import QuorumRun
import QuorumTasks
import Testing

/// Code runs: the code templates, running each path's program against its tests as it is sampled, and
/// selection with execution-based equality (real sandbox, real HumanEval and MBPP problems).
@Suite struct CodeRunTests {
    static let humanEval: TaskSet = {
        (try? TaskLoader.load(file: RepositoryFiles.shared("tasks/humaneval/HumanEval.jsonl.gz")))
            ?? TaskSet(name: "missing", source: "", layout: "", problems: [])
    }()
    static let mbpp: TaskSet = {
        (try? TaskLoader.load(file: RepositoryFiles.shared("tasks/mbpp/sanitized-mbpp.json")))
            ?? TaskSet(name: "missing", source: "", layout: "", problems: [])
    }()
    static let chat = ChatMLFormat(systemMessage: "You are a test.")

    static func problems(_ set: TaskSet, _ count: Int) throws -> [Problem] {
        try #require(set.problems.count >= count, "task set missing under ../shared/tasks")
        return Array(set.problems.prefix(count))
    }

    static func sandbox() throws -> Sandbox {
        try Sandbox.detect(limits: SandboxLimits().withTimeLimit(10))
    }

    @Test func humanEvalTemplatesAskAsDocumented() throws {
        let problem = try Self.problems(Self.humanEval, 1)[0]
        let completion = try BuiltInTemplate.codeCompletion.template(
            kind: .code, exemplars: [], chat: nil, codeLayout: .humanEval)
        #expect(completion.render(problem) == problem.question)
        #expect(completion.stop == ["\nclass", "\ndef", "\n#", "\nif", "\nprint"])
        #expect(completion.codeAnswer == .completion)

        let cont = try BuiltInTemplate.codeChatContinue.template(
            kind: .code, exemplars: [], chat: Self.chat, codeLayout: .humanEval)
        let prompt = cont.render(problem)
        #expect(prompt.hasPrefix("<|im_start|>system\nYou are a test.<|im_end|>\n<|im_start|>user\n"))
        #expect(prompt.contains("the complete function `has_close_elements`"))
        #expect(prompt.hasSuffix("<|im_end|>\n<|im_start|>assistant\n```python\n" + problem.question))
        #expect(cont.stop.first == "\n```")
        #expect(cont.codeAnswer == .completion)

        let chat = try BuiltInTemplate.codeChat.template(kind: .code, exemplars: [], chat: Self.chat, codeLayout: .humanEval)
        #expect(chat.render(problem).hasSuffix("```<|im_end|>\n<|im_start|>assistant\n"))
        #expect(chat.stop.isEmpty)
        #expect(chat.codeAnswer == .chat)
        // A chat template without the model's chat format is refused.
        #expect(throws: RunError.self) {
            try BuiltInTemplate.codeChat.template(kind: .code, exemplars: [], chat: nil, codeLayout: .humanEval)
        }
        #expect(throws: RunError.self) {
            try BuiltInTemplate.codeCompletion.template(kind: .math, exemplars: [], chat: nil)
        }
        #expect(BuiltInTemplate.default(for: .code) == .codeChatContinue)
    }

    @Test func mbppTemplatesShowTheTests() throws {
        let problem = try Self.problems(Self.mbpp, 1)[0]
        let tests = try #require(problem.metadata["tests"])
        let completion = try BuiltInTemplate.codeCompletion.template(kind: .code, exemplars: [], chat: nil, codeLayout: .mbpp)
        let text = completion.render(problem)
        #expect(text.hasPrefix("You are an expert Python programmer, and here is your task: " + problem.question))
        #expect(text.hasSuffix(tests + "\n[BEGIN]\n"))
        #expect(completion.stop == ["[DONE]"])
        let cont = try BuiltInTemplate.codeChatContinue.template(
            kind: .code, exemplars: [], chat: Self.chat, codeLayout: .mbpp)
        #expect(cont.render(problem).contains("```python\n" + tests + "\n```"))
        #expect(cont.render(problem).hasSuffix("<|im_start|>assistant\n```python\n"))
    }

    @Test func templateFilesTakeCodePlaceholdersAndTheCodeHeader() throws {
        let problem = try Self.problems(Self.mbpp, 1)[0]
        let file = try TemplateFile(
            text: "---\nstop: \"\\n```\"\ncode: chat\n---\nWrite {entry_point}.\n{question}\n{tests}\n", file: "t.txt")
        #expect(file.template.codeAnswer == .chat)
        let task = try CodeTask(problem: problem)
        #expect(file.template.render(problem) == "Write \(task.entryPoint!).\n\(problem.question)\n\(problem.metadata["tests"]!)")
        #expect(file.template.text.contains("{entry_point}") && file.template.text.contains("{tests}"))
        #expect(try TemplateFile(text: "{question}", file: "t.txt").template.codeAnswer == .completion)
        #expect(try TemplateFile(text: "---\nchat: true\n---\n{question}", file: "t.txt").template.codeAnswer == .chat)
        #expect {
            try TemplateFile(text: "---\ncode: fenced\n---\n{question}", file: "t.txt")
        } throws: { error in
            guard case RunError.template(let location, let reason) = error else { return false }
            return location.line == 2 && reason.contains("completion or chat")
        }
    }

    @Test func theCompletionExtractorCutsAtTheTemplatesStops() throws {
        let problems = try Self.problems(Self.humanEval, 1)
        let template = try BuiltInTemplate.codeChatContinue.template(
            kind: .code, exemplars: [], chat: Self.chat, codeLayout: .humanEval)
        let plan = try RunPlan(
            taskSet: TaskSet(name: "humaneval", source: "", layout: "humaneval", problems: problems), limit: nil,
            samples: 1, seed: 0, decoder: DecoderSettings(), template: template)
        let extractor = plan.extractor(for: problems[0])
        let text = "    return True\n\ndef helper():\n    pass\n"
        #expect(extractor.extract(from: text).normalized == "    return True")
        #expect(extractor.extract(from: "    return 1\n```\nThis works.").normalized == "    return 1")
        #expect(plan.gold(of: problems[0]) == CodeTask(unchecked: problems[0]).canonicalAnswer)
    }

    @Test func theGraderRunsEachDistinctProgramOnceAgainstTheTests() async throws {
        let problem = try Self.problems(Self.humanEval, 1)[0]
        let task = try CodeTask(problem: problem)
        let grader = CodeGrader(sandbox: try Self.sandbox(), pool: ExecutionPool(width: 2))
        let canonical = try #require(task.canonicalAnswer)
        let records = try await grader.grade(
            task, answers: [canonical, "    return False", "", canonical, "    while True: pass"])
        #expect(records.map(\.status) == [.pass, .fail, .error, .pass, .timeout])
        #expect(records[1].message?.contains("AssertionError") == true)
        #expect(records[2].message == CodeGrader.noProgram)
        #expect(records[0] == records[3])
    }

    /// A sampler that answers every path of a problem with a fixed text (path i gets `texts[i]`), standing in
    /// for the model so that the selection's input is known exactly; the real model is run by the CLI tests.
    struct ScriptedSampler: PathSampler {
        let texts: [String: [String]]
        var modelIdentity: String { "script@00000000" }
        var modelName: String { "script" }
        var parameterCount: Int? { nil }
        var concurrentProblems: Int { 2 }
        func sample(_ job: SamplingJob) async throws -> [SampledPath] {
            job.wanted.map { i in
                let text = texts[job.problem]![i]
                return SampledPath(
                    path: i, seed: job.seeds[i], text: text, finish: .stop, tokens: nil,
                    logprobs: Array(repeating: -0.1 * Double(i + 1), count: 3), promptTokens: 10, generatedTokens: 3,
                    seconds: 0.01)
            }
        }
    }

    @Test func aCodeRunGradesEveryPathAndSelectsBehaviourClusters() async throws {
        let problems = try Self.problems(Self.humanEval, 3).suffix(2).map { $0 }  // humaneval/1 and /2
        // HumanEval/2 truncate_number: the number's fractional part. Paths 0 and 1 are different texts that
        // behave alike and pass; paths 2, 3 and 4 fail, each differently.
        let truncate = [
            "    return number % 1.0", "    return number - int(number)", "    return 0.0", "    return number",
            "    return -number",
        ]
        let separate = Array(repeating: "    return []", count: 5)
        let sampler = ScriptedSampler(texts: [problems[0].id: separate, problems[1].id: truncate])
        let template = try BuiltInTemplate.codeCompletion.template(kind: .code, exemplars: [], chat: nil, codeLayout: .humanEval)
        let plan = try RunPlan(
            taskSet: TaskSet(name: "humaneval", source: "", layout: "humaneval", problems: problems), limit: nil,
            samples: 5, seed: 0, decoder: DecoderSettings(), template: template)
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/paths.jsonl"
        let sandbox = try Self.sandbox()
        let pool = ExecutionPool(width: 2)
        let log = try PathsLog(path: file, problems: Set(plan.problems.map(\.id)), samples: 5)
        // Without a grader a code run is refused: its lines would lack their results.
        await #expect(throws: RunError.self) { try await RunSampling.run(plan, sampler: sampler, log: log) }
        _ = try await RunSampling.run(plan, sampler: sampler, log: log, grader: CodeGrader(sandbox: sandbox, pool: pool))

        let (groups, _) = try PathsReader.read(file: file)
        #expect(groups.map(\.problem) == problems.map(\.id))
        let statuses = groups[1].pathsInSamplingOrder.map { $0.execution?.status }
        #expect(statuses == [.pass, .pass, .fail, .fail, .fail])
        #expect(groups[0].pathsInSamplingOrder.allSatisfy { $0.execution?.status == .fail })
        #expect(groups[1].gold == CodeTask(unchecked: problems[1]).canonicalAnswer)

        let evaluation = try await RunEvaluation.evaluateCode(
            pathsFile: file, problems: plan.problems.map(\.id), tasks: plan.codeTasks, sandbox: sandbox,
            executionPool: pool)
        let code = try #require(evaluation.code)
        #expect(abs((code.passAtK["1"] ?? 0) - 0.2) < 1e-12)  // (0/5 + 2/5) / 2
        #expect(code.passAtK["5"] == 0.5)
        #expect(code.statuses == ["pass": 2, "fail": 8])
        #expect(code.problemsSolved == 1)
        // Problem 2: five texts in four behaviour clusters ({0,1} pass, {2}, {3}, {4}).
        #expect(code.meanDistinctPrograms == 3)  // (1 + 5) / 2
        #expect(code.meanBehaviourClusters == 2.5)  // (1 + 4) / 2
        // SC over all five paths picks the first largest cluster: {0, 1}, the passing one.
        let sc = try #require(evaluation.selections.first { $0.method == "sc" && $0.problem == problems[1].id })
        #expect(sc.correct == 1)
        #expect(sc.candidates.map(\.paths.count).sorted() == [1, 1, 1, 2])
        #expect(evaluation.selections.first { $0.method == "sc" && $0.problem == problems[0].id }?.correct == 0)
        #expect(evaluation.accuracy(.sc, k: 5) == 50)
        #expect(code.markdown(selected: [("sc", 50)]).contains("| 20.00 | 50.00 | 50.00 |"))
    }

    @Test func mbppProgramsAreGradedAgainstTheAsserts() async throws {
        let problem = try Self.problems(Self.mbpp, 1)[0]
        let task = try CodeTask(problem: problem)
        let grader = CodeGrader(sandbox: try Self.sandbox(), pool: ExecutionPool(width: 2))
        let records = try await grader.grade(task, answers: [try #require(task.canonicalAnswer), "def f(): pass"])
        #expect(records.map(\.status) == [.pass, .error])
    }
}

extension CodeTask {
    /// The task of a problem known to be a code problem.
    init(unchecked problem: Problem) { self = try! CodeTask(problem: problem) }
}
