import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs Python programs and their tests in a sandbox, one fresh set of processes and directory per run.
///
/// A run: a new directory `quorum-exec-XXXXXX` in the system's temporary directory receives
/// `sandbox.json` (mode, limits, user ids), `tests.json` (the tests, or test inputs) and `run/program.py`
/// (the solution, in the solution's own working directory). The supervisor (``SandboxPreamble``) starts
/// inside the OS boundary of ``SandboxEnvironment`` (bubblewrap by default), with a minimal environment
/// (`PATH=/usr/bin:/bin`, `HOME` and `TMPDIR` the solution's directory, `PYTHONHASHSEED=0`, UTF-8 locale)
/// and standard input from `/dev/null`. It starts the tests' process, which reads and deletes `tests.json`
/// and holds the verdict channel, then the solution's process, which sets the limits, drops to its user id
/// and only answers the tests' calls. At the deadline, or when the run ends, everything is killed; the
/// directory is removed afterwards.
///
/// `Sandbox` is a value: runs share nothing, any number may run at once (``ExecutionPool`` bounds how
/// many), and each call blocks its thread until its run has ended (use the `async` variants from tasks).
public struct Sandbox: Sendable {
    /// The layers and interpreter.
    public var environment: SandboxEnvironment
    /// The limits of each run.
    public var limits: SandboxLimits

    /// - Parameters:
    ///   - environment: from ``SandboxEnvironment/detect(_:)``.
    ///   - limits: default ``SandboxLimits/init(wallSeconds:cpuSeconds:memoryBytes:processes:fileBytes:openFiles:outputBytes:callSeconds:)``.
    public init(environment: SandboxEnvironment, limits: SandboxLimits = SandboxLimits()) {
        self.environment = environment
        self.limits = limits
    }

    /// Detects the environment for `options` (``SandboxEnvironment/detect(_:)``) and returns a sandbox.
    public static func detect(
        _ options: SandboxOptions = SandboxOptions(), limits: SandboxLimits = SandboxLimits()
    ) throws(CodeError) -> Sandbox {
        Sandbox(environment: try SandboxEnvironment.detect(options), limits: limits)
    }

    // MARK: - Runs

    /// Runs `test`: the solution in one process, its tests in another that alone writes the verdict —
    /// `pass` when every test passed; `fail` for an `AssertionError` of the tests (with the line of
    /// `tests.py` it came from); `error` when the solution could not be defined, raised where the tests did
    /// not expect it, ended or broke the protocol before the tests finished, or a signal ended it;
    /// `timeout` at the wall-clock or CPU limit.
    ///
    /// Nothing the solution prints, writes or returns can make its verdict `pass` but passing its tests.
    ///
    /// - Throws: ``CodeError`` only when the sandbox itself cannot run (no directory, no process); whatever
    ///   the program does is in the result.
    public func run(_ test: CodeTest) throws(CodeError) -> ExecutionResult {
        let raw = try launch(mode: "test", program: test.solution, tests: test.specification)
        var result = raw.result
        let verdict = raw.verdictLines.last { $0["status"] is String }
        let status = verdict?["status"] as? String
        let message = verdict?["message"] as? String
        if status == "pass" {
            result.status = .pass
            result.message = nil
        } else if status == "fail" {
            result.status = .fail
            result.message = message ?? "AssertionError"
        } else if let limit = raw.outsideLimit {
            result.status = .timeout
            result.message = limit
        } else if status == "error" {
            result.status = .error
            result.message = (verdict?["ended"] as? Bool == true ? raw.worker.map(Self.solutionEnded) : nil) ?? message ?? "error"
        } else {
            result.status = .error
            result.message = raw.tester.map { "the tests' process \($0.text) without a verdict" }
                ?? "the sandbox gave no report (\(raw.waitText))" + (result.stderr.isEmpty ? "" : ": " + Self.lastLine(result.stderr))
        }
        return result
    }

