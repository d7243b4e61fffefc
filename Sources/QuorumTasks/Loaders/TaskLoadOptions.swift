/// How ``TaskLoader`` reads a file. The defaults read every known layout with no options at all.
public struct TaskLoadOptions: Sendable, Hashable {
    /// The task set's name, used in problem ids (`<name>/<id>`); `nil` (the default) takes the layout's
    /// usual name (`gsm8k`, `asdiv` …), the `name` attribute of Quorum's XML, or else the file name
    /// without its extensions.
    public var name: String?
    /// Read the file through this mapping instead of detecting its layout; `nil` (the default) detects.
    public var mapping: FieldMapping?
    /// The most bytes a gzipped file may decompress to (default ``defaultMaximumDecompressedBytes``, 256 MiB);
    /// beyond it the load fails with ``TaskLoadError/decompressedTooLarge(_:limit:)`` after decompressing
    /// at most that much, so that a small gzip bomb cannot take the machine's memory. There is no value
    /// that disables the cap; raise it for a genuine task file that large.
    public var maximumDecompressedBytes: Int

    /// 256 MiB: over ten times the largest public task set, and little next to the memory of a machine that
    /// samples (the loaded problems take a few times the text).
    public static let defaultMaximumDecompressedBytes = 256 << 20

    public init(
        name: String? = nil, mapping: FieldMapping? = nil,
        maximumDecompressedBytes: Int = TaskLoadOptions.defaultMaximumDecompressedBytes
    ) {
        self.name = name
        self.mapping = mapping
        self.maximumDecompressedBytes = maximumDecompressedBytes
    }
}
