import Foundation
import QuorumTestSupport
import Testing

/// `--model` that is not a regular file (issue 15, item 9): a FIFO hung in open(2) for ever; a device or a
/// directory now says what it is too.
@Suite struct ModelFileKindTests {
    /// Runs `quorum arguments`, killing it after `seconds`; `nil` status when it had to be killed.
    private func run(_ arguments: [String], seconds: Double) throws -> (status: Int32?, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return (nil, "")
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text)
    }

    @Test func aFIFODeviceOrDirectoryAsModelIsRefusedAtOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fifo = directory.appendingPathComponent("model.gguf").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let cases = [
            (fifo, "is not a regular file (a FIFO)"), ("/dev/zero", "is not a regular file (a character device)"),
            (directory.path, "is a directory"),
        ]
        for (path, reason) in cases {
            let result = try run(["generate", "--model", path, "--prompt", "hi", "--max-tokens", "1"], seconds: 60)
            #expect(result.status != nil, "quorum generate --model \(path) still ran after 60 s")
            #expect(result.status != 0)
            #expect(result.stderr.contains("\(path): cannot open: \(reason)"), "\(result.stderr)")
        }
    }
}
