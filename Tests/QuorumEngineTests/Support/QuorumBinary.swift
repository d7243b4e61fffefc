import Foundation

/// Runs the built `quorum` executable, which `swift build --build-tests` (and `make test`) puts next to the
/// test bundle.
enum QuorumBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "the quorum executable was not found (build it: swift build --build-tests)" }
    }

    static func binary() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("quorum"),
            Bundle.main.bundleURL.appendingPathComponent("quorum"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("quorum"),
            EngineReference.sharedDirectory.deletingLastPathComponent().appendingPathComponent("engine/.build/debug/quorum"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Missing()
        }
        return found
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes concurrently so neither can fill up and block the child.
        let errData = ThreadBox()
        let reader = Thread { errData.data = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errData.data == nil { usleep(1000) }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: errData.data!, as: UTF8.self))
    }

    private final class ThreadBox: @unchecked Sendable {
        // Written once by the reader thread, read after it finished (polled), never concurrently mutated.
        private let lock = NSLock()
        private var value: Data?
        var data: Data? {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }
}
