import Foundation

/// Runs the built `quorum` executable (it sits beside the test bundle in the build directory): the one runner
/// every test target that checks the command line uses.
public enum CLI {
    /// Exit status and everything the process wrote.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `quorum` executable beside the test bundle.
    public static var executable: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside the .xctest bundle on some platforms.
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("quorum").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("quorum").path
    }

    /// Runs `quorum arguments`, with `stdin` as its standard input (none when nil) and `environment` added to
    /// this process's environment.
    public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Standard error goes to a file, standard output to a pipe read to its end: neither can block the child.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-cli-err-\(UUID())").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        if let input, let stdin {
            // Written from another thread so that a child writing a lot before reading cannot deadlock us.
            let handle = input.fileHandleForWriting
            let bytes = Data(stdin.utf8)
            Thread.detachNewThread {
                handle.write(bytes)
                try? handle.close()
            }
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Where the tests find the pulled models (as `make test` leaves them).
    public static var home: String {
        if let h = ProcessInfo.processInfo.environment["QUORUM_HOME"], !h.isEmpty { return h }
        return NSHomeDirectory() + "/.cache/quorum"
    }

    /// A model file the tests need is not there.
    public struct MissingModel: Error, CustomStringConvertible {
        public var description: String
    }

    /// Throws `MissingModel` (which fails the calling test with its message) unless `name` has been pulled.
    public static func requireModel(_ name: String) throws {
        guard FileManager.default.fileExists(atPath: home + "/models/\(name).gguf") else {
            throw MissingModel(description: "model file \(home)/models/\(name).gguf missing: run `make test` (it pulls the models) or `quorum models pull \(name)`")
        }
    }
}
