import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs Python programs in a sandboxed `python3` subprocess, one fresh process and temporary directory per
/// run.
///
/// A run: a new directory `quorum-exec-XXXXXX` in the system's temporary directory (mode 0700, given to the
/// run's user id when there is one) receives `program.py` and `sandbox.json`; the interpreter starts in a
/// new session, behind `unshare --net --pid --fork --kill-child` when namespaces are available, with a
/// minimal environment (`PATH=/usr/bin:/bin`, `HOME` and `TMPDIR` the directory, `PYTHONHASHSEED=0`,
/// UTF-8 locale) and standard input from `/dev/null`; ``SandboxPreamble`` sets the limits and drops to the
/// run's user id before any of the program runs. At the deadline, or when the run ends, the whole process
/// group is killed; the directory is removed afterwards. See ``SandboxEnvironment`` for what each layer
/// contains.
///
/// `Sandbox` is a value: runs share nothing, any number may run at once (``ExecutionPool`` bounds how
/// many), and each call blocks its thread until its run has ended (use the `async` variants from tasks).
public struct Sandbox: Sendable {
    /// The layers and interpreter.
    public var environment: SandboxEnvironment
    /// The limits of each run.
    public var limits: SandboxLimits

    /// - Parameters:
    ///   - environment: from ``SandboxEnvironment/detect(_:)``.
    ///   - limits: default ``SandboxLimits/init(wallSeconds:cpuSeconds:memoryBytes:processes:fileBytes:openFiles:outputBytes:callSeconds:)``.
    public init(environment: SandboxEnvironment, limits: SandboxLimits = SandboxLimits()) {
        self.environment = environment
        self.limits = limits
    }

    /// Detects the environment for `options` (``SandboxEnvironment/detect(_:)``) and returns a sandbox.
    public static func detect(
        _ options: SandboxOptions = SandboxOptions(), limits: SandboxLimits = SandboxLimits()
    ) throws(CodeError) -> Sandbox {
        Sandbox(environment: try SandboxEnvironment.detect(options), limits: limits)
    }

    // MARK: - Runs

    /// Runs `program` (which contains its tests, e.g. ``CodeTask/testProgram(_:)``) and reports whether it
    /// ran to the end: `pass`; `fail` for an `AssertionError`; `error` for any other exception (syntax,
    /// `exit()`, `MemoryError`, a refused operation), a signal, or an end without report; `timeout` at the
    /// wall-clock or CPU limit.
    ///
    /// - Throws: ``CodeError`` only when the sandbox itself cannot run (no directory, no process); whatever
    ///   the program does is in the result.
    public func run(_ program: String) throws(CodeError) -> ExecutionResult {
        let raw = try launch(program: program, configuration: ["mode": "test"])
        var result = raw.result
        if result.status == .pass || result.message == nil {
            // The worker's own report decides between pass, fail and error.
            let report = raw.workerLines.last { $0["status"] != nil }
            switch report?["status"] as? String {
            case "pass"?:
                result.status = .pass
                result.message = nil
            case "fail"?:
                result.status = .fail
                result.message = report?["message"] as? String ?? "AssertionError"
            case "error"?:
                result.status = .error
                result.message = report?["message"] as? String ?? "error"
            default:
                result.status = .error
                result.message = "the program ended before its tests finished (\(raw.workerEnd))"
            }
        }
        return result
    }

    /// Runs `program` (a solution without tests) and calls each of `calls` on it, for
    /// ``ExecutionEquivalence``: the program's behaviour fingerprint.
    public func outputs(of program: String, calls: [CodeCall]) throws(CodeError) -> ProgramOutputs {
        let raw = try launch(
            program: program,
            configuration: [
                "mode": "outputs", "call_seconds": limits.callSeconds,
                "calls": calls.map { [$0.function, $0.arguments] },
            ])
        var outputs = Array(repeating: "timeout", count: calls.count)
        for line in raw.workerLines {
            if let load = line["load"] as? String {
                outputs = Array(repeating: "load:" + load, count: calls.count)
                break
            }
            if let index = line["i"] as? Int, let out = line["out"] as? String, outputs.indices.contains(index) {
                outputs[index] = out
            }
        }
        return ProgramOutputs(
            outputs: outputs, run: raw.result.status, message: raw.result.message, seconds: raw.result.seconds)
    }

