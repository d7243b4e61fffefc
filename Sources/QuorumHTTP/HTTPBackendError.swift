/// Why the HTTP backend could not produce completions. Every case that involves a server names the endpoint;
/// cases after a server answered carry its status and the start of its body.
public enum HTTPBackendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An endpoint URL could not be used.
    case invalidEndpoint(String, reason: String)
    /// The request has an out-of-range parameter (checked before anything is sent).
    case invalidRequest(reason: String)
    /// The server answered with a non-success status (after `attempts` tries when it was retriable).
    case httpStatus(endpoint: String, status: Int, body: String, attempts: Int)
    /// The server asked to wait longer (`Retry-After`) than the configured limit allows.
    case retryAfterTooLong(endpoint: String, status: Int, seconds: Double, limit: Double, attempts: Int)
    /// The connection failed: refused, reset, closed early or a truncated body (after `attempts` tries).
    case transport(endpoint: String, reason: String, attempts: Int)
    /// No complete answer within the per-request deadline (after `attempts` tries).
    case timedOut(endpoint: String, seconds: Double, attempts: Int)
    /// The answer was not the JSON the API defines; `path` says where (e.g. `choices[0].logprobs.content[3]`).
    case malformedResponse(endpoint: String, path: String, reason: String, body: String)
    /// The answer was larger than the configured limit.
    case responseTooLarge(endpoint: String, limit: Int)
    /// The server returned fewer completions than requested and no way to get the rest was left.
    case missingCompletions(endpoint: String, requested: Int, received: Int)
    /// `/v1/models` listed no model, or several and none was chosen.
    case modelDiscovery(endpoint: String, reason: String)
    /// A server's answer that a decoder over HTTP (FoReaL, AdaDec; `Decoding/`) cannot continue from: a
    /// completion without log-probabilities, another number of completions than asked, a finish reason it
    /// cannot read. The run layer reports it as its own `serverAnswer` error, with this description.
    case unusableAnswer(endpoint: String, reason: String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let url, let reason):
            "endpoint '\(url)': \(reason)"
        case .invalidRequest(let reason):
            "invalid completion request: \(reason)"
        case .httpStatus(let endpoint, let status, let body, let attempts):
            "\(endpoint): HTTP \(status)\(Self.after(attempts)): \(body.isEmpty ? "(empty body)" : body)"
        case .retryAfterTooLong(let endpoint, let status, let seconds, let limit, let attempts):
            "\(endpoint): HTTP \(status)\(Self.after(attempts)) with Retry-After \(Self.format(seconds)) s, "
                + "longer than the allowed \(Self.format(limit)) s"
        case .transport(let endpoint, let reason, let attempts):
            "\(endpoint): connection failed\(Self.after(attempts)): \(reason)"
        case .timedOut(let endpoint, let seconds, let attempts):
            "\(endpoint): no complete answer within \(Self.format(seconds)) s\(Self.after(attempts))"
        case .malformedResponse(let endpoint, let path, let reason, let body):
            "\(endpoint): malformed response at \(path.isEmpty ? "top level" : path): \(reason); body: \(body)"
        case .responseTooLarge(let endpoint, let limit):
            "\(endpoint): response larger than \(limit) bytes"
        case .missingCompletions(let endpoint, let requested, let received):
            "\(endpoint): asked for \(requested) completions, received \(received)"
        case .modelDiscovery(let endpoint, let reason):
            "\(endpoint)/models: \(reason)"
        case .unusableAnswer(let endpoint, let reason):
            "\(endpoint): \(reason)"
        }
    }

    /// Number of attempts the error came after (1 for errors that are not retried).
    public var attempts: Int {
        switch self {
        case .httpStatus(_, _, _, let a), .retryAfterTooLong(_, _, _, _, let a), .transport(_, _, let a),
            .timedOut(_, _, let a):
            a
        default: 1
        }
    }

    /// The same error with its attempt count set.
    func with(attempts: Int) -> HTTPBackendError {
        switch self {
        case .httpStatus(let e, let s, let b, _): .httpStatus(endpoint: e, status: s, body: b, attempts: attempts)
        case .retryAfterTooLong(let e, let s, let sec, let l, _):
            .retryAfterTooLong(endpoint: e, status: s, seconds: sec, limit: l, attempts: attempts)
        case .transport(let e, let r, _): .transport(endpoint: e, reason: r, attempts: attempts)
        case .timedOut(let e, let s, _): .timedOut(endpoint: e, seconds: s, attempts: attempts)
        default: self
        }
    }

    private static func after(_ attempts: Int) -> String { attempts > 1 ? " after \(attempts) attempts" : "" }

    private static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format3: x)
    }

    /// At most `limit` characters of a body, for messages: control characters shown escaped, `…` when cut.
    static func excerpt(_ bytes: [UInt8], limit: Int = 300) -> String {
        let text = String(decoding: bytes.prefix(limit * 4), as: UTF8.self)
        var out = ""
        for ch in text {
            if out.count >= limit { return out + "…" }
            switch ch {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.append(ch)
            }
        }
        return bytes.count > limit * 4 ? out + "…" : out
    }
}

extension String {
    /// A number with up to three decimals, without Foundation's locale handling.
    init(format3 x: Double) {
        let scaled = (x * 1000).rounded() / 1000
        self = "\(scaled)"
    }
}
