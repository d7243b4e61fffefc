import Foundation

/// The consecutive lines of one problem in a paths file.
public struct PathGroup: Sendable, Hashable {
    /// The problem's identifier.
    public var problem: String
    /// The gold answer, when the lines carry one.
    public var gold: String?
    /// The usable paths, in file order.
    public var paths: [ReasoningPath] = []
    /// The line of each path.
    public var lines: [Int] = []
    /// Lines of this problem that could not be used; a problem with any is skipped, never half-used.
    public var rejections: [Rejection] = []
    /// The problem's first line.
    public var firstLine: Int

    public init(problem: String, firstLine: Int) {
        self.problem = problem
        self.firstLine = firstLine
    }

    /// Whether every line of the problem was usable.
    public var isUsable: Bool { rejections.isEmpty && !paths.isEmpty }

    /// The paths sorted by path index (sampling order), ties kept in file order.
    public var pathsInSamplingOrder: [ReasoningPath] {
        paths.enumerated().sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }.map(\.element)
    }
}
