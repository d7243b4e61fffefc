import QuorumCore

/// How one sandboxed run of a program ended, with what it printed.
public struct ExecutionResult: Sendable, Hashable {
    /// Pass, fail, timeout or error.
    public var status: ExecutionStatus
    /// Why it did not pass (one line; `nil` for a pass): the failed assertion or the exception with the
    /// line of `program.py` where it happened, the limit reached, or the signal.
    public var message: String?
    /// Wall-clock seconds from start to end, interpreter start-up included.
    public var seconds: Double
    /// CPU seconds the program used, when the sandbox could measure them.
    public var cpuSeconds: Double?
    /// Peak resident memory of the program in KiB, when measured.
    public var maxResidentKilobytes: Int?
    /// The first ``SandboxLimits/outputBytes`` of standard output (invalid UTF-8 replaced).
    public var stdout: String
    /// The first ``SandboxLimits/outputBytes`` of standard error (tracebacks land here).
    public var stderr: String
    /// Bytes written to standard output in all (more than kept when truncated).
    public var stdoutBytes: Int
    /// Bytes written to standard error in all.
    public var stderrBytes: Int
    /// Set when the temporary directory could not be removed afterwards (the path and the reason).
    public var cleanupFailure: String?

    /// The record for `paths.jsonl`: status, message and seconds.
    public var record: ExecutionRecord {
        ExecutionRecord(status: status, message: message, seconds: seconds)
    }

    /// Whether the program passed its tests.
    public var passed: Bool { status == .pass }
}

/// A call of a tested function with literal arguments, taken from a task's tests: the inputs on which
/// ``ExecutionEquivalence`` compares programs.
public struct CodeCall: Sendable, Hashable, Codable {
    /// The function of the solution to call.
    public var function: String
    /// The arguments as a Python literal `((positional, …), {keyword: value, …})`, the source text of the
    /// test's own argument expressions.
    public var arguments: String

    public init(function: String, arguments: String) {
        self.function = function
        self.arguments = arguments
    }
}

/// What a program returned for each of a list of calls: its behaviour fingerprint.
///
/// Each entry is one of `value:CANONICAL` (the canonical text of the returned value, when at most 64
/// characters) or `sha256:HEX` (its digest otherwise); `raise:EXCEPTION` (the exception's type name);
/// `timeout` (the call took longer than ``SandboxLimits/callSeconds``, or the run ended before it);
/// `missing:NAME` (the program does not define the function); `load:EXCEPTION` (the program itself raised
/// while being defined, for every call). The canonical text writes floats with 9 significant digits
/// (integral floats as integers, so `2.0` and `2` agree, as they do under `==`), sets and dict items sorted,
/// and lists, tuples, strings and other objects as themselves (an object whose `repr` shows its address
/// never agrees with another).
public struct ProgramOutputs: Sendable, Hashable {
    /// One entry per call, in the calls' order.
    public var outputs: [String]
    /// How the run ended (a `timeout` or `error` means some entries may be `timeout`).
    public var run: ExecutionStatus
    /// Why the run did not end normally, when it did not.
    public var message: String?
    /// Wall-clock seconds of the run.
    public var seconds: Double
}
