/// The problems read from one file, with every record that could not be read.
///
/// A loader never drops a record silently: each one is either in ``problems`` or in ``rejections``.
public struct TaskSet: Sendable, Codable, Hashable {
    /// A short name, by default the file name without its extension.
    public var name: String
    /// The file the problems came from.
    public var source: String
    /// The layout the loader recognised, e.g. `"gsm8k"` or `"quorum-xml"`.
    public var layout: String
    /// The problems, in file order.
    public var problems: [Problem]
    /// Records that could not be read, in file order.
    public var rejections: [Rejection]

    public init(
        name: String, source: String, layout: String, problems: [Problem], rejections: [Rejection] = []
    ) {
        self.name = name
        self.source = source
        self.layout = layout
        self.problems = problems
        self.rejections = rejections
    }
}
