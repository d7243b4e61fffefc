import ArgumentParser
import QuorumTasks

/// The options of every command that reads a task file.
struct TaskFileFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The most a gzipped task file may decompress to, in bytes or with a K, M or G suffix (powers of 1024): a small gzip bomb fails with an error instead of filling the memory.",
        valueName: "size"))
    var maxDecompressedBytes = ByteCount(bytes: TaskLoadOptions.defaultMaximumDecompressedBytes)

    /// The load options with the cap (and `name`, `mapping`).
    func options(name: String? = nil, mapping: FieldMapping? = nil) -> TaskLoadOptions {
        TaskLoadOptions(name: name, mapping: mapping, maximumDecompressedBytes: maxDecompressedBytes.bytes)
    }
}

/// A size on the command line: `1048576`, `512K`, `256M`, `2G`.
struct ByteCount: ExpressibleByArgument, CustomStringConvertible, Sendable {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(argument)
        var unit = 1
        if let last = digits.last?.uppercased().first, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        bytes = product
    }

    var description: String {
        for (suffix, scale) in [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where bytes % scale == 0 {
            return "\(bytes / scale)\(suffix)"
        }
        return String(bytes)
    }
}
