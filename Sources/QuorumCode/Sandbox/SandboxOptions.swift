/// Which isolation layers a ``Sandbox`` uses, and with which interpreter. ``SandboxEnvironment/detect(_:)``
/// turns options into the layers actually available on this machine.
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

    /// The Python interpreter, a path or a name looked up in `PATH`; `nil` tries `python3` from `PATH`,
    /// then `/usr/bin/python3` and `/usr/local/bin/python3`, and takes the first that runs a probe program
    /// inside the sandbox (an interpreter under a directory the sandbox user cannot read fails it).
    public var python: String?
    /// New network and PID namespaces (`unshare --net --pid --fork --kill-child`): no network interface but
    /// an isolated loopback, and every process of the run dies with it. Needs root, or unprivileged user
    /// namespaces (then `--user --map-root-user` is added).
    public var namespaces: LayerPolicy
    /// Run the program under a user id of its own (needs root): `RLIMIT_NPROC` then bounds the run's
    /// processes (it never applies to root), and the program can write only where any user can.
    public var dropPrivileges: LayerPolicy
    /// The user (and group) ids to choose from, one at random per run; default `1_900_000_000..<1_901_000_000`,
    /// numbers that belong to no account on common systems.
    public var userIDs: Range<UInt32>
    /// A Python audit hook (`sys.addaudithook`) installed before the program runs that refuses process
    /// creation, signals, sockets, `ctypes`, and writing, removing or renaming files outside the working
    /// directory. Default on. It is a seatbelt against accidents, not a security boundary.
    public var auditGuard: Bool

    public init(
        python: String? = nil, namespaces: LayerPolicy = .auto, dropPrivileges: LayerPolicy = .auto,
        userIDs: Range<UInt32> = 1_900_000_000..<1_901_000_000, auditGuard: Bool = true
    ) {
        self.python = python
        self.namespaces = namespaces
        self.dropPrivileges = dropPrivileges
        self.userIDs = userIDs
        self.auditGuard = auditGuard
    }
}
