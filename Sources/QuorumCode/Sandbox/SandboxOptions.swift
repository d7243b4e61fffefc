/// Which isolation layers a ``Sandbox`` uses, and with which interpreter. ``SandboxEnvironment/detect(_:)``
/// turns options into the layers actually available on this machine, and refuses fewer than asked.
public struct SandboxOptions: Sendable, Hashable {
    /// Whether a layer is used.
    public enum LayerPolicy: String, Sendable, Hashable, CaseIterable {
        /// Used when this machine allows it (the default).
        case auto
        /// Used, and detection fails when this machine does not allow it.
        case required
        /// Not used.
        case off
    }

    /// The operating-system boundary around each run, strongest first.
    public enum Isolation: String, Sendable, Hashable, CaseIterable, Comparable {
        /// `bwrap` (bubblewrap): new mount, PID, network, IPC, UTS and cgroup namespaces; its own `/proc`
        /// (the run's processes only), a minimal `/dev`, empty size-capped tmpfs `/tmp`, `/var/tmp` and
        /// `/dev/shm`; `/usr` (and the interpreter's directory) read-only, the run's directory read-write,
        /// nothing else of the host's filesystem (no home, no `/etc`, no filesystem sockets). As root,
        /// every capability but `CAP_SETUID`, `CAP_SETGID` and `CAP_KILL` is dropped (the supervisor needs
        /// them to start the two processes under their own user ids); otherwise a user namespace too.
        case bubblewrap
        /// `unshare --net --pid --fork --kill-child` (with `--user --map-root-user` when not root): no
        /// network, and the run's processes die with it; the host's filesystem, `/proc` and `/tmp` stay
        /// visible.
        case namespaces
        /// No namespaces: resource limits, the deadline, the process-group kill, own user ids as root and
        /// the audit guard only.
        case none

        /// How many layers: `none` < `namespaces` < `bubblewrap`.
        var strength: Int {
            switch self {
            case .none: 0
            case .namespaces: 1
            case .bubblewrap: 2
            }
        }

        public static func < (a: Isolation, b: Isolation) -> Bool { a.strength < b.strength }
    }

    /// The Python interpreter, a path or a name looked up in `PATH`; `nil` tries `python3` from `PATH`,
    /// then `/usr/bin/python3` and `/usr/local/bin/python3`, and takes the first that runs a probe program
    /// inside the sandbox (an interpreter the sandbox cannot see or read fails it: under bubblewrap only
    /// `/usr` and, for an interpreter elsewhere, the directory above its `bin/` are visible).
    public var python: String?
    /// The boundary asked for; default ``Isolation/bubblewrap``.
    public var isolation: Isolation
    /// The `bwrap` executable, a path or a name looked up in `PATH` (then `/usr/bin`); default `bwrap`.
    public var bubblewrap: String
    /// Accept a weaker boundary than ``isolation`` when this machine cannot give it (the command line's
    /// `--unsafe-no-sandbox`): detection then takes the strongest available. Default `false`: detection
    /// fails with the reason and what to install.
    public var allowFewerLayers: Bool
    /// Run the tests and the solution under two user ids of their own (needs root): the solution can then
    /// neither signal nor read the tests' process, `RLIMIT_NPROC` bounds its processes (it never applies
    /// to root), and it can write only where any user can.
    public var dropPrivileges: LayerPolicy
    /// The user (and group) ids to choose from, two distinct ones at random per run; default
    /// `1_900_000_000..<1_901_000_000`, numbers that belong to no account on common systems.
    public var userIDs: Range<UInt32>
    /// A Python audit hook (`sys.addaudithook`) installed in the solution's process before its code runs
    /// that refuses process creation, signals, sockets, `ctypes`, `sqlite3`, shared memory, the garbage
    /// collector's object lists, and writing, removing or renaming files outside the working directory.
    /// Default on. It is a seatbelt against accidents, not a security boundary: the OS layers are.
    public var auditGuard: Bool

    public init(
        python: String? = nil, isolation: Isolation = .bubblewrap, bubblewrap: String = "bwrap", allowFewerLayers: Bool = false,
        dropPrivileges: LayerPolicy = .auto, userIDs: Range<UInt32> = 1_900_000_000..<1_901_000_000,
        auditGuard: Bool = true
    ) {
        self.python = python
        self.isolation = isolation
        self.bubblewrap = bubblewrap
        self.allowFewerLayers = allowFewerLayers
        self.dropPrivileges = dropPrivileges
        self.userIDs = userIDs
        self.auditGuard = auditGuard
    }
}
