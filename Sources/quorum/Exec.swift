import ArgumentParser
import Foundation
import QuorumCore
import QuorumCode

/// `quorum exec`: runs code answers against their problems' tests in the sandbox and reports pass@k.
struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run code answers against their tests in a sandbox; add \"execution\" to each record; report pass@k.",
        discussion: """
            Reads JSON Lines, one object per answer with "problem" (an id of the --tasks file, e.g. \
            humaneval/0) and "text" (the model's completion; the program is extracted from it as --style \
            says, and written back as "answer") or, with --from answer, "answer" (the program itself). \
            Writes the same objects, byte for byte, with "execution": {"status": pass|fail|timeout|error, \
            "message", "seconds"} added. pass@1 and each requested pass@k (the unbiased estimator, mean over \
            problems) go to standard error, with the sandbox's layers; --summary also writes them as JSON. If \
            any line cannot be used, every such line is reported as FILE:LINE: reason and nothing runs. \
            --canonical runs the task file's reference solutions instead of a FILE.
            """ + "\n\n" + SandboxHelp.layers)

    @Argument(help: "JSON Lines file of answers, or - for standard input.")
    var file: String?

    @Option(help: "The task file the problem ids refer to (HumanEval .jsonl.gz, MBPP .jsonl/.json, Quorum code tasks).")
    var tasks: String

    @Option(help: "Where the program is: extracted from \"text\", or \"answer\" as it is.")
    var from: SourceField = .text

    @Option(help: "How the model was prompted: chat (fenced blocks) or completion (cut at the task's stop sequences).")
    var style: CodePromptTemplate.Style = .chat

    @Option(name: .customShort("k"), parsing: .upToNextOption, help: "pass@k values to report besides pass@1.")
    var k: [Int] = []

    @OptionGroup var taskFile: TaskFileFlags

    @OptionGroup(title: "Sandbox")
    var sandboxFlags: SandboxFlags

    @Flag(help: "Turn the Python audit guard off (the OS layers and limits stay).")
    var noGuard = false

    @Flag(help: "Run the task file's reference solutions (no FILE).")
    var canonical = false

    @Option(help: "Also write the summary as JSON to this file.")
    var summary: String?

    enum SourceField: String, ExpressibleByArgument, CaseIterable {
        case text, answer
    }

    func validate() throws {
        if canonical && file != nil { throw ValidationError("--canonical runs the reference solutions: give no FILE") }
        if !canonical && file == nil { throw ValidationError("give a FILE of answers (or - for standard input), or --canonical") }
        if let bad = k.first(where: { $0 < 1 }) { throw ValidationError("-k values must be at least 1 (got \(bad))") }
    }

    /// One answer to run.
    struct Job {
        var problem: String
        var task: CodeTask
        var test: CodeTest
        /// The record's bytes with "answer" set (when extracted), or nil for --canonical.
        var line: Data?
    }

    func run() async throws {
        let set: TaskSet
        do {
            set = try TaskLoader.load(file: tasks, options: taskFile.options())
        } catch {
            throw CommandError.failed("\(error)")
        }
        var codeTasks: [String: Result<CodeTask, CodeError>] = [:]
        for problem in set.problems {
            codeTasks[problem.id] = Result { () throws(CodeError) in try CodeTask(problem: problem) }
        }

        var jobs: [Job] = []
        if canonical {
            for problem in set.problems {
                let task = try codeTask(codeTasks[problem.id]!)
                guard let answer = task.canonicalAnswer else {
                    throw CommandError.noReferenceSolution(problem: problem.id)
                }
                jobs.append(Job(problem: problem.id, task: task, test: task.test(answer), line: nil))
            }
        } else {
            jobs = try readJobs(codeTasks)
        }

        let sandbox: Sandbox
        do {
            let options = sandboxFlags.options(auditGuard: !noGuard)
            sandbox = try Sandbox.detect(options, limits: sandboxFlags.limits)
        } catch {
            throw CommandError.failed("\(error)")
        }
        FileHandle.standardError.write(Data("sandbox: \(sandbox.environment)\n".utf8))

        let clock = ContinuousClock()
        let start = clock.now
        let results: [ExecutionResult]
        do {
            results = try await ExecutionPool(width: sandboxFlags.poolWidth).map(jobs.map(\.test)) { (test) throws(CodeError) in
                try sandbox.run(test)
            }
        } catch {
            throw CommandError.failed("\(error)")
        }
        let elapsed = clock.now - start
        let seconds = elapsed.seconds

        if !canonical {
            var output = Data()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for (job, result) in zip(jobs, results) {
                let record = String(decoding: try encoder.encode(result.record), as: UTF8.self)
                guard let line = job.line, let patched = JSONObjectEditor.setting("execution", toJSON: record, in: line) else {
                    throw CommandError.failed("internal: a record could not be rewritten")
                }
                output.append(patched)
                output.append(UInt8(ascii: "\n"))
            }
            FileHandle.standardOutput.write(output)
        }
        let report = try Self.summarize(jobs: jobs, results: results, ks: k, seconds: seconds, sandbox: sandbox)
        FileHandle.standardError.write(Data(report.text.utf8))
        if let summary {
            do {
                try report.json.write(to: URL(fileURLWithPath: summary))
            } catch {
                throw CommandError.unwritable(path: summary, reason: error.localizedDescription)
            }
        }
        if canonical, results.contains(where: { !$0.passed }) {
            for (job, result) in zip(jobs, results) where !result.passed {
                FileHandle.standardError.write(Data("\(job.problem): \(result.status.rawValue): \(result.message ?? "")\n".utf8))
            }
            throw ExitCode(1)
        }
    }

    private func codeTask(_ result: Result<CodeTask, CodeError>) throws -> CodeTask {
        do {
            return try result.get()
        } catch {
            throw CommandError.failed("\(error)")
        }
    }

    /// The answers of `file`, or every unusable line at once.
    private func readJobs(_ codeTasks: [String: Result<CodeTask, CodeError>]) throws -> [Job] {
        let path = file ?? "-"
        let name = path == "-" ? "<stdin>" : path
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw CommandError.unreadable(path: path, reason: error.localizedDescription)
            }
        }
        var jobs: [Job] = []
        var failures: [CommandError] = []
        for line in JSONLines.lines(of: data) {
            let location = SourceLocation(file: name, line: line.number)
            let object: [String: Any]
            do {
                object = try JSONLines.object(line)
            } catch {
                failures.append(.malformedLine(location, error))
                continue
            }
            guard let problem = object["problem"] as? String else {
                failures.append(.missingString(location, field: "problem"))
                continue
            }
            guard let taskResult = codeTasks[problem] else {
                failures.append(.unknownProblem(location, problem: problem, taskFile: tasks))
                continue
            }
            let task: CodeTask
            switch taskResult {
            case .success(let found): task = found
            case .failure(let error):
                failures.append(.badRecord(location, reason: "\(error)"))
                continue
            }
            let field = from.rawValue
            guard let value = object[field], let text = value as? String else {
                failures.append(.missingString(location, field: field))
                continue
            }
            var bytes = line.bytes
            var answer = text
            if from == .text {
                answer = CodePromptTemplate.standard(for: task.layout, style: style).extractor(for: task)
                    .extract(from: text).normalized
                guard let patched = JSONObjectEditor.setting("answer", toJSON: JSONObjectEditor.encodeString(answer), in: bytes)
                else {
                    failures.append(.malformedLine(location, .notAnObject))
                    continue
                }
                bytes = patched
            }
            jobs.append(Job(problem: problem, task: task, test: task.test(answer), line: bytes))
        }
        if !failures.isEmpty {
            throw CommandError.rejected(failures, outcome: .run)
        }
        if jobs.isEmpty { throw CommandError.noRecords(file: name) }
        return jobs
    }

    /// The summary as text (for standard error) and JSON.
    static func summarize(
        jobs: [Job], results: [ExecutionResult], ks: [Int], seconds: Double, sandbox: Sandbox
    ) throws -> (text: String, json: Data) {
        var perProblem: [String: (samples: Int, correct: Int)] = [:]
        var order: [String] = []
        for (job, result) in zip(jobs, results) {
            if perProblem[job.problem] == nil { order.append(job.problem) }
            perProblem[job.problem, default: (0, 0)].samples += 1
            if result.passed { perProblem[job.problem, default: (0, 0)].correct += 1 }
        }
        let counts = order.map { perProblem[$0]! }
        var statusCounts: [String: Int] = [:]
        for status in ExecutionStatus.allCases { statusCounts[status.rawValue] = results.filter { $0.status == status }.count }
        var lines = [
            "\(results.count) programs, \(order.count) problems, \(String(format: "%.1f", seconds)) s: "
                + ExecutionStatus.allCases.map { "\($0.rawValue) \(statusCounts[$0.rawValue]!)" }.joined(separator: ", ")
        ]
        var passAtK: [String: Double] = [:]
        let fewest = counts.map(\.samples).min() ?? 0
        for k in ([1] + ks.sorted()).reduce(into: [Int](), { if !$0.contains($1) { $0.append($1) } }) {
            guard k <= fewest else {
                let short = order.first { perProblem[$0]!.samples < k } ?? ""
                lines.append("pass@\(k): not defined (\(short) has \(perProblem[short]?.samples ?? 0) samples)")
                continue
            }
            let value: Double
            do {
                value = try PassAtK.mean(counts, k: k)
            } catch {
                throw CommandError.failed("\(error)")
            }
            passAtK[String(k)] = value
            lines.append("pass@\(k): \(String(format: "%.4f", value))")
        }
        let object: [String: Any] = [
            "programs": results.count, "problems": order.count, "seconds": seconds, "status_counts": statusCounts,
            "pass_at_k": passAtK, "sandbox": sandbox.environment.description,
        ]
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return (lines.joined(separator: "\n") + "\n", json + Data("\n".utf8))
    }
}

extension CodePromptTemplate.Style: ExpressibleByArgument {}
