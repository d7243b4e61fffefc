import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The isolation layers a ``Sandbox`` actually uses on this machine, found by ``detect(_:)``: which
/// interpreter, which OS boundary (``SandboxOptions/Isolation``), whether the tests and the solution get
/// user ids of their own, whether the audit guard is on. Resource limits (``SandboxLimits``) always apply.
///
/// **The verdict.** Whatever the layers, the tests run in a process of their own that alone holds the
/// verdict channel; the solution's process answers their calls with plain values (see ``SandboxPreamble``).
/// A solution cannot write its verdict, read the tests, or change them.
///
/// What each layer contains, with bubblewrap (the default) as root:
///
/// | threat | contained by |
/// |---|---|
/// | grading itself `pass` | tests and verdict in another process (another user id, undumpable); the solution's descriptors 3 and 4 are closed before its code runs; `tests.json` is read and deleted before it starts |
/// | infinite loop | wall-clock deadline (kill of the process group and the namespaces), `RLIMIT_CPU` |
/// | memory hog | `RLIMIT_AS` (a `MemoryError`) |
/// | fork bomb | `RLIMIT_NPROC` under an own user id (as root) or in a user namespace of its own; the audit guard refuses `fork`; the PID namespace kills every leftover |
/// | flood of output | capture capped at ``SandboxLimits/outputBytes`` per stream (the rest is read and dropped), `RLIMIT_FSIZE` for files, size-capped tmpfs |
/// | network | a network namespace of its own (only its own loopback; abstract UNIX sockets are per namespace) |
/// | files that persist, host files, filesystem sockets | a mount namespace: `/usr` read-only, empty tmpfs `/tmp`, `/var/tmp`, `/dev/shm` that vanish with the run, no `/home`, `/root`, `/etc`, `/run` |
/// | seeing other processes | its own `/proc` in a PID namespace: the run's processes only |
/// | processes left behind | the PID namespace dies with the run |
///
/// With ``SandboxOptions/Isolation/namespaces`` the network and PID namespaces remain but the host's
/// filesystem, `/proc` and `/tmp` are visible; with ``SandboxOptions/Isolation/none`` only the limits, the
/// deadline, the process-group kill, own user ids (as root) and the audit guard remain. The audit guard is
/// a Python-level seatbelt that determined code can get around; ``description`` says which layers are on.
public struct SandboxEnvironment: Sendable, Hashable, CustomStringConvertible {
    /// The interpreter's absolute path.
    public var python: String
    /// Its version, e.g. `3.11.2`.
    public var pythonVersion: String
    /// The OS boundary of every run.
    public var isolation: SandboxOptions.Isolation
    /// The `bwrap` executable (``SandboxOptions/Isolation/bubblewrap``).
    public var bubblewrap: String?
    /// The `unshare` command put before the interpreter (``SandboxOptions/Isolation/namespaces``).
    public var namespacePrefix: [String]
    /// The user ids runs are given (two distinct ones per run), or `nil` when runs keep this process's user.
    public var userIDs: Range<UInt32>?
    /// Whether the audit guard is installed.
    public var auditGuard: Bool
    /// The boundary that was asked for, when it was stronger than ``isolation`` (`--unsafe-no-sandbox`).
    public var askedIsolation: SandboxOptions.Isolation?
    /// Interpreters tried and rejected during detection, with the reason.
    public var rejectedInterpreters: [String]

    /// Whether runs get new network and PID namespaces.
    public var usesNamespaces: Bool { isolation != .none }
    /// Whether runs get user ids of their own.
    public var dropsPrivileges: Bool { userIDs != nil }

    public init(
        python: String, pythonVersion: String, isolation: SandboxOptions.Isolation, bubblewrap: String? = nil,
        namespacePrefix: [String] = [], userIDs: Range<UInt32>?, auditGuard: Bool, rejectedInterpreters: [String] = []
    ) {
        self.python = python
        self.pythonVersion = pythonVersion
        self.isolation = isolation
        self.bubblewrap = bubblewrap
        self.namespacePrefix = namespacePrefix
        self.userIDs = userIDs
        self.auditGuard = auditGuard
        self.rejectedInterpreters = rejectedInterpreters
    }

    public var description: String {
        var layers = ["tests and verdict in a process of their own"]
        switch isolation {
        case .bubblewrap:
            layers.append("bubblewrap (mount, PID, network, IPC namespaces; own /proc; empty tmpfs /tmp, /var/tmp, /dev/shm; /usr read-only)")
        case .namespaces:
            layers.append("network and PID namespaces (host filesystem and /proc visible)")
        case .none:
            layers.append("no namespaces (network, host filesystem and /proc visible)")
        }
        if let askedIsolation {
            layers.append("UNSAFE: \(askedIsolation.rawValue) was asked for and is unavailable")
        }
        if dropsPrivileges {
            layers.append("user ids of their own per run")
        } else if isolation == .bubblewrap || namespacePrefix.contains("--user") {
            layers.append("a user namespace of its own per run")
        } else {
            layers.append("this process's user id (RLIMIT_NPROC counts all its processes)")
        }
        layers.append("rlimits")
        layers.append("wall-clock kill")
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
    /// - Throws: ``CodeError/layerUnavailable(layer:reason:)`` when the asked isolation is not available
    ///   (and ``SandboxOptions/allowFewerLayers`` is off) or a ``SandboxOptions/LayerPolicy/required``
    ///   layer is not; ``CodeError/noUsableInterpreter(_:)`` when no candidate passes.
    public static func detect(_ options: SandboxOptions = SandboxOptions()) throws(CodeError) -> SandboxEnvironment {
        let isRoot = geteuid() == 0
        var userIDs: Range<UInt32>?
        switch options.dropPrivileges {
        case .off: userIDs = nil
        case .auto: userIDs = isRoot && options.userIDs.count >= 2 ? options.userIDs : nil
        case .required:
            guard isRoot else { throw .layerUnavailable(layer: "own user ids", reason: "needs root (running as uid \(geteuid()))") }
            guard options.userIDs.count >= 2 else { throw .layerUnavailable(layer: "own user ids", reason: "fewer than two user ids in the range") }
            userIDs = options.userIDs
        }

        let layers = try isolationLayers(options, asRoot: isRoot)
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
            var environment = SandboxEnvironment(
                python: path, pythonVersion: "?", isolation: layers.isolation, bubblewrap: layers.bubblewrap,
                namespacePrefix: layers.namespacePrefix, userIDs: userIDs, auditGuard: options.auditGuard)
            environment.askedIsolation = layers.isolation < options.isolation ? options.isolation : nil
            let result: ExecutionResult
            do {
                result = try Sandbox(environment: environment, limits: SandboxLimits().withTimeLimit(20)).run(probeProgram)
            } catch {
                rejected.append("\(path): \(error)")
                continue
            }
            guard result.passed else {
                rejected.append("\(path): \(result.status.rawValue): \(result.message ?? "") \(lastLine(result.stderr))")
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
            environment.pythonVersion = lines[1]
            environment.rejectedInterpreters = rejected
            return environment
        }
        throw .noUsableInterpreter(rejected)
    }

    private static func lastLine(_ text: String) -> String {
        String(text.split(separator: "\n").last ?? "").trimmingCharacters(in: .whitespaces)
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
        for directory in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            let candidate = directory + "/" + name
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