    /// The calls of `functions` (test name → solution name) with literal arguments in `tests`, in source
    /// order without repeats; with `candidateTarget`, calls through the first parameter of a top-level
    /// `check` function (HumanEval's `candidate`) count as calls of that function. Parsed with Python's `ast`
    /// inside the sandbox.
    ///
    /// - Throws: ``CodeError/sandboxProtocol(detail:)`` when the tests do not parse.
    public func calls(
        in tests: String, functions: [String: String], candidateTarget: String? = nil, limit: Int = 200
    ) throws(CodeError) -> [CodeCall] {
        var configuration: [String: Any] = ["mode": "calls", "tests": tests, "functions": functions, "max_calls": limit]
        if let candidateTarget { configuration["candidate_target"] = candidateTarget }
        let raw = try launch(program: nil, configuration: configuration)
        guard let line = raw.workerLines.last(where: { $0["calls"] != nil }), let found = line["calls"] as? [[String]]
        else {
            let detail = raw.workerLines.last?["message"] as? String ?? raw.result.message ?? raw.result.stderr
            throw .sandboxProtocol(detail: "test inputs could not be read: \(detail)")
        }
        return found.compactMap { pair in pair.count == 2 ? CodeCall(function: pair[0], arguments: pair[1]) : nil }
    }

    /// ``run(_:)`` on a thread of its own, so that a task does not block a thread of the cooperative pool.
    public func run(_ program: String) async throws(CodeError) -> ExecutionResult {
        let sandbox = self
        return try await ExecutionPool.onThread { () throws(CodeError) in try sandbox.run(program) }
    }

    // MARK: - One run

    /// What one run produced, before the mode reads the worker's report.
    struct RawRun {
        /// Status from the outside view: timeout, signal, or pass meaning "ended normally, see the report".
        var result: ExecutionResult
        /// The worker's JSON lines (untrusted: the program can write there too).
        var workerLines: [[String: Any]]
        /// How the worker ended, for messages.
        var workerEnd: String
    }

    /// One run: directory, process, classification from the outside, cleanup.
    func launch(program: String?, configuration: [String: Any]) throws(CodeError) -> RawRun {
        let userID = environment.userIDs.map { UInt32.random(in: $0) }
        let directory = try makeDirectory(userID: userID)
        var raw: RawRun
        do {
            raw = try launch(program: program, configuration: configuration, in: directory, userID: userID)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        do {
            try FileManager.default.removeItem(atPath: directory)
        } catch {
            raw.result.cleanupFailure = "\(directory): \(error.localizedDescription)"
        }
        return raw
    }

    private func launch(
        program: String?, configuration: [String: Any], in directory: String, userID: UInt32?
    ) throws(CodeError) -> RawRun {
        var settings = configuration
        settings["limits"] = [
            "memory": limits.memoryBytes, "file": limits.fileBytes, "files": limits.openFiles,
            "processes": limits.processes, "cpu": max(1, limits.cpuSeconds),
        ]
        settings["guard"] = environment.auditGuard
        if let userID { settings["uid"] = Int(userID) }
        try write(program ?? "", to: directory + "/program.py", owner: userID)
        let json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: settings, options: [.sortedKeys])
        } catch {
            throw .workDirectory(path: directory, detail: "\(error)")
        }
        try write(String(decoding: json, as: UTF8.self), to: directory + "/sandbox.json", owner: userID)

