import Foundation

/// The sampled paths an evaluation draws its K-subsets from: every problem with the same number of
/// paths m (the pool size), in sampling order, with its gold answer.
///
/// Problems that cannot be evaluated are never dropped silently: each is listed in ``skipped`` with why.
public struct PathPool: Sendable, Hashable {
    /// Where the paths came from (a file name).
    public var source: String
    /// The problems, in input order.
    public var problems: [ProblemPaths]
    /// Problems left out, with the reasons.
    public var skipped: [SkippedProblem]
    /// Lines reported and ignored (e.g. a truncated last line).
    public var warnings: [Rejection]

    public init(
        source: String, problems: [ProblemPaths], skipped: [SkippedProblem] = [], warnings: [Rejection] = []
    ) {
        self.source = source
        self.problems = problems
        self.skipped = skipped
        self.warnings = warnings
    }

    /// The number of paths per problem (0 for an empty pool).
    public var size: Int { problems.first?.paths.count ?? 0 }

    /// The pool of a paths file's groups. A problem is skipped when any of its lines was unusable, when it
    /// has no gold, or when its number of paths differs from the pool size (the most common number of
    /// paths; the larger one on a tie) — the protocol draws the same K positions from every problem.
    public init(source: String, groups: [PathGroup], warnings: [Rejection] = []) {
        var skipped: [SkippedProblem] = []
        var candidates: [PathGroup] = []
        for group in groups {
            if !group.rejections.isEmpty {
                skipped.append(SkippedProblem(problem: group.problem, reasons: group.rejections.map(\.description)))
            } else if group.gold == nil {
                skipped.append(SkippedProblem(
                    problem: group.problem,
                    reasons: ["\(source):\(group.firstLine): no gold answer (give a \"gold\" field on its lines)"]))
            } else {
                candidates.append(group)
            }
        }
        var frequency: [Int: Int] = [:]
        for group in candidates { frequency[group.paths.count, default: 0] += 1 }
        let size = frequency.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key ?? 0
        var problems: [ProblemPaths] = []
        for group in candidates {
            guard group.paths.count == size else {
                skipped.append(SkippedProblem(
                    problem: group.problem,
                    reasons: ["\(source):\(group.firstLine): \(group.paths.count) paths, but the pool has \(size) per problem"]))
                continue
            }
            problems.append(ProblemPaths(
                problem: group.problem, gold: group.gold, reasoningPaths: group.pathsInSamplingOrder))
        }
        self.init(source: source, problems: problems, skipped: skipped, warnings: warnings)
    }
}

/// A problem left out of an evaluation or a selection run, and why.
public struct SkippedProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public var problem: String
    /// Each reason, with its location where one applies.
    public var reasons: [String]

    public init(problem: String, reasons: [String]) {
        self.problem = problem
        self.reasons = reasons
    }

    public var description: String { "problem \(problem) skipped: " + reasons.joined(separator: "; ") }
}
