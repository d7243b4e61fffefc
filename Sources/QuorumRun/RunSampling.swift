import Foundation
import QuorumCode
import QuorumCore
import QuorumTasks

/// Where sampling stands, reported after every problem.
public struct SamplingProgress: Sendable, Hashable {
    /// Problems whose paths are all written (those complete before this sitting included).
    public var problemsDone: Int
    /// Problems of the run.
    public var problemsTotal: Int
    /// Paths written in this sitting.
    public var pathsWritten: Int
    /// Paths this sitting has to write.
    public var pathsToWrite: Int
    /// Tokens generated for the paths written in this sitting.
    public var generatedTokens: Int
    /// Seconds since this sitting began sampling.
    public var elapsed: Double
}

/// What a sitting of sampling did.
public struct SamplingReport: Sendable, Hashable {
    /// Problems of the run.
    public var problems: Int
    /// Paths written in this sitting.
    public var pathsWritten: Int
    /// Paths that were already in the file.
    public var pathsFound: Int
    /// Tokens generated for the paths written.
    public var generatedTokens: Int
    /// Seconds spent sampling.
    public var seconds: Double
}

/// Samples the paths of a run that its `paths.jsonl` does not hold yet, and writes them.
public enum RunSampling {
    /// Samples every missing (problem, path) pair of `plan` with `sampler` and adds it to `log`, calling
    /// `progress` after each problem: a ``BatchingPathSampler`` gets every problem in one stream (the embedded
    /// engine keeps its batch full across problems), any other sampler one problem at a time
    /// (``PathSampler/concurrentProblems`` problems in flight).
    /// When a problem fails, no further problem is started, the problems in flight are still written when
    /// they succeed, and then the first failure is thrown (``RunError/sampling(problem:reason:)``).
    ///
    /// Code problems need `grader`: each path's program runs against the problem's tests as soon as the
    /// problem's paths are sampled, and its line carries the result (`execution`).
    public static func run(
        _ plan: RunPlan, sampler: any PathSampler, log: PathsLog, grader: CodeGrader? = nil,
        progress: @escaping @Sendable (SamplingProgress) -> Void = { _ in }
    ) async throws(RunError) -> SamplingReport {
        if !plan.codeTasks.isEmpty, grader == nil {
            throw .invalidSettings("code problems are run against their tests as they are sampled: give a grader")
        }
        if let adaptive = plan.decoder.adaptive {
            if !plan.codeTasks.isEmpty {
                throw .invalidSettings("--adaptive is not available for code task sets yet (its stopping rule compares answers, not program behaviour)")
            }
            return try await runAdaptive(plan, adaptive: adaptive, sampler: sampler, log: log, progress: progress)
        }
        var jobs: [(problem: Problem, job: SamplingJob)] = []
        var done = 0
        var toWrite = 0
        for (problem, index) in zip(plan.problems, plan.problemIndices) {
            let present = log.paths(of: problem.id)
            let wanted = (0..<plan.samples).filter { !present.contains($0) }
            if wanted.isEmpty {
                done += 1
                continue
            }
            toWrite += wanted.count
            let job = SamplingJob(
                problem: problem.id, prompt: plan.template.render(problem), sharedPrefix: plan.template.sharedPrefix,
                stop: plan.template.stop,
                decoder: plan.decoder, seeds: plan.seeds.seeds(problem: index, count: plan.samples), wanted: wanted)
            jobs.append((problem, job))
        }
        let found = log.count
        let start = ContinuousClock.now
        func elapsed() -> Double {
            start.duration(to: .now).seconds
        }
        var state = SamplingProgress(
            problemsDone: done, problemsTotal: plan.problems.count, pathsWritten: 0, pathsToWrite: toWrite,
            generatedTokens: 0, elapsed: 0)
        progress(state)

        if let batching = sampler as? any BatchingPathSampler {
            // One stream over every problem: the batch stays full across problems; each problem is written as
            // soon as its last path ends.
            var written: RunError?
            do {
                try await batching.sample(jobs.map(\.job)) { i, paths in
                    let (problem, job) = jobs[i]
                    do throws(RunError) {
                        // Code: the programs run while the engine waits (the batch resumes after grading).
                        let graded = try await grade(paths, of: problem, plan: plan, grader: grader)
                        let (lines, tokens) = try encode(graded, of: problem, job: job, plan: plan, sampler: sampler)
                        try log.add(problem: problem.id, lines: lines)
                        state.pathsWritten += lines.count
                        state.generatedTokens += tokens
                    } catch {
                        written = error
                        throw error
                    }
                    state.problemsDone += 1
                    state.elapsed = elapsed()
                    progress(state)
                }
            } catch {
                if let written { throw written }
                if let error = error as? PathSamplingError, jobs.indices.contains(error.job) {
                    throw .sampling(problem: jobs[error.job].problem.id, reason: error.reason)
                }
                throw .sampling(problem: jobs.first?.problem.id ?? "", reason: "\(error)")
            }
            return SamplingReport(
                problems: plan.problems.count, pathsWritten: state.pathsWritten, pathsFound: found,
                generatedTokens: state.generatedTokens, seconds: elapsed())
        }

        let inFlight = max(1, sampler.concurrentProblems)
        // After a failure no new problem is started, but the problems already in flight are still written
        // when they succeed: nothing sampled is thrown away. The first failure is then thrown.
        let failure = await withTaskGroup(of: (Int, Result<[GradedPath], RunError>).self) { group -> RunError? in
            var next = 0
            var failure: RunError?
            func start(_ i: Int) {
                group.addTask(operation: task(i, jobs[i].job, jobs[i].problem, sampler, plan: plan, grader: grader))
            }
            while next < jobs.count, next < inFlight {
                start(next)
                next += 1
            }
            while let (i, result) = await group.next() {
                let (problem, job) = jobs[i]
                let paths: [GradedPath]
                switch result {
                case .success(let value): paths = value
                case .failure(let error):
                    failure = failure ?? error
                    continue
                }
                do throws(RunError) {
                    let (lines, tokens) = try encode(paths, of: problem, job: job, plan: plan, sampler: sampler)
                    try log.add(problem: problem.id, lines: lines)
                    state.pathsWritten += lines.count
                    state.generatedTokens += tokens
                } catch {
                    if case .sampling = error {
                        failure = failure ?? error
                        continue
                    }
                    group.cancelAll()
                    return error
                }
                state.problemsDone += 1
                state.elapsed = elapsed()
                progress(state)
                if failure == nil, next < jobs.count {
                    start(next)
                    next += 1
                }
            }
            return failure
        }
        if let failure { throw failure }
        return SamplingReport(
            problems: plan.problems.count, pathsWritten: state.pathsWritten, pathsFound: found,
            generatedTokens: state.generatedTokens, seconds: elapsed())
    }

