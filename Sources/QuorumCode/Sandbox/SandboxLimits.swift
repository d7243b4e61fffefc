/// How much one sandboxed run may use. Every limit applies to each run separately.
///
/// The limits are set with `setrlimit` in the sandboxed process before any of the program runs, with the
/// hard limit equal to the soft one, so that the program cannot raise them again.
public struct SandboxLimits: Sendable, Hashable, Codable {
    /// Wall-clock seconds from start to kill, interpreter start-up included (about 0.05–0.1 s); default 10.
    /// When reached, the whole process group (and PID namespace) is killed and the run is a `timeout`.
    public var wallSeconds: Double
    /// CPU seconds (`RLIMIT_CPU`, whole seconds, at least 1); default 10. Reaching it is a `timeout` too.
    public var cpuSeconds: Int
    /// Address space in bytes (`RLIMIT_AS`); default 1 GiB. A program that asks for more gets a
    /// `MemoryError`: an `error`.
    public var memoryBytes: Int
    /// Processes and threads of the sandbox's user (`RLIMIT_NPROC`); default 16. It bounds a fork bomb
    /// only where the sandbox runs under a user id or a user namespace of its own (see
    /// ``SandboxEnvironment``): the kernel never applies it to root, and otherwise it counts every process
    /// of the user.
    public var processes: Int
    /// Largest file the program may write, in bytes (`RLIMIT_FSIZE`); default 16 MiB.
    public var fileBytes: Int
    /// Open file descriptors (`RLIMIT_NOFILE`); default 64.
    public var openFiles: Int
    /// Bytes of standard output and of standard error kept, each (the rest is read and dropped, and the
    /// result says so); default 64 KiB.
    public var outputBytes: Int
    /// Seconds one function call may take when outputs are computed for execution equivalence
    /// (``Sandbox/outputs(of:calls:)``); default 2. The run as a whole still has ``wallSeconds``.
    public var callSeconds: Double

    /// - Parameters: see the properties; the defaults suit HumanEval and MBPP.
    public init(
        wallSeconds: Double = 10, cpuSeconds: Int = 10, memoryBytes: Int = 1 << 30, processes: Int = 16,
        fileBytes: Int = 16 << 20, openFiles: Int = 64, outputBytes: Int = 64 << 10, callSeconds: Double = 2
    ) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.processes = processes
        self.fileBytes = fileBytes
        self.openFiles = openFiles
        self.outputBytes = outputBytes
        self.callSeconds = callSeconds
    }

    /// The same limits with ``wallSeconds`` and ``cpuSeconds`` set to `seconds` (CPU rounded up).
    public func withTimeLimit(_ seconds: Double) -> SandboxLimits {
        var copy = self
        copy.wallSeconds = seconds
        copy.cpuSeconds = max(1, Int(seconds.rounded(.up)))
        return copy
    }
}