        let command = environment.namespacePrefix + [environment.python, "-s", "-c", SandboxPreamble.source, directory]
        let outcome = try ChildProcess.run(
            executable: command[0], arguments: Array(command.dropFirst()),
            environment: [
                "PATH": "/usr/bin:/bin", "HOME": directory, "TMPDIR": directory, "PYTHONHASHSEED": "0",
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            ],
            caps: [limits.outputBytes, limits.outputBytes, 1 << 20, 1 << 16], wallSeconds: limits.wallSeconds)

        let workerLines = Self.jsonLines(outcome.streams[2].bytes)
        let supervisor = Self.jsonLines(outcome.streams[3].bytes).last
        var result = ExecutionResult(
            status: .pass, message: nil, seconds: outcome.seconds,
            cpuSeconds: supervisor?["cpu"] as? Double, maxResidentKilobytes: supervisor?["maxrss_kb"] as? Int,
            stdout: String(decoding: outcome.streams[0].bytes, as: UTF8.self),
            stderr: String(decoding: outcome.streams[1].bytes, as: UTF8.self),
            stdoutBytes: outcome.streams[0].total, stderrBytes: outcome.streams[1].total, cleanupFailure: nil)
        var workerEnd = "no report from the sandbox"
        if outcome.timedOut {
            result.status = .timeout
            result.message = "wall-clock limit of \(Self.seconds(limits.wallSeconds)) s reached"
        } else if let supervisor {
            if let signal = supervisor["signal"] as? Int {
                let cpu = supervisor["cpu"] as? Double ?? 0
                if signal == Int(SIGXCPU) || (signal == Int(SIGKILL) && cpu >= Double(limits.cpuSeconds) - 0.05) {
                    result.status = .timeout
                    result.message = "CPU time limit of \(limits.cpuSeconds) s reached"
                } else {
                    result.status = .error
                    result.message = "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
                }
            }
            if let code = supervisor["exit"] as? Int { workerEnd = "exit status \(code)" }
        } else {
            result.status = .error
            result.message = "the sandbox gave no report (\(Self.describe(waitStatus: outcome.waitStatus)))"
                + (result.stderr.isEmpty ? "" : ": " + Self.lastLine(result.stderr))
        }
        return RawRun(result: result, workerLines: workerLines, workerEnd: workerEnd)
    }

    /// A new private directory, owned by `userID` when given.
    private func makeDirectory(userID: UInt32?) throws(CodeError) -> String {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("quorum-exec-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .workDirectory(path: base, detail: String(cString: strerror(errno)))
        }
        let path = String(cString: made)
        if let userID, chown(path, userID, userID) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: path)
            throw .workDirectory(path: path, detail: "chown: \(String(cString: strerror(code)))")
        }
        return path
    }

    /// Writes `text` to a new file `path` (mode 0600) owned by `owner` when given.
    private func write(_ text: String, to path: String, owner: UInt32?) throws(CodeError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw .workDirectory(path: path, detail: "cannot create the file") }
        if let owner, chown(path, owner, owner) != 0 {
            throw .workDirectory(path: path, detail: "chown: \(String(cString: strerror(errno)))")
        }
    }

    /// The JSON objects among the lines of `bytes`; other lines are ignored (the channel is untrusted).
    static func jsonLines(_ bytes: [UInt8]) -> [[String: Any]] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func lastLine(_ text: String) -> String {
        String(text.split(separator: "\n").last ?? "").trimmingCharacters(in: .whitespaces)
    }

    static func describe(waitStatus status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exit status \((status >> 8) & 0xff)" }
        return "signal \(signal)"
    }

    static func signalName(_ signal: Int) -> String? {
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGKILL: "SIGKILL", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
            SIGILL: "SIGILL", SIGTERM: "SIGTERM", SIGXFSZ: "SIGXFSZ", SIGXCPU: "SIGXCPU", SIGPIPE: "SIGPIPE",
        ]
        return names[Int32(signal)]
    }
}
