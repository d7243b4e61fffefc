/// How running a program against its task's tests ended.
public enum ExecutionStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Every test ran and passed.
    case pass
    /// A test assertion failed (`AssertionError`).
    case fail
    /// The wall-clock or CPU time limit was reached; the program was killed.
    case timeout
    /// Anything else that stopped the tests: a syntax error, another exception, a resource limit, a signal,
    /// an early `exit()`.
    case error
}

/// The outcome of executing one path's program, as stored in the optional `execution` field of a
/// `paths.jsonl` record (see `docs/formats.md`).
public struct ExecutionRecord: Sendable, Codable, Hashable {
    /// How the run ended.
    public var status: ExecutionStatus
    /// A one-line explanation for every status but ``ExecutionStatus/pass`` (e.g.
    /// `"AssertionError at program.py:14: assert candidate([1, 2]) == 3"`); `nil` for a pass.
    public var message: String?
    /// Wall-clock seconds the run took, sandbox start-up included.
    public var seconds: Double?

    public init(status: ExecutionStatus, message: String? = nil, seconds: Double? = nil) {
        self.status = status
        self.message = message
        self.seconds = seconds
    }

    /// Whether the program passed its tests.
    public var passed: Bool { status == .pass }
}
