import Foundation
import QuorumCore
import QuorumEval
import QuorumRunFolder
import QuorumTasks

/// Builds a ``Report`` from run folders. Every metric comes from QuorumEval, computed here from the run's
/// paths (not copied from eval.json): the K/seed protocol (``EvaluationProtocol``) for the tables and
/// curves, ``CalibrationMetrics`` and its reliability bins for the calibration plots.
public struct ReportBuilder: Sendable {
    /// Shuffling seeds of the protocol (default 10, as `quorum run`).
    public var seedCount: Int
    /// The problem shown in the RPC diagnostics; `nil` picks one (see ``chooseRPCProblem(_:)``).
    public var rpcProblem: String?
    /// The tool string written into the report.
    public var tool: String

    public init(seedCount: Int = 10, rpcProblem: String? = nil, tool: String = "quorum") {
        self.seedCount = seedCount
        self.rpcProblem = rpcProblem
        self.tool = tool
    }

    /// The methods reported, in the paper's order.
    public static let methods = SelectionMethod.reference


    /// Why a run of `kind` (an early-stopping run when `adaptive`) cannot be reported yet, or `nil`: the one
    /// check behind the refusals of ``build(_:)-swift.method`` and of `quorum run --report`.
    ///
    /// Code paths are judged by running their programs (the run's own eval.md gives pass@k and the methods'
    /// pass rates); the report's protocol compares answer texts, which means nothing for programs and, with
    /// 164 HumanEval programs, ran for minutes and tens of GB. Early-stopping runs have different numbers of
    /// paths per problem, which the K-subset protocol cannot evaluate.
    public static func refusal(kind: TaskKind, adaptive: Bool) -> String? {
        if kind == .code {
            return "reports of code runs are not supported yet — their programs are judged by execution; see the "
                + "run's eval.md (pass@k, pass rates) and cost.json"
        }
        if adaptive {
            return "an early-stopping (--adaptive) run: its problems have different numbers of paths, which the "
                + "report's K-subset protocol cannot evaluate; see the run's eval.md (selection over all paths of "
                + "each problem) or report the fixed run it replays (`quorum stop-replay`)"
        }
        return nil
    }

    /// The report of `runs`, side by side in the order given.
    public func build(_ runs: [RunInput], created: Date = Date()) throws(ReportError) -> Report {
        guard !runs.isEmpty else { throw .noRuns }
        var reports: [RunReport] = []
        for run in runs { reports.append(try build(run)) }
        return Report(tool: tool, created: ISO8601DateFormatter().string(from: created), runs: reports)
    }

