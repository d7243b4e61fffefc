import Foundation
import QuorumCore

extension RunSampling {
    /// Early stopping (``AdaptiveStopping``): samples each problem in rounds of `adaptive.round` paths (the
    /// round's paths generated together, each with its own per-path seed) and stops a problem as soon as the
    /// rule calls it settled or it has `plan.samples` paths; rounds of a settled problem are never started.
    /// Resuming recomputes every problem's state from the paths written (a partly written round is completed).
    static func runAdaptive(
        _ plan: RunPlan, adaptive: AdaptiveStopping, sampler: any PathSampler, log: PathsLog,
        progress: @escaping @Sendable (SamplingProgress) -> Void
    ) async throws(RunError) -> SamplingReport {
        var records: [[Int: ReasoningPath]] = plan.problems.map { log.records(of: $0.id) }
        func nextRound(_ slot: Int) -> Range<Int>? {
            let problem = plan.problems[slot]
            var start = 0
            while start < plan.samples {
                let round = start..<min(plan.samples, start + adaptive.round)
                if !round.allSatisfy({ records[slot][$0] != nil }) { return round }
                let paths = (0..<round.upperBound).map { records[slot][$0]! }
                if adaptive.settled(paths, problem: problem.id, kind: problem.kind) { return nil }
                start = round.upperBound
            }
            return nil
        }
        func job(_ slot: Int, _ round: Range<Int>) -> SamplingJob {
            let problem = plan.problems[slot]
            let seeds = plan.seeds.seeds(problem: plan.problemIndices[slot], count: plan.samples)
            return SamplingJob(
                problem: problem.id, prompt: plan.template.render(problem), sharedPrefix: plan.template.sharedPrefix,
                stop: plan.template.stop, decoder: plan.decoder, seeds: Array(seeds[round]),
                wanted: round.filter { records[slot][$0] == nil }.map { $0 - round.lowerBound })
        }

        var pending: [(slot: Int, round: Range<Int>)] = []
        var done = 0
        for slot in plan.problems.indices {
            if let round = nextRound(slot) { pending.append((slot, round)) } else { done += 1 }
        }
        let found = log.count
        let start = ContinuousClock.now
        func elapsed() -> Double {
            start.duration(to: .now).seconds
        }
        var state = SamplingProgress(
            problemsDone: done, problemsTotal: plan.problems.count, pathsWritten: 0,
            pathsToWrite: pending.reduce(0) { $0 + plan.samples - records[$1.slot].count }, generatedTokens: 0, elapsed: 0)
        progress(state)

        typealias Outcome = (slot: Int, round: Range<Int>, job: SamplingJob, result: Result<[SampledPath], RunError>)
        let inFlight = max(1, sampler.concurrentProblems)
        var failure: RunError?
        await withTaskGroup(of: Outcome.self) { group in
            func launch(_ slot: Int, _ round: Range<Int>) {
                let j = job(slot, round)
                group.addTask {
                    do {
                        return (slot, round, j, .success(try await sampler.sample(j)))
                    } catch {
                        return (slot, round, j, .failure(RunError.ofSampling(error, problem: j.problem)))
                    }
                }
            }
            var next = 0
            while next < pending.count, next < inFlight {
                launch(pending[next].slot, pending[next].round)
                next += 1
            }
            while let outcome = await group.next() {
                let problem = plan.problems[outcome.slot]
                guard case .success(let sampled) = outcome.result else {
                    if case .failure(let error) = outcome.result { failure = failure ?? error }
                    continue
                }
                var lines: [Int: String] = [:]
                var tokens = 0
                do throws(RunError) {
                    for var path in sampled where outcome.job.wanted.contains(path.path) {
                        path.path += outcome.round.lowerBound
                        let record = makePath(path, problem: problem, plan: plan, sampler: sampler)
                        lines[path.path] = try PathLine.encode(record, gold: problem.gold)
                        records[outcome.slot][path.path] = record
                        tokens += path.generatedTokens
                    }
                } catch {
                    failure = failure ?? error
                    group.cancelAll()
                    return
                }
                guard lines.count == outcome.job.wanted.count else {
                    failure = failure ?? .sampling(
                        problem: problem.id,
                        reason: "the sampler returned \(lines.count) of the \(outcome.job.wanted.count) paths asked for")
                    continue
                }
                do throws(RunError) {
                    try log.add(problem: problem.id, lines: lines)
                } catch {
                    failure = error
                    group.cancelAll()
                    return
                }
                state.pathsWritten += lines.count
                state.generatedTokens += tokens
                state.elapsed = elapsed()
                guard failure == nil else { continue }
                if let round = nextRound(outcome.slot) {
                    launch(outcome.slot, round)
                } else {
                    state.problemsDone += 1
                    // The problem's remaining paths are never drawn.
                    state.pathsToWrite -= plan.samples - records[outcome.slot].count
                    if next < pending.count {
                        launch(pending[next].slot, pending[next].round)
                        next += 1
                    }
                }
                progress(state)
            }
        }
        if let failure { throw failure }
        return SamplingReport(
            problems: plan.problems.count, pathsWritten: state.pathsWritten, pathsFound: found,
            generatedTokens: state.generatedTokens, seconds: elapsed())
    }
}
