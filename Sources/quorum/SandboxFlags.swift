import ArgumentParser
import QuorumCode

/// The sandbox options shared by `quorum exec` and `quorum run`: interpreter, boundary, and the explicit
/// consent to fewer layers.
struct SandboxFlags: ParsableArguments {
    @Option(help: "The Python interpreter (default: python3 from PATH, then /usr/bin/python3, /usr/local/bin/python3; under bubblewrap it must live in /usr or in a prefix of its own, e.g. a venv).")
    var python: String?

    @Option(help: ArgumentHelp(
        "The OS boundary around each program: bubblewrap (own mount, PID and network namespaces, own /proc, empty /tmp, /usr read-only), namespaces (unshare: network and PID only), or none.",
        valueName: "layer"))
    var isolation: SandboxOptions.Isolation = .bubblewrap

    @Flag(help: "Run untrusted programs even when this machine cannot give the --isolation asked for (the strongest available is used and reported as UNSAFE). Without it, a missing layer is an error.")
    var unsafeNoSandbox = false

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
