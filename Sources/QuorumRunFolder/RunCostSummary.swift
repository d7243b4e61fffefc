import Foundation
import QuorumCore
import QuorumSelect
import QuorumTasks

/// What a run's paths cost, summed from their `cost` records (`cost.json` in the run folder, a section of
/// `eval.md`, and the run's summary line), and, for every problem, the selection of each reference method
/// over all its paths (which is what an early-stopped run is judged by: problems have different numbers of
/// paths, so the K-subset protocol does not apply).
public struct RunCostSummary: Sendable, Hashable, Codable {
    /// One model's totals.
    public struct ModelTotals: Sendable, Hashable, Codable {
        /// Tokens generated.
        public var generated: Int
        /// Tokens prefilled.
        public var prefilled: Int
        /// 2 × parameters × tokens.
        public var flops: Double
        /// Seconds spent waiting on the model, summed over the paths that time it (FoReaL); `nil` otherwise.
        public var seconds: Double?
    }

    /// Problems with at least one path.
    public var problems: Int
    /// Paths.
    public var paths: Int
    /// Paths per problem: mean, least, most.
    public var pathsPerProblem: Double
    public var fewestPaths: Int
    public var mostPaths: Int
    /// Tokens generated (of the paths' text) and prompt tokens, summed over paths.
    public var generatedTokens: Int
    public var promptTokens: Int
    /// FLOPs summed over paths and models.
    public var flops: Double
    /// Seconds summed over paths.
    public var seconds: Double
    /// Per model.
    public var perModel: [String: ModelTotals]
    /// Mean over paths that report it (two-model decoders).
    public var leaderShare: Double?
    /// Mean switches per path (two-model decoders).
    public var switches: Double?
    /// Mean paused fraction over paths that report it (AdaDec).
    public var pausedFraction: Double?
    /// Extra forward passes (token rows) summed over paths (AdaDec).
    public var extraForwardPasses: Int?
    /// Extra model calls (batched forward passes) summed over paths (AdaDec).
    public var extraModelCalls: Int?
    /// Changed steps summed over paths that report them (AdaDec).
    public var changedSteps: Int?
    /// Completion requests summed over paths that report them (decoders over servers).
    public var requests: Int?
    /// Accuracy (%) of each reference method selecting over all paths of each problem with a gold answer
    /// (empty for code runs: their programs are judged by execution, in the run's evaluation).
    public var accuracyAllPaths: [SelectionMethod: Double]

