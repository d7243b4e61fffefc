/// The trusted Python code that starts every sandboxed run: `python3 -s -c PREAMBLE DIR`.
///
/// `DIR` holds `sandbox.json` (mode, limits, user ids, guard: nothing secret), `tests.json` (the task's
/// tests or test inputs; owned by root and mode 0600 when the sandbox runs as root) and `run/` (the
/// solution's working directory with `program.py`, owned by the solution's user id).
///
/// **Who decides the verdict.** A candidate program must never be able to grade itself, so it never runs in
/// the process that runs the tests:
///
/// - the **supervisor** (the process started) reads `sandbox.json`, makes itself undumpable (no ptrace, no
///   `/proc/PID/fd|mem` for processes of the same user), starts the tests' process, waits until it has read
///   and deleted `tests.json`, then starts the solution's process; it waits for both and reports how each
///   ended on descriptor 4: `{"tester": END, "worker": END, "dumpable": false}` with END
///   `{"exit": N | "signal": N, "cpu": SECONDS, "maxrss_kb": N}`.
/// - the **tests' process** (user id of its own as root; undumpable) holds the verdict channel, descriptor
///   3. It runs the task's tests — HumanEval's prompt (for its helper functions), `check` and
///   `check(ENTRY_POINT)`, or MBPP's setup code and assert lines — against *proxies* of the solution's
///   functions, and writes the verdict `{"status": "pass" | "fail" | "error", "message": …}` (mode `test`) or
///   one `{"i": N, "out": FINGERPRINT}` per call (mode `outputs`).
/// - the **solution's process** (another user id as root) closes descriptors 3 and 4 and everything of the
///   tests' before any of its code runs, sets the limits (soft = hard), drops its user id, installs the
///   audit guard when asked, defines `program.py` as module `__quorum_program__` (so
///   `if __name__ == "__main__":` blocks do not run), and then only answers requests: call a function,
///   get or set an attribute of an object of its own, iterate, `len`, `str`.
///
/// Values cross as tagged JSON (``values``): the tests receive plain data (ints, floats, strings, lists,
/// tuples, dicts, sets, …), never an object of the solution's whose `__eq__` or `__bool__` could decide a
/// test; other objects stay in the solution's process behind handles (MBPP's `Node` and `Pair` classes)
/// whose equality is identity. A list, dict, set or bytearray argument that the solution mutates is updated
/// in the tests' process after the call. Whatever the solution writes on its channel is at most what its
/// functions returned: it cannot write the verdict, read the tests (they were read and deleted before it
/// started), or reach the tests' process.
///
/// Modes (`sandbox.json` key `mode`): `test` and `outputs` as above; `calls` (the tests' process alone:
/// parse the tests with `ast` and report `{"calls": [[name, "(args, kwargs)"], …]}`, every call of a
/// function in `functions` whose arguments are all literals); `program` (a program without tests in one
/// process, reporting its own end on descriptor 3: it decides nothing about any other program).
///
/// Kept in Python because the program is Python: `resource`, `ast` and `sys.addaudithook` do exactly what is
/// needed, and running it before the program means nothing of the program runs without the limits.
enum SandboxPreamble {
    /// The whole preamble.
    static let source = [common, values, solution, tests, program, supervisor].joined(separator: "\n")
}