    /// Runs `program` alone (no tests) and reports whether it ran to the end: `pass` when it did (exit
    /// status 0); `fail` for an `AssertionError`; `error` for any other exception (syntax, `exit()`,
    /// `MemoryError`, a refused operation), another exit status, or a signal; `timeout` at the wall-clock or
    /// CPU limit. The result is the program's own: use ``run(_:)-(CodeTest)`` to judge a solution.
    ///
    /// - Throws: ``CodeError`` only when the sandbox itself cannot run.
    public func run(_ program: String) throws(CodeError) -> ExecutionResult {
        let raw = try launch(mode: "program", program: program, tests: nil)
        var result = raw.result
        let report = raw.verdictLines.last { $0["status"] is String }
        let message = report?["message"] as? String
        if let limit = raw.outsideLimit {
            result.status = .timeout
            result.message = limit
        } else if let worker = raw.worker {
            switch worker.exit {
            case 0?:
                result.status = .pass
                result.message = nil
            case 1?:
                result.status = .fail
                result.message = report?["status"] as? String == "fail" ? message ?? "AssertionError" : "AssertionError"
            case 2? where report?["status"] as? String == "error":
                result.status = .error
                result.message = message ?? "error"
            default:
                result.status = .error
                result.message = "the program \(worker.text)"
            }
        } else {
            result.status = .error
            result.message = "the sandbox gave no report (\(raw.waitText))" + (result.stderr.isEmpty ? "" : ": " + Self.lastLine(result.stderr))
        }
        return result
    }

    /// Runs `program` (a solution without tests) and calls each of `calls` on it from the tests' process,
    /// for ``ExecutionEquivalence``: the program's behaviour fingerprint.
    public func outputs(of program: String, calls: [CodeCall]) throws(CodeError) -> ProgramOutputs {
        let raw = try launch(
            mode: "outputs", program: program,
            tests: ["call_seconds": limits.callSeconds, "calls": calls.map { [$0.function, $0.arguments] }])
        var outputs = Array(repeating: "timeout", count: calls.count)
        for line in raw.verdictLines {
            if let load = line["load"] as? String {
                outputs = Array(repeating: "load:" + load, count: calls.count)
                break
            }
            if let index = line["i"] as? Int, let out = line["out"] as? String, outputs.indices.contains(index) {
                outputs[index] = out
            }
        }
        var run = raw.result
        if let limit = raw.outsideLimit {
            run.status = .timeout
            run.message = limit
        } else if let tester = raw.tester, tester.exit != 0 {
            run.status = .error
            run.message = "the tests' process \(tester.text)"
        } else if raw.tester == nil {
            run.status = .error
            run.message = "the sandbox gave no report (\(raw.waitText))"
        }
        return ProgramOutputs(outputs: outputs, run: run.status, message: run.message, seconds: run.seconds)
    }

    /// The calls of `functions` (test name → solution name) with literal arguments in `tests`, in source
    /// order without repeats; with `candidateTarget`, calls through the first parameter of a top-level
    /// `check` function (HumanEval's `candidate`) count as calls of that function. Parsed with Python's `ast`
    /// inside the sandbox (by the tests' process alone: no program runs).
    ///
    /// - Throws: ``CodeError/sandboxProtocol(detail:)`` when the tests do not parse.
    public func calls(
        in tests: String, functions: [String: String], candidateTarget: String? = nil, limit: Int = 200
    ) throws(CodeError) -> [CodeCall] {
        var specification: [String: Any] = ["tests": tests, "functions": functions, "max_calls": limit]
        if let candidateTarget { specification["candidate_target"] = candidateTarget }
        let raw = try launch(mode: "calls", program: nil, tests: specification)
        guard let line = raw.verdictLines.last(where: { $0["calls"] != nil }), let found = line["calls"] as? [[String]]
        else {
            let detail = raw.result.stderr.isEmpty ? raw.outsideLimit ?? raw.waitText : Self.lastLine(raw.result.stderr)
            throw .sandboxProtocol(detail: "test inputs could not be read: \(detail)")
        }
        return found.compactMap { pair in pair.count == 2 ? CodeCall(function: pair[0], arguments: pair[1]) : nil }
    }

    /// ``run(_:)-(CodeTest)`` on a thread of its own, so that a task does not block a thread of the
    /// cooperative pool.
    public func run(_ test: CodeTest) async throws(CodeError) -> ExecutionResult {
        let sandbox = self
        return try await ExecutionPool.onThread { () throws(CodeError) in try sandbox.run(test) }
    }

    /// ``run(_:)-(String)`` on a thread of its own.
    public func run(_ program: String) async throws(CodeError) -> ExecutionResult {
        let sandbox = self
        return try await ExecutionPool.onThread { () throws(CodeError) in try sandbox.run(program) }
    }

    /// The message of a run whose solution ended while the tests still called it.
    static func solutionEnded(_ end: ProcessEnd) -> String {
        "the solution's process \(end.text) before its tests finished"
    }
}
