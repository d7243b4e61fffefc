import ArgumentParser
import Foundation
import QuorumCode

/// The sandbox options shared by `quorum exec` and `quorum run`: each program's limits, how many run at once,
/// the interpreter, the boundary, and the explicit consent to fewer layers.
struct SandboxFlags: ParsableArguments {
    @Option(help: "Seconds each program may run against its tests (wall clock and CPU).")
    var timeout: Double = 10

    @Option(help: "Address-space limit of each program, in MiB.")
    var memory: Int = 1024

    @Option(help: "Programs run at once (default: the number of processors).")
    var jobs: Int?

    @Option(help: "The Python interpreter (default: python3 from PATH, then /usr/bin/python3, /usr/local/bin/python3; under bubblewrap it must live in /usr or in a prefix of its own, e.g. a venv).")
    var python: String?

    @Option(help: ArgumentHelp(
        "The OS boundary around each program: bubblewrap (own mount, PID and network namespaces, own /proc, empty /tmp, /usr read-only), namespaces (unshare: network and PID only), or none.",
        valueName: "layer"))
    var isolation: SandboxOptions.Isolation = .bubblewrap

    @Flag(help: "Run untrusted programs even when this machine cannot give the --isolation asked for (the strongest available is used and reported as UNSAFE). Without it, a missing layer is an error.")
    var unsafeNoSandbox = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if !(timeout > 0) { throw ValidationError("--timeout must be positive") }
        if memory < 64 { throw ValidationError("--memory must be at least 64 (MiB)") }
    }

    /// Each program's limits: `--memory` and `--timeout`.
    var limits: SandboxLimits { SandboxLimits(memoryBytes: memory << 20).withTimeLimit(timeout) }

    /// Programs run at once: `--jobs`, or the number of processors.
    var poolWidth: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    /// The options for ``Sandbox/detect(_:limits:)``.
    func options(auditGuard: Bool = true) -> SandboxOptions {
        SandboxOptions(python: python, isolation: isolation, allowFewerLayers: unsafeNoSandbox, auditGuard: auditGuard)
    }
}

extension SandboxOptions.Isolation: ExpressibleByArgument {}

/// The sandbox's layers, for `--help` texts.
enum SandboxHelp {
    static let layers = """
        Sandbox: each program runs under bubblewrap (new mount, PID, network, IPC and UTS namespaces; its \
        own /proc; empty size-capped tmpfs /tmp, /var/tmp, /dev/shm; /usr read-only; nothing else of the \
        host), with rlimits (CPU, address space, processes, file size, open files), a wall-clock kill, and, \
        as root, two user ids of its own: the tests run in one process, the solution in another that \
        answers their calls with plain values, so no program can write its own verdict. An audit hook \
        refuses process creation, sockets, ctypes and writes outside its directory (a seatbelt, not the \
        boundary). Without bubblewrap (apt-get install bubblewrap; `make deps` does it as root) programs \
        are refused unless --isolation namespaces|none or --unsafe-no-sandbox is given. The layers in use \
        are printed on standard error.
        """
}