    /// The report of one run.
    public func build(_ run: RunInput) throws(ReportError) -> RunReport {
        let kind = run.manifest.taskSet.kind
        if let refusal = Self.refusal(kind: kind, adaptive: run.manifest.decoder.settings.adaptive != nil) {
            throw .runFolder(
                path: run.folder, reason: kind == .code ? "a code run (\(run.manifest.taskSet.name)): \(refusal)" : refusal)
        }
        let mode = run.manifest.equivalence.mode ?? .default
        var pool = PathPool(source: run.folder + "/paths.jsonl", groups: run.groups, warnings: run.warnings)
        if !run.taskOrder.isEmpty {
            let order = Dictionary(run.taskOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            pool.problems.sort { (order[$0.problem] ?? .max) < (order[$1.problem] ?? .max) }
        }
        guard !pool.problems.isEmpty else {
            throw .evaluation(
                run: run.folder,
                reason: "no problem can be evaluated"
                    + (pool.skipped.isEmpty ? "" : " (" + pool.skipped.map(\.description).joined(separator: "; ") + ")"))
        }
        let ks = EvaluationProtocol.ks(samples: pool.size)
        let seeds = Array(0..<seedCount)
        let aggregators = Self.methods.map(\.aggregator)
        let equivalence = makeEquivalence(kind: kind, mode: mode)
        let evaluation = EvaluationProtocol(ks: ks, seeds: seeds)
        let result: EvaluationResult
        var selectionsByMethod: [[Selection]] = []
        do {
            result = try evaluation.run(pool, methods: aggregators, equivalence: equivalence)
            let tables = pool.problems.map {
                AnswerTable(answers: $0.paths.map(\.answer), gold: $0.gold, equivalence: equivalence)
            }
            for aggregator in aggregators {
                selectionsByMethod.append(
                    try evaluation.select(pool, tables: tables, positions: Array(0..<pool.size), method: aggregator))
            }
        } catch {
            throw .evaluation(run: run.folder, reason: error.description)
        }

        let methods = result.methods.map { curve in
            MethodMetrics(
                method: curve.method,
                points: curve.points.map { KMetrics(k: $0.k, summary: $0.summary, perSeed: $0.perSeed) })
        }
        let evaluatedIDs = Set(pool.problems.map(\.problem))
        let allPaths = run.groups.flatMap(\.paths)
        let cost = Self.cost(of: allPaths)
        let evaluatedPaths = run.groups.filter { evaluatedIDs.contains($0.problem) }.flatMap(\.paths)
        let evaluatedCost = Self.cost(of: evaluatedPaths)
        var costPoints: [CostPoint] = []
        for method in methods {
            for point in method.points {
                let k = Double(point.k)
                costPoints.append(CostPoint(
                    method: method.method, k: point.k,
                    generatedTokensPerProblem: k * evaluatedCost.meanGeneratedTokens,
                    flopsPerProblem: k * evaluatedCost.meanFlops, secondsPerProblem: k * evaluatedCost.meanSeconds,
                    accuracyMean: point.summary.accuracyMean, accuracyStd: point.summary.accuracyStd))
            }
        }
        let calibration = zip(Self.methods, selectionsByMethod).map { method, selections in
            MethodCalibration(
                method: method.rawValue, k: pool.size, metrics: CalibrationMetrics.measure(selections),
                bins: CalibrationMetrics.reliability(selections),
                confidences: selections.map { $0.candidates.map(\.confidence).max() ?? 0 })
        }

        // Drill-down.
        let groupsByID = Dictionary(run.groups.map { ($0.problem, $0) }, uniquingKeysWith: { a, _ in a })
        let rpcIndex = Self.methods.firstIndex(of: .rpc)!
        let scIndex = Self.methods.firstIndex(of: .sc)!
        var problems: [ProblemReport] = []
        for (index, problem) in pool.problems.enumerated() {
            let paths = groupsByID[problem.problem]?.pathsInSamplingOrder ?? []
            let rpc = selectionsByMethod[rpcIndex][index]
            let pruned = Set(rpc.pruned)
            let probabilityOf = Dictionary(paths.map { ($0.path, $0.probability) }, uniquingKeysWith: { a, _ in a })
            let totalMass = PairwiseSum.sum(paths.map(\.probability))
            let clusters = selectionsByMethod[scIndex][index].candidates.map { candidate in
                let mass = PairwiseSum.sum(candidate.paths.map { probabilityOf[$0] ?? 0 })
                return AnswerCluster(
                    answer: candidate.answer, paths: candidate.paths, votes: candidate.paths.count, probabilityMass: mass,
                    probabilityShare: totalMass > 0 ? mass / totalMass : 0, correct: candidate.correct)
            }
            problems.append(ProblemReport(
                id: problem.problem, question: run.problems[problem.problem]?.question, gold: problem.gold,
                choices: selectionsByMethod.map {
                    MethodChoice(method: $0[index].method, answer: $0[index].answer, confidence: $0[index].confidence, correct: $0[index].correct)
                },
                clusters: clusters,
                paths: paths.map { path in
                    PathRecord(
                        index: path.path, answer: path.answer, meanLogprob: path.meanLogprob, probability: path.probability,
                        generatedTokens: path.cost?.generatedTokens ?? path.tokens?.count, finish: path.finish?.rawValue,
                        prunedByRPC: pruned.contains(path.path), text: path.text)
                }))
        }

        var notes = run.notes
        if !run.problems.isEmpty {
            let missing = problems.filter { $0.question == nil }.map(\.id)
            if !missing.isEmpty {
                notes.append(
                    "\(missing.count) problem(s) are not in the task file, so their questions are not shown (first: \(missing[0]))")
            }
        }
        let rpcSelections = selectionsByMethod[rpcIndex]
        let chosen: (index: Int, because: String)
        if let wanted = rpcProblem {
            guard let index = pool.problems.firstIndex(where: { $0.problem == wanted }) else {
                throw .unknownProblem(run: run.folder, problem: wanted)
            }
            chosen = (index, "asked for (--rpc-problem)")
        } else {
            chosen = Self.chooseRPCProblem(rpcSelections)
        }
        let selection = rpcSelections[chosen.index]
        let diagnostics = selection.diagnostics ?? [:]
        var mixture: WeibullMixture?
        if let w = diagnostics["w_high"], let k1 = diagnostics["k_high"], let l1 = diagnostics["lambda_high"],
            let k2 = diagnostics["k_low"], let l2 = diagnostics["lambda_low"]
        {
            mixture = WeibullMixture(weight: w, shape1: k1, scale1: l1, shape2: k2, scale2: l2)
        }
        let rpcDiagnostics = RPCDiagnostics(
            problem: selection.problem, probabilities: problems[chosen.index].paths.map(\.probability),
            indices: problems[chosen.index].paths.map(\.index),
            pruned: selection.pruned, cut: diagnostics["cut"], mixture: mixture, diagnostics: diagnostics,
            chosenBecause: chosen.because)

        return RunReport(
            name: run.name, folder: run.folder, manifest: run.manifest, poolSize: pool.size,
            problemsEvaluated: pool.problems.count, ks: ks, seeds: seeds, skipped: result.skipped,
            warnings: result.warnings, notes: notes, methods: methods, cost: cost, costVsAccuracy: costPoints,
            calibration: calibration, rpcDiagnostics: rpcDiagnostics, problems: problems)
    }

    /// The problem shown by default in the RPC diagnostics: the one where RPC pruned the most paths (the first
    /// such in task order); failing that, the first with a fitted mixture; failing that, the first problem.
    public static func chooseRPCProblem(_ selections: [Selection]) -> (index: Int, because: String) {
        var best: Int?
        for (index, selection) in selections.enumerated() where !selection.pruned.isEmpty {
            if best == nil || selection.pruned.count > selections[best!].pruned.count { best = index }
        }
        if let best { return (best, "the problem where RPC pruned the most paths (\(selections[best].pruned.count))") }
        if let fitted = selections.firstIndex(where: { $0.diagnostics?["w_high"] != nil }) {
            return (fitted, "no problem had a path pruned; the first with a fitted mixture")
        }
        return (0, "no problem had a fitted mixture; the first problem")
    }

    /// Sums the cost records of `paths`.
    public static func cost(of paths: [ReasoningPath]) -> CostSummary {
        let costs = paths.compactMap(\.cost)
        let generated = costs.reduce(0) { $0 + $1.generatedTokens }
        let seconds = PairwiseSum.sum(costs.map(\.seconds))
        let flops = PairwiseSum.sum(costs.map(\.flops))
        let count = Double(max(costs.count, 1))
        return CostSummary(
            paths: paths.count, pathsWithCost: costs.count, promptTokens: costs.reduce(0) { $0 + $1.promptTokens },
            generatedTokens: generated, flops: flops, seconds: seconds,
            tokensPerSecond: seconds > 0 ? Double(generated) / seconds : nil,
            meanGeneratedTokens: Double(generated) / count, meanFlops: flops / count, meanSeconds: seconds / count)
    }
}
