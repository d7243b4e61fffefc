import Foundation

/// When and how long to wait before trying a request again.
///
/// Retried: HTTP 429 and 5xx (except 501 and 505, which will not change), timeouts, and connection failures
/// (refused, reset, closed before the full body arrived). Not retried: other statuses and malformed answers.
/// The wait before attempt `k + 1` is `min(maxBackoff, initialBackoff · 2^(k−1))` scaled by a jitter factor
/// in [0.5, 1) drawn from a generator seeded by ``jitterSeed`` and the request (so runs are reproducible), and
/// never shorter than the server's `Retry-After`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, including the first; `1` disables retries.
    public var maxAttempts: Int
    /// Wait before the second attempt (before jitter).
    public var initialBackoff: Duration
    /// Upper bound of the exponential wait (before jitter).
    public var maxBackoff: Duration
    /// Longest `Retry-After` honoured; a server asking for more makes the request fail with
    /// ``HTTPBackendError/retryAfterTooLong(endpoint:status:seconds:limit:attempts:)``.
    public var maxRetryAfter: Duration
    /// Seed of the jitter generator.
    public var jitterSeed: UInt64

    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120), jitterSeed: UInt64 = 0
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.jitterSeed = jitterSeed
    }

    /// Whether an HTTP status is worth another attempt.
    public static func isRetriable(status: Int) -> Bool {
        status == 429 || (500...599).contains(status) && status != 501 && status != 505
    }

    /// Seconds to wait after failed attempt `attempt` (1-based), at least `retryAfter` when the server gave one.
    func delay(afterAttempt attempt: Int, retryAfter: Double?, rng: inout SplitMix64) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        let backoff = min(maxBackoff.seconds, initialBackoff.seconds * pow(2, exponent))
        let jitter = 0.5 + 0.5 * Double(rng.next() >> 11) / Double(1 << 53)
        return max(backoff * jitter, retryAfter ?? 0)
    }

    /// Parses a `Retry-After` value: delay-seconds or an HTTP date (RFC 9110 §10.2.3), relative to `now`.
    /// `nil` when it is neither; a date in the past gives 0.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
        // HTTP dates are printable ASCII. Anything else is not one, and Foundation's DateFormatter stops the
        // process on some such text ("W\u{35D}\u{35C}$", found by make fuzz: FuzzHTTP, docs/fuzzing.md).
        guard text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
