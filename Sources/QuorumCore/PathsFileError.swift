/// Why a paths file (JSON Lines of ``ReasoningPath``) cannot be read on: a failure that cannot be pinned
/// on one problem. Lines that can be are reported as that problem's ``PathGroup/rejections`` instead.
public enum PathsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// A line that is not a JSON object with a string `problem` and is not the truncated last line.
    case unreadableLine(SourceLocation, reason: String)
    /// A problem's paths resume after another problem's paths began: paths of one problem must be
    /// consecutive, and whatever was already selected for `problem` used only its earlier paths.
    case interleaved(SourceLocation, problem: String, firstLine: Int, interruptedBy: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read: \(reason)"
        case .unreadableLine(let location, let reason):
            "\(location): \(reason)"
        case .interleaved(let location, let problem, let firstLine, let other):
            "\(location): paths of problem \(problem) (which began at line \(firstLine)) resume after problem "
                + "\(other) began; the paths of a problem must be consecutive, so anything already selected "
                + "for \(problem) saw only part of its paths"
        }
    }
}
