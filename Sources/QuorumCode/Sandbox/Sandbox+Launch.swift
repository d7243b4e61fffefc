import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one of the sandbox's processes ended, as the supervisor saw it.
struct ProcessEnd {
    var exit: Int?
    var signal: Int?
    var cpuSeconds: Double
    var maxResidentKilobytes: Int?

    init?(_ report: Any?) {
        guard let report = report as? [String: Any] else { return nil }
        exit = report["exit"] as? Int
        signal = report["signal"] as? Int
        guard exit != nil || signal != nil else { return nil }
        cpuSeconds = report["cpu"] as? Double ?? 0
        maxResidentKilobytes = report["maxrss_kb"] as? Int
    }

    /// "exited with status N" or "was killed by signal N (NAME)".
    var text: String {
        if let signal { return "was killed by signal \(signal)\(Sandbox.signalName(signal).map { " (\($0))" } ?? "")" }
        return "exited with status \(exit ?? -1)"
    }

    /// Whether it ended at the CPU limit (`SIGXCPU` at the soft limit, `SIGKILL` at the hard one).
    func reachedCPULimit(_ seconds: Int) -> Bool {
        signal == Int(SIGXCPU) || (signal == Int(SIGKILL) && cpuSeconds >= Double(seconds) - 0.05)
    }
}

extension Sandbox {
    /// What one run produced, before the mode reads its lines.
    struct RawRun {
        /// Times, resources and output; the status is decided by the mode.
        var result: ExecutionResult
        /// The JSON lines of descriptor 3: the tests' process's (trusted) in modes `test`, `outputs` and
        /// `calls`; the program's own in mode `program`.
        var verdictLines: [[String: Any]]
        /// How the tests' process ended.
        var tester: ProcessEnd?
        /// How the solution's process ended.
        var worker: ProcessEnd?
        /// The limit reached, seen from outside (wall clock, CPU), if any.
        var outsideLimit: String?
        /// The wait status of the sandbox's first process, for messages.
        var waitText: String
    }

    /// One run: directory, processes, the supervisor's report, cleanup.
    func launch(mode: String, program: String?, tests: [String: Any]?) throws(CodeError) -> RawRun {
        var testerID: UInt32?
        var workerID: UInt32?
        if let range = environment.userIDs, range.count >= 2 {
            let tester = UInt32.random(in: range)
            var worker = UInt32.random(in: range)
            while worker == tester { worker = UInt32.random(in: range) }
            (testerID, workerID) = (tester, worker)
        }
        let directory = try makeDirectory(mode: geteuid() == 0 ? 0o711 : 0o700)
        var raw: RawRun
        do {
            try populate(directory, mode: mode, program: program, tests: tests, testerID: testerID, workerID: workerID)
            raw = try start(in: directory)
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

    /// `sandbox.json` and `tests.json` (this process's, mode 0600) and `run/program.py` (the solution's).
    private func populate(
        _ directory: String, mode: String, program: String?, tests: [String: Any]?, testerID: UInt32?, workerID: UInt32?
    ) throws(CodeError) {
        var settings: [String: Any] = ["mode": mode, "guard": environment.auditGuard]
        settings["limits"] = [
            "memory": limits.memoryBytes, "file": limits.fileBytes, "files": limits.openFiles,
            "processes": limits.processes, "cpu": max(1, limits.cpuSeconds),
        ]
        if let testerID { settings["tester_uid"] = Int(testerID) }
        if let workerID { settings["worker_uid"] = Int(workerID) }
        try write(json: settings, to: directory + "/sandbox.json")
        if let tests { try write(json: tests, to: directory + "/tests.json") }
        let run = directory + "/run"
        guard mkdir(run, 0o700) == 0 else { throw .workDirectory(path: run, detail: String(cString: strerror(errno))) }
        if let workerID, chown(run, workerID, workerID) != 0 {
            throw .workDirectory(path: run, detail: "chown: \(String(cString: strerror(errno)))")
        }
        try write(Data((program ?? "").utf8), to: run + "/program.py", owner: workerID)
    }

    /// Starts the supervisor and reads its report.
    private func start(in directory: String) throws(CodeError) -> RawRun {
        let command = environment.command(directory: directory, tmpfsBytes: max(limits.fileBytes, 1 << 20) * 2)
        let home = directory + "/run"
        let outcome = try ChildProcess.run(
            executable: command[0], arguments: Array(command.dropFirst()),
            environment: [
                "PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "PYTHONHASHSEED": "0",
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            ],
            caps: [limits.outputBytes, limits.outputBytes, 4 << 20, 1 << 16], wallSeconds: limits.wallSeconds)

        let report = Self.jsonLines(outcome.streams[3].bytes).last
        let tester = ProcessEnd(report?["tester"])
        let worker = ProcessEnd(report?["worker"])
        var outsideLimit: String?
        if outcome.timedOut {
            outsideLimit = "wall-clock limit of \(Self.seconds(limits.wallSeconds)) s reached"
        } else if [tester, worker].contains(where: { $0?.reachedCPULimit(max(1, limits.cpuSeconds)) == true }) {
            outsideLimit = "CPU time limit of \(max(1, limits.cpuSeconds)) s reached"
        }
        let result = ExecutionResult(
            status: .error, message: nil, seconds: outcome.seconds,
            cpuSeconds: worker?.cpuSeconds ?? tester?.cpuSeconds,
            maxResidentKilobytes: worker?.maxResidentKilobytes ?? tester?.maxResidentKilobytes,
            stdout: String(decoding: outcome.streams[0].bytes, as: UTF8.self),
            stderr: String(decoding: outcome.streams[1].bytes, as: UTF8.self),
            stdoutBytes: outcome.streams[0].total, stderrBytes: outcome.streams[1].total, cleanupFailure: nil)
        return RawRun(
            result: result, verdictLines: Self.jsonLines(outcome.streams[2].bytes), tester: tester, worker: worker,
            outsideLimit: outsideLimit, waitText: Self.describe(waitStatus: outcome.waitStatus))
    }

    /// A new private directory.
    private func makeDirectory(mode: mode_t) throws(CodeError) -> String {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("quorum-exec-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .workDirectory(path: base, detail: String(cString: strerror(errno)))
        }
        let path = String(cString: made)
        if chmod(path, mode) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: path)
            throw .workDirectory(path: path, detail: "chmod: \(String(cString: strerror(code)))")
        }
        return path
    }

    private func write(json object: [String: Any], to path: String) throws(CodeError) {
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        } catch {
            throw .workDirectory(path: path, detail: "\(error)")
        }
        try write(data, to: path, owner: nil)
    }

    /// Writes `data` to a new file `path` (mode 0600) owned by `owner` when given.
    private func write(_ data: Data, to path: String, owner: UInt32?) throws(CodeError) {
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw .workDirectory(path: path, detail: "cannot create the file") }
        if let owner, chown(path, owner, owner) != 0 {
            throw .workDirectory(path: path, detail: "chown: \(String(cString: strerror(errno)))")
        }
    }

    /// The JSON objects among the lines of `bytes`; other lines are ignored.
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
