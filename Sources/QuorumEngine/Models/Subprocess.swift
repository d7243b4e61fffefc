import Foundation

/// Runs a command, echoing its combined output to standard error (as progress) while keeping its tail.
struct Subprocess {
    struct Result {
        var status: Int32
        /// The last 16 KiB of output.
        var output: String
        /// The last non-empty lines of output, for error messages.
        func tail(_ lines: Int = 6) -> String {
            output.split(separator: "\n").suffix(lines).joined(separator: " | ")
        }
    }

    /// Runs `arguments` through `/usr/bin/env` (so the program is found on PATH). Exit status 127 means the
    /// program was not found. `echo` sends the output to standard error as it comes.
    static func run(_ arguments: [String], echo: Bool, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var tail = Data()
        let reader = pipe.fileHandleForReading
        while true {
            let data = reader.availableData
            if data.isEmpty { break }
            if echo { FileHandle.standardError.write(data) }
            tail.append(data)
            if tail.count > 32768 { tail.removeFirst(tail.count - 16384) }
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: tail.suffix(16384), as: UTF8.self))
    }
}
