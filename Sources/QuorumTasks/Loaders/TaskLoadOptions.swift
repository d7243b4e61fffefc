/// How ``TaskLoader`` reads a file. The defaults read every known layout with no options at all.
public struct TaskLoadOptions: Sendable, Hashable {
    /// The task set's name, used in problem ids (`<name>/<id>`); `nil` (the default) takes the layout's
    /// usual name (`gsm8k`, `asdiv` …), the `name` attribute of Quorum's XML, or else the file name
    /// without its extensions.
    public var name: String?
    /// Read the file through this mapping instead of detecting its layout; `nil` (the default) detects.
    public var mapping: FieldMapping?

    public init(name: String? = nil, mapping: FieldMapping? = nil) {
        self.name = name
        self.mapping = mapping
    }
}
