import ArgumentParser
import Foundation
import QuorumHTTP
import QuorumRun

/// `--request-timeout`, `--connect-timeout` and `--wait-notice`: how long a command that talks to servers
/// waits for them, and how often it says what it is waiting on.
struct ServerTimeoutOptions: ParsableArguments {
    /// Default of `--request-timeout`, in seconds.
    static let defaultRequestTimeout = 300.0
    /// Default of `--connect-timeout`, in seconds.
    static let defaultConnectTimeout = 10.0
    /// Default of `--wait-notice`, in seconds.
    static let defaultWaitNotice = 30.0

    @Option(help: ArgumentHelp(
        "With servers: seconds one request may take, from sending it to the last byte of the answer (waiting in "
            + "the server's queue included). A request that times out is tried again, 5 attempts in all, so a "
            + "server that never answers fails the run after about 5 × this. (default: 300)",
        valueName: "seconds"))
    var requestTimeout: Double?

    @Option(help: ArgumentHelp(
        "With servers: seconds to wait for a connection to open (retried as above). (default: 10)",
        valueName: "seconds"))
    var connectTimeout: Double?

    @Option(help: ArgumentHelp(
        "With servers: every this many seconds, say on standard error which server a request is still waiting "
            + "on (\"waiting for URL (request N, 45 s; …)\"), even with --quiet; 0 turns it off. (default: 30)",
        valueName: "seconds"))
    var waitNotice: Double?

    /// Rejects values that cannot work; `usesServers` false rejects any of the flags (they would do nothing).
    func validate(usesServers: Bool) throws {
        for (flag, value) in [("--request-timeout", requestTimeout), ("--connect-timeout", connectTimeout)] {
            guard let value else { continue }
            if !(value > 0) || !value.isFinite { throw ValidationError("\(flag) must be a positive number of seconds, not \(value)") }
        }
        if let waitNotice, !(waitNotice >= 0) || !waitNotice.isFinite {
            throw ValidationError("--wait-notice must be 0 (off) or a positive number of seconds, not \(waitNotice)")
        }
        if !usesServers, requestTimeout != nil || connectTimeout != nil || waitNotice != nil {
            throw ValidationError(
                "--request-timeout, --connect-timeout and --wait-notice apply to servers (--model http://…, or "
                    + "--leader/--draft http://…)")
        }
    }

    /// The settings as values.
    var timeouts: ServerTimeouts {
        let notice = waitNotice ?? Self.defaultWaitNotice
        return ServerTimeouts(
            request: .milliseconds(Int64((requestTimeout ?? Self.defaultRequestTimeout) * 1000)),
            connect: .milliseconds(Int64((connectTimeout ?? Self.defaultConnectTimeout) * 1000)),
            waitNotice: notice > 0 ? .milliseconds(Int64(notice * 1000)) : nil, onWait: ServerTimeouts.report)
    }
}

extension ServerTimeouts {
    /// Writes a notice on its own line of standard error (clearing a progress line drawn there).
    static let report: @Sendable (WaitNotice) -> Void = { notice in
        let prefix = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data((prefix + "note: \(notice)\n").utf8))
    }
}
