import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The isolation layers a ``Sandbox`` actually uses on this machine, found by
/// ``detect(_:)``: which interpreter, whether namespaces and an own user id are available, whether the audit
/// guard is on. Resource limits (``SandboxLimits``) always apply.
///
/// What each layer contains, honestly:
///
/// | threat | contained by |
/// |---|---|
/// | infinite loop | wall-clock deadline (kill of the process group), `RLIMIT_CPU` |
/// | memory hog | `RLIMIT_AS` (a `MemoryError`) |
/// | fork bomb | `RLIMIT_NPROC` under an own user id (as root) or in a user namespace of its own (otherwise; Linux ≥ 5.14 counts processes per user namespace); the audit guard refuses `fork`; the PID namespace kills every leftover |
/// | flood of output | capture capped at ``SandboxLimits/outputBytes`` per stream (the rest is read and dropped), `RLIMIT_FSIZE` for files |
/// | network | a new network namespace (no interface but its own loopback); the audit guard refuses `connect`, `bind` and name lookups |
/// | writing outside the temporary directory | the own user id can write only where anyone can (`/tmp`, `/var/tmp`, `/dev/shm`); the audit guard refuses writes, removals and renames outside the working directory |
/// | processes left behind | the PID namespace dies with the run; without it, the process group is killed (a process that made itself a new session escapes) |
///
/// Without root and without user namespaces, only the resource limits, the deadline, the process-group
/// kill and the audit guard remain. The audit guard is a Python-level seatbelt that determined code can get
/// around (through a C extension module, for instance); ``description`` says which layers are on.
public struct SandboxEnvironment: Sendable, Hashable, CustomStringConvertible {
    /// The interpreter's absolute path.
    public var python: String
    /// Its version, e.g. `3.11.2`.
    public var pythonVersion: String
    /// The command put before the interpreter to enter new namespaces (`unshare …`), or empty.
    public var namespacePrefix: [String]
    /// The user ids runs are given, or `nil` when runs keep this process's user.
    public var userIDs: Range<UInt32>?
    /// Whether the audit guard is installed.
    public var auditGuard: Bool
    /// Interpreters tried and rejected during detection, with the reason.
    public var rejectedInterpreters: [String]

    /// Whether runs get new network and PID namespaces.
    public var usesNamespaces: Bool { !namespacePrefix.isEmpty }
    /// Whether runs get a user id of their own.
    public var dropsPrivileges: Bool { userIDs != nil }

    public init(
        python: String, pythonVersion: String, namespacePrefix: [String], userIDs: Range<UInt32>?,
        auditGuard: Bool, rejectedInterpreters: [String] = []
    ) {
        self.python = python
        self.pythonVersion = pythonVersion
        self.namespacePrefix = namespacePrefix
        self.userIDs = userIDs
        self.auditGuard = auditGuard
        self.rejectedInterpreters = rejectedInterpreters
    }

    public var description: String {
        var layers = ["rlimits", "wall-clock kill of the process group"]
        layers.append(usesNamespaces ? "network and PID namespaces" : "no namespaces (network reachable unless the guard refuses it)")
        if dropsPrivileges {
            layers.append("a user id of its own per run")
        } else if namespacePrefix.contains("--user") {
            layers.append("a user namespace of its own per run")
        } else {
            layers.append("this process's user id (RLIMIT_NPROC counts all its processes)")
        }
        layers.append(auditGuard ? "audit guard on" : "audit guard off")
        return "python \(python) (\(pythonVersion)); " + layers.joined(separator: "; ")
    }

    /// The program every candidate interpreter must pass inside the sandbox: it imports the modules HumanEval
    /// and MBPP solutions use, then prints where the interpreter really lives (a `pyenv` shim resolves to
    /// its interpreter).
    static let probeProgram = """
        import bisect, collections, copy, datetime, decimal, fractions, functools, hashlib, heapq, itertools
        import math, operator, random, re, statistics, string, sys, typing
        print(sys.executable)
        print("%d.%d.%d" % sys.version_info[:3])
        """

