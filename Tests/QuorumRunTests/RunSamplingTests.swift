import Foundation
import QuorumCore
import QuorumDecode
import QuorumRun
import Testing

/// Sampling a run into its paths file: every (problem, path) once, content independent of scheduling and of
/// interruptions.
@Suite struct RunSamplingTests {
    static let taskSet = TaskSet(
        name: "t", source: "t.jsonl", layout: "quorum-jsonl",
        problems: (1...5).map { Problem(id: "t/\($0)", question: "What is \($0) + \($0)?", kind: .math, gold: "\(2 * $0)") })

    static func plan(limit: Int? = nil, samples: Int = 4, seed: UInt64 = 9) throws -> RunPlan {
        let template = try TemplateFile(
            text: "---\nstop: \"\\n\"\n---\nSolve these.\nQ: {question}\nA:", file: "t.txt").template
        return try RunPlan(
            taskSet: taskSet, limit: limit, samples: samples, seed: seed,
            decoder: DecoderSettings(temperature: 0.9, maxTokens: 24), template: template)
    }

    static func sampler(_ model: ByteModel) -> LanguageModelPathSampler {
        LanguageModelPathSampler(model: model, identity: "bytes@00000000", name: "bytes", parameterCount: 1000)
    }

    /// The file's records keyed by (problem, path), without the wall-clock field.
    static func records(_ file: String) throws -> [String: NSDictionary] {
        var out: [String: NSDictionary] = [:]
        let text = String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self)
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            var cost = try #require(object["cost"] as? [String: Any])
            cost["seconds"] = nil
            var copy = object
            copy["cost"] = cost
            let key = "\(object["problem"]!)#\(object["path"]!)"
            #expect(out[key] == nil, "duplicate \(key)")
            out[key] = copy as NSDictionary
        }
        return out
    }

    static func run(_ plan: RunPlan, into file: String, model: ByteModel = ByteModel()) async throws -> SamplingReport {
        let log = try PathsLog(path: file, problems: Set(plan.problems.map(\.id)), samples: plan.samples)
        return try await RunSampling.run(plan, sampler: sampler(model), log: log)
    }

    @Test func writesEveryPathOnceWithItsSeedAnswerAndCost() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plan = try Self.plan()
        let report = try await Self.run(plan, into: dir + "/paths.jsonl")
        #expect(report.pathsWritten == 20)
        #expect(report.pathsFound == 0)
        let records = try Self.records(dir + "/paths.jsonl")
        #expect(records.count == 20)
        for (i, problem) in plan.problems.enumerated() {
            for path in 0..<4 {
                let r = try #require(records["\(problem.id)#\(path)"])
                let params = try #require(r["params"] as? [String: Double])
                #expect(params["seed"] == Double(plan.seeds.seed(problem: i, path: path)))
                #expect(params["temperature"] == 0.9)
                #expect(r["model"] as? String == "bytes@00000000")
                #expect(r["gold"] as? String == problem.gold)
                let text = try #require(r["text"] as? String)
                #expect(!text.contains("\n"))
                #expect(r["answer"] as? String == makeExtractorAnswer(text))
                let logprobs = try #require(r["logprobs"] as? [Double])
                let mean = try #require(r["mean_logprob"] as? Double)
                #expect(abs(mean - logprobs.reduce(0, +) / Double(logprobs.count)) < 1e-12)
                let cost = try #require(r["cost"] as? [String: Any])
                let prompt = try #require(cost["prompt_tokens"] as? Int), generated = try #require(cost["generated_tokens"] as? Int)
                #expect(prompt == plan.template.render(problem).utf8.count)
                #expect(generated == logprobs.count)
                #expect(cost["flops"] as? Double == 2 * 1000 * Double(prompt + generated))
            }
        }
    }

    @Test func pathsDoNotDependOnWhichProblemsAreSampledTogetherOrInWhatOrder() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try await Self.run(try Self.plan(), into: dir + "/all.jsonl")
        // Problems 4 and 5 first (in reverse order), then 1 to 3, into another file with another model instance.
        var late = try Self.plan()
        late.problems = [late.problems[4], late.problems[3]]
        late.problemIndices = [4, 3]
        let model = ByteModel()
        _ = try await Self.run(late, into: dir + "/split.jsonl", model: model)
        // Then the whole plan: only problems 1 to 3 are missing.
        #expect(try await Self.run(try Self.plan(), into: dir + "/split.jsonl", model: model).pathsWritten == 12)
        #expect(try Self.records(dir + "/all.jsonl") == (try Self.records(dir + "/split.jsonl")))
        // Another run seed gives other paths.
        _ = try await Self.run(try Self.plan(seed: 10), into: dir + "/other.jsonl")
        #expect(try Self.records(dir + "/all.jsonl") != (try Self.records(dir + "/other.jsonl")))
    }

    @Test func resumingAfterACutWritesExactlyTheMissingPaths() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plan = try Self.plan()
        _ = try await Self.run(plan, into: dir + "/full.jsonl")
        let full = try #require(FileManager.default.contents(atPath: dir + "/full.jsonl"))
        let expected = try Self.records(dir + "/full.jsonl")
        // Cut inside the 11th line (problem 3, path 2), as a kill during a write leaves it.
        let newlines = full.indices.filter { full[$0] == UInt8(ascii: "\n") }
        let cut = newlines[9] + 30
        try full.prefix(cut).write(to: URL(fileURLWithPath: dir + "/cut.jsonl"))
        let log = try PathsLog(path: dir + "/cut.jsonl", problems: Set(plan.problems.map(\.id)), samples: 4)
        #expect(log.notes.count == 1)
        #expect(log.count == 10)
        let report = try await RunSampling.run(plan, sampler: Self.sampler(ByteModel()), log: log)
        #expect(report.pathsFound == 10)
        #expect(report.pathsWritten == 10)
        #expect(try Self.records(dir + "/cut.jsonl") == expected)
        // Nothing left to do: a third sitting writes nothing.
        #expect(try await Self.run(plan, into: dir + "/cut.jsonl").pathsWritten == 0)

        // Paths missing in the middle of the file (problem 2 cut short, problem 3 complete) are merged in.
        let lines = String(decoding: full, as: UTF8.self).split(separator: "\n")
        let holes = lines.enumerated().filter { ![5, 6].contains($0.offset) }.map { $0.element + "\n" }.joined()
        try holes.write(toFile: dir + "/holes.jsonl", atomically: true, encoding: .utf8)
        #expect(try await Self.run(plan, into: dir + "/holes.jsonl").pathsWritten == 2)
        #expect(try Self.records(dir + "/holes.jsonl") == expected)
        let text = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/holes.jsonl")), as: UTF8.self)
        let order = text.split(separator: "\n").map { line -> String in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["problem"] as? String ?? ""
        }
        #expect(order == plan.problems.flatMap { Array(repeating: $0.id, count: 4) })
    }

    struct FailingSampler: PathSampler {
        var modelIdentity: String { "f" }
        var modelName: String { "f" }
        var parameterCount: Int? { nil }
        var concurrentProblems: Int { 2 }
        func sample(_ job: SamplingJob) async throws -> [SampledPath] {
            if job.problem == "t/2" { throw DecodeError.invalidRequest("boom") }
            return job.wanted.map {
                SampledPath(path: $0, seed: job.seeds[$0], text: "The answer is 4.", finish: .stop, tokens: nil,
                            logprobs: [-0.1], promptTokens: 3, generatedTokens: 1, seconds: 0)
            }
        }
    }

    @Test func aFailingProblemStopsTheRunWithItsNameAndKeepsWhatWasWritten() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plan = try Self.plan()
        let log = try PathsLog(path: dir + "/p.jsonl", problems: Set(plan.problems.map(\.id)), samples: 4)
        await #expect(throws: RunError.sampling(problem: "t/2", reason: "invalid request: boom")) {
            _ = try await RunSampling.run(plan, sampler: FailingSampler(), log: log)
        }
        let records = try Self.records(dir + "/p.jsonl")
        #expect(records.count % 4 == 0)
        #expect(records["t/1#0"]?["answer"] as? String == "4")
    }
}

/// The math extractor's answer for `text` (what the run writes into `answer`).
func makeExtractorAnswer(_ text: String) -> String {
    QuorumTasks.makeExtractor(kind: .math).extract(from: text).normalized
}

import QuorumTasks