    /// The `paths.jsonl` lines of a problem's sampled paths by path index, and the tokens they generated;
    /// ``RunError/sampling(problem:reason:)`` when a wanted path is missing.
    private static func encode(
        _ paths: [GradedPath], of problem: Problem, job: SamplingJob, plan: RunPlan, sampler: any PathSampler
    ) throws(RunError) -> (lines: [Int: String], tokens: Int) {
        var lines: [Int: String] = [:]
        var tokens = 0
        for graded in paths where job.wanted.contains(graded.sampled.path) {
            var path = makePath(graded.sampled, problem: problem, plan: plan, sampler: sampler)
            path.execution = graded.execution
            lines[graded.sampled.path] = try PathLine.encode(path, gold: plan.gold(of: problem))
            tokens += graded.sampled.generatedTokens
        }
        guard lines.count == job.wanted.count else {
            throw .sampling(
                problem: problem.id, reason: "the sampler returned \(lines.count) of the \(job.wanted.count) paths asked for")
        }
        return (lines, tokens)
    }

    /// A sampled path with its program's result against the tests (code problems only).
    struct GradedPath: Sendable {
        var sampled: SampledPath
        var execution: ExecutionRecord?
    }

    /// `paths` with their programs' results against `problem`'s tests when it is a code problem (no result
    /// otherwise).
    private static func grade(
        _ paths: [SampledPath], of problem: Problem, plan: RunPlan, grader: CodeGrader?
    ) async throws(RunError) -> [GradedPath] {
        guard let task = plan.codeTasks[problem.id], let grader else {
            return paths.map { GradedPath(sampled: $0, execution: nil) }
        }
        let extractor = plan.extractor(for: problem)
        let records = try await grader.grade(task, answers: paths.map { extractor.extract(from: $0.text).normalized })
        return zip(paths, records).map { GradedPath(sampled: $0, execution: $1) }
    }

    /// The child task that samples job `i`, then (code) runs the paths' programs against the tests.
    private static func task(
        _ i: Int, _ job: SamplingJob, _ problem: Problem, _ sampler: any PathSampler, plan: RunPlan,
        grader: CodeGrader?
    ) -> @Sendable () async -> (Int, Result<[GradedPath], RunError>) {
        {
            let paths: [SampledPath]
            do {
                paths = try await sampler.sample(job)
            } catch {
                return (i, .failure(RunError.ofSampling(error, problem: job.problem)))
            }
            do throws(RunError) {
                return (i, .success(try await grade(paths, of: problem, plan: plan, grader: grader)))
            } catch {
                return (i, .failure(error))
            }
        }
    }

    /// The `paths.jsonl` record of a sampled path: its answer extracted by the problem kind's extractor, its
    /// log-probability statistics and its cost.
    public static func makePath(
        _ sampled: SampledPath, problem: Problem, plan: RunPlan, sampler: any PathSampler
    ) -> ReasoningPath {
        let answer = plan.extractor(for: problem).extract(from: sampled.text).normalized
        let sum = sampled.logprobs.reduce(0, +)
        // An empty completion has no tokens to average: it gets probability 0 (mean −∞).
        let mean = sampled.logprobs.isEmpty ? -Double.infinity : sum / Double(sampled.logprobs.count)
        var perModel = sampled.usage
            ?? [sampler.modelName: Cost.ModelUsage(generated: sampled.generatedTokens, prefilled: sampled.promptTokens)]
        let parameters = sampler.parameterCounts
        for (name, usage) in perModel {
            perModel[name]?.flops = parameters[name].map { 2 * Double($0) * Double(usage.generated + usage.prefilled) } ?? 0
        }
        var cost = Cost(
            promptTokens: sampled.promptTokens, generatedTokens: sampled.generatedTokens,
            flops: perModel.values.reduce(0) { $0 + $1.flops }, seconds: sampled.seconds, perModel: perModel)
        if let extra = sampled.decoderCost { cost.takeDecoderFields(of: extra) }
        return ReasoningPath(
            problem: problem.id, path: sampled.path, text: sampled.text, answer: answer, meanLogprob: mean,
            sumLogprob: sum, tokens: sampled.tokens, logprobs: sampled.logprobs, model: sampler.modelIdentity,
            decoder: plan.decoder.decoderName, params: plan.decoder.params(seed: sampled.seed), finish: sampled.finish,
            cost: cost)
    }
}