    /// The layers `options` ask for that this machine allows, and the first interpreter that runs the probe
    /// program inside them.
    ///
    /// - Throws: ``CodeError/layerUnavailable(layer:reason:)`` when a ``SandboxOptions/LayerPolicy/required``
    ///   layer is not available; ``CodeError/noUsableInterpreter(_:)`` when no candidate passes.
    public static func detect(_ options: SandboxOptions = SandboxOptions()) throws(CodeError) -> SandboxEnvironment {
        let isRoot = geteuid() == 0
        var userIDs: Range<UInt32>?
        switch options.dropPrivileges {
        case .off: userIDs = nil
        case .auto: userIDs = isRoot && !options.userIDs.isEmpty ? options.userIDs : nil
        case .required:
            guard isRoot else { throw .layerUnavailable(layer: "own user id", reason: "needs root (running as uid \(geteuid()))") }
            guard !options.userIDs.isEmpty else { throw .layerUnavailable(layer: "own user id", reason: "empty range of user ids") }
            userIDs = options.userIDs
        }

        var prefix: [String] = []
        if options.namespaces != .off {
            switch namespacePrefix(asRoot: isRoot) {
            case .success(let found): prefix = found
            case .failure(let reason):
                if options.namespaces == .required { throw reason }
            }
        }

        var candidates: [String] = []
        if let python = options.python {
            candidates = [python]
        } else {
            candidates = ["python3", "/usr/bin/python3", "/usr/local/bin/python3"]
        }
        var rejected: [String] = []
        var tried = Set<String>()
        var queue = candidates.compactMap { name -> String? in
            guard let path = executablePath(name) else {
                rejected.append("\(name): not found")
                return nil
            }
            return path
        }
        while !queue.isEmpty {
            let path = queue.removeFirst()
            guard tried.insert(path).inserted else { continue }
            let environment = SandboxEnvironment(
                python: path, pythonVersion: "?", namespacePrefix: prefix, userIDs: userIDs,
                auditGuard: options.auditGuard)
            let result: ExecutionResult
            do {
                result = try Sandbox(environment: environment, limits: SandboxLimits().withTimeLimit(20)).run(probeProgram)
            } catch {
                rejected.append("\(path): \(error)")
                continue
            }
            guard result.passed else {
                rejected.append("\(path): \(result.status.rawValue): \(result.message ?? "")")
                continue
            }
            let lines = result.stdout.split(separator: "\n").map(String.init)
            guard lines.count >= 2 else {
                rejected.append("\(path): the probe printed \(result.stdout.debugDescription)")
                continue
            }
            let real = lines[0]
            if real != path, real.hasPrefix("/"), !tried.contains(real) {
                // A launcher (a pyenv shim): prefer the interpreter itself, if it passes too.
                queue.insert(real, at: 0)
                queue.insert(path, at: 1)
                tried.remove(path)
                rejected.append("\(path): launches \(real); trying that first")
                continue
            }
            var found = environment
            found.pythonVersion = lines[1]
            found.rejectedInterpreters = rejected
            return found
        }
        throw .noUsableInterpreter(rejected)
    }

    /// `unshare` with new network and PID namespaces, if it works here (tried with `/bin/sh -c 'exit 0'`).
    static func namespacePrefix(asRoot: Bool) -> Result<[String], CodeError> {
        guard let unshare = executablePath("unshare") else {
            return .failure(.layerUnavailable(layer: "namespaces", reason: "no 'unshare' command (util-linux)"))
        }
        let prefix = [unshare] + (asRoot ? [] : ["--user", "--map-root-user"]) + ["--net", "--pid", "--fork", "--kill-child"]
        do {
            let outcome = try ChildProcess.run(
                executable: prefix[0], arguments: Array(prefix.dropFirst()) + ["/bin/sh", "-c", "exit 0"],
                environment: ["PATH": "/usr/bin:/bin"], caps: [4096, 4096, 0, 0], wallSeconds: 10)
            guard !outcome.timedOut, outcome.waitStatus == 0 else {
                let message = String(decoding: outcome.streams[1].bytes, as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(.layerUnavailable(layer: "namespaces", reason: "'\(prefix.joined(separator: " "))' failed: \(message)"))
            }
        } catch {
            return .failure(error)
        }
        return .success(prefix)
    }

    /// `name` if it is a path to an executable file, else the first executable `name` in `PATH`; resolved
    /// to an absolute path without symbolic links in the directories (the file itself keeps its name, so a
    /// `python3` link stays `python3`).
    static func executablePath(_ name: String) -> String? {
        let manager = FileManager.default
        if name.contains("/") {
            let absolute = URL(fileURLWithPath: name).standardizedFileURL.path
            return manager.isExecutableFile(atPath: absolute) ? absolute : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name).path
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
