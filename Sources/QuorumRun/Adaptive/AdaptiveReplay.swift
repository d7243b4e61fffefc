import Foundation
import QuorumCore
import QuorumSelect
import QuorumTasks

/// Replays an early-stopping rule on a run sampled without it: for each problem, the paths are taken in path
/// order round by round until ``AdaptiveStopping/settled(_:problem:kind:)``, exactly the paths `--adaptive`
/// would have drawn (same per-path seeds), and the selections over the kept paths are compared with those over
/// all paths.
public struct AdaptiveReplay: Sendable, Hashable, Codable {
    /// Problems replayed (those with a gold answer).
    public var problems: Int
    /// Paths in the file for those problems, and paths kept by the rule.
    public var pathsAll: Int, pathsKept: Int
    /// Accuracy (%) per method over all paths and over the kept paths.
    public var accuracyAll: [String: Double], accuracyKept: [String: Double]

    /// Fraction of samples saved.
    public var saved: Double { pathsAll == 0 ? 0 : 1 - Double(pathsKept) / Double(pathsAll) }

    /// Replays `rule` on `pathsFile`.
    public static func replay(
        pathsFile: String, kind: TaskKind, rule: AdaptiveStopping, methods: [SelectionMethod] = [.sc, .rpc]
    ) throws(RunError) -> AdaptiveReplay {
        let groups: [PathGroup]
        do {
            groups = try PathsReader.read(file: pathsFile).groups
        } catch {
            throw .evaluation("\(pathsFile): \(error)")
        }
        let equivalence = makeEquivalence(kind: kind, mode: .default)
        var r = AdaptiveReplay(problems: 0, pathsAll: 0, pathsKept: 0, accuracyAll: [:], accuracyKept: [:])
        for group in groups where group.gold != nil && !group.paths.isEmpty {
            let paths = group.paths.sorted { $0.path < $1.path }
            var end = min(rule.round, paths.count)
            while end < paths.count, !rule.settled(Array(paths.prefix(end)), problem: group.problem, kind: kind) {
                end = min(paths.count, end + rule.round)
            }
            r.problems += 1
            r.pathsAll += paths.count
            r.pathsKept += end
            for method in methods {
                let all = ProblemPaths(problem: group.problem, gold: group.gold, reasoningPaths: paths)
                let kept = ProblemPaths(problem: group.problem, gold: group.gold, reasoningPaths: Array(paths.prefix(end)))
                r.accuracyAll[method.rawValue, default: 0] +=
                    (try? method.aggregator.select(all, equivalence: equivalence).correct ?? 0) ?? 0
                r.accuracyKept[method.rawValue, default: 0] +=
                    (try? method.aggregator.select(kept, equivalence: equivalence).correct ?? 0) ?? 0
            }
        }
        if r.problems > 0 {
            for key in r.accuracyAll.keys {
                r.accuracyAll[key] = 100 * r.accuracyAll[key]! / Double(r.problems)
                r.accuracyKept[key] = 100 * r.accuracyKept[key]! / Double(r.problems)
            }
        }
        return r
    }
}
