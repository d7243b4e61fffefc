import Foundation
import Testing

/// Runs the built `quorum` executable (it sits beside the test bundle in the build directory).
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside the .xctest bundle on some platforms.
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("quorum").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("quorum").path
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
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
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Where the tests find the pulled models (as `make test` leaves them).
    static var home: String {
        if let h = ProcessInfo.processInfo.environment["QUORUM_HOME"], !h.isEmpty { return h }
        return NSHomeDirectory() + "/.cache/quorum"
    }

    static func requireModel(_ name: String) throws {
        try #require(FileManager.default.fileExists(atPath: home + "/models/\(name).gguf"),
                     "model file missing: run `make test` (it pulls the models) or `quorum models pull \(name)`")
    }
}