    /// The summary of `pathsFile`.
    public static func summarize(pathsFile: String, kind: TaskKind) throws(RunError) -> RunCostSummary {
        let groups: [PathGroup]
        do {
            groups = try PathsReader.read(file: pathsFile).groups
        } catch {
            throw .evaluation("\(pathsFile): \(error)")
        }
        var s = RunCostSummary(
            problems: 0, paths: 0, pathsPerProblem: 0, fewestPaths: 0, mostPaths: 0, generatedTokens: 0,
            promptTokens: 0, flops: 0, seconds: 0, perModel: [:], accuracyAllPaths: [:])
        var shares: [Double] = [], switches: [Double] = [], paused: [Double] = []
        var extra: Int?, changed: Int?, requests: Int?
        var extraCalls: Int?
        var counts: [Int] = []
        var correct: [SelectionMethod: Double] = [:]
        var graded = 0
        let equivalence = makeEquivalence(kind: kind, mode: .default)
        for group in groups where !group.paths.isEmpty {
            counts.append(group.paths.count)
            for path in group.paths {
                guard let cost = path.cost else { continue }
                s.generatedTokens += cost.generatedTokens
                s.promptTokens += cost.promptTokens
                s.flops += cost.flops
                s.seconds += cost.seconds
                for (name, usage) in cost.perModel {
                    var totals = s.perModel[name] ?? ModelTotals(generated: 0, prefilled: 0, flops: 0)
                    totals.generated += usage.generated
                    totals.prefilled += usage.prefilled
                    totals.flops += usage.flops
                    if let v = usage.seconds { totals.seconds = (totals.seconds ?? 0) + v }
                    s.perModel[name] = totals
                }
                if let v = cost.leaderShare { shares.append(v) }
                if let v = cost.switches { switches.append(Double(v)) }
                if let v = cost.pausedFraction { paused.append(v) }
                if let v = cost.extraForwardPasses { extra = (extra ?? 0) + v }
                if let v = cost.extraModelCalls { extraCalls = (extraCalls ?? 0) + v }
                if let v = cost.changedSteps { changed = (changed ?? 0) + v }
                if let v = cost.requests { requests = (requests ?? 0) + v }
            }
            // Code answers are judged by running them (the code section of eval.md), never by comparing their
            // text with the reference solution, so code runs get no accuracy here.
            guard kind != .code, group.gold != nil else { continue }
            graded += 1
            let summary = ProblemPaths(problem: group.problem, gold: group.gold, reasoningPaths: group.paths)
            for method in SelectionMethod.reference {
                if let selection = try? method.aggregator.select(summary, equivalence: equivalence) {
                    correct[method, default: 0] += selection.correct ?? 0
                }
            }
        }
        s.problems = counts.count
        s.paths = counts.reduce(0, +)
        s.pathsPerProblem = counts.isEmpty ? 0 : Double(s.paths) / Double(counts.count)
        s.fewestPaths = counts.min() ?? 0
        s.mostPaths = counts.max() ?? 0
        func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }
        s.leaderShare = mean(shares)
        s.switches = mean(switches)
        s.pausedFraction = mean(paused)
        s.extraForwardPasses = extra
        s.extraModelCalls = extraCalls
        s.changedSteps = changed
        s.requests = requests
        if graded > 0 {
            for method in SelectionMethod.reference {
                s.accuracyAllPaths[method] = 100 * (correct[method] ?? 0) / Double(graded)
            }
        }
        return s
    }

    /// A markdown section for `eval.md`.
    public var markdown: String {
        var lines = ["## Cost", ""]
        lines.append(String(
            format: "%d problems, %d paths (%.2f per problem, %d–%d); %d generated and %d prompt tokens; "
                + "%.4g FLOPs (2 × parameters × tokens); %.1f s", problems, paths, pathsPerProblem, fewestPaths,
            mostPaths, generatedTokens, promptTokens, flops, seconds))
        lines.append("")
        lines.append("| model | generated | prefilled | FLOPs |")
        lines.append("|---|---:|---:|---:|")
        for name in perModel.keys.sorted() {
            let t = perModel[name]!
            lines.append(String(format: "| %@ | %d | %d | %.4g |", name, t.generated, t.prefilled, t.flops))
        }
        var extras: [String] = []
        if let leaderShare { extras.append(String(format: "leader share %.3f", leaderShare)) }
        if let switches { extras.append(String(format: "%.2f switches per path", switches)) }
        if let pausedFraction { extras.append(String(format: "paused fraction %.4f", pausedFraction)) }
        func share(_ n: Int) -> String {
            generatedTokens > 0 ? String(format: " (%.1f %% of generated tokens)", 100 * Double(n) / Double(generatedTokens)) : ""
        }
        if let extraForwardPasses { extras.append("\(extraForwardPasses) extra forward passes in token rows\(share(extraForwardPasses))") }
        if let extraModelCalls { extras.append("\(extraModelCalls) extra model calls\(share(extraModelCalls))") }
        if let changedSteps { extras.append("\(changedSteps) changed steps") }
        if let requests { extras.append("\(requests) server requests") }
        if !extras.isEmpty { lines += ["", extras.joined(separator: "; ")] }
        if !accuracyAllPaths.isEmpty {
            let methods = SelectionMethod.reference.filter { accuracyAllPaths[$0] != nil }
            lines += [
                "", "Accuracy selecting over all paths of each problem: "
                    + methods.map { String(format: "%@ %.2f%%", $0.rawValue.uppercased(), accuracyAllPaths[$0]!) }
                    .joined(separator: ", "),
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `cost.json`.
    /// - Throws: ``RunError/nonFiniteField(file:key:value:)`` when a figure is NaN or infinite.
    public func encoded() throws(RunError) -> Data {
        try RunFileJSON.encode(
            self, for: "cost.json", formatting: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes], snakeCase: true)
            + Data("\n".utf8)
    }
}
