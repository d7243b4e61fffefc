import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import QuorumHTTP

/// A real llama.cpp `llama-server` on 127.0.0.1, built by `scripts/build-llama-server.sh` into the Quorum cache.
public final class LlamaServer {
    /// `$QUORUM_HOME` or `~/.cache/quorum`.
    public static var home: String {
        if let h = ProcessInfo.processInfo.environment["QUORUM_HOME"], !h.isEmpty { return h }
        return NSHomeDirectory() + "/.cache/quorum"
    }

    public static var binary: String { home + "/llama.cpp/bin/llama-server" }

    public static func model(_ name: String) -> String { home + "/models/\(name).gguf" }

    /// Whether the binary exists; prints a loud reason when it does not, because the tests are then skipped.
    public static let isAvailable: Bool = {
        if FileManager.default.isExecutableFile(atPath: binary) { return true }
        let line = String(repeating: "!", count: 100)
        FileHandle.standardError.write(Data("""
            \(line)
            SKIPPING the real-server tests: \(binary) is missing.
            Build it with scripts/build-llama-server.sh (outside the repository; long on 2 cores).
            \(line)\n
            """.utf8))
        return false
    }()

    private let process: Process
    /// `http://127.0.0.1:PORT/v1`.
    public let baseURL: String

    /// Starts the server with `model` and `parallel` slots, and waits until it answers `/v1/models`.
    /// `arguments` are added to the command line (e.g. `-ub 1`).
    public init(model: String, parallel: Int = 4, context: Int = 4096, arguments: [String] = []) async throws {
        let port = try Self.freePort()
        baseURL = "http://127.0.0.1:\(port)/v1"
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "-m", model, "--host", "127.0.0.1", "--port", String(port), "-c", String(context),
            // One thread: llama.cpp's worker threads spin while waiting, and on a busy 2-core machine two of
            // them ran 5-10x slower than one (1.5-3 vs 15-17 tokens/s for smollm2-135m).
            "-np", String(parallel), "-t", "1", "--no-webui", "--log-disable",
        ] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let configuration = HTTPBackendConfiguration(
            endpoints: [try Endpoint(baseURL)], model: "probe", requestTimeout: .seconds(5), retry: RetryPolicy(maxAttempts: 1))
        let ready = try await OpenAICompatibleBackend.withBackend(configuration, environment: [:]) { backend in
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline && process.isRunning {
                if (try? await backend.listModels(at: try Endpoint(baseURL))) != nil { return true }
                try await Task.sleep(for: .milliseconds(250))
            }
            return false
        }
        if !ready {
            stop()
            throw HTTPBackendError.transport(endpoint: baseURL, reason: "llama-server did not become ready", attempts: 1)
        }
    }

    deinit { stop() }

    /// Kills the server. SIGKILL, not SIGTERM: a child started by Foundation's `Process` inherits the test
    /// runner's blocked-signal mask, so llama-server never sees SIGTERM and would be waited for forever.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A port that was free a moment ago (bind to port 0 and read what the kernel chose).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
