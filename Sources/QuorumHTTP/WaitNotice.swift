import Foundation
import Synchronization

/// A server that has kept a request waiting: reported every
/// ``HTTPBackendConfiguration/waitNoticeInterval`` while any request to it is in flight longer than that, so
/// that a user sees which endpoint a run is waiting on instead of a silent hang.
public struct WaitNotice: Sendable, Hashable, CustomStringConvertible {
    /// The endpoint's base URL (`http://127.0.0.1:8080/v1`).
    public var endpoint: String
    /// The running number (1-based, per backend) of the longest-waiting exchange with it.
    public var request: Int
    /// Seconds that exchange has waited so far.
    public var seconds: Double
    /// Exchanges in flight to this endpoint now.
    public var inFlight: Int
    /// The per-attempt deadline (``HTTPBackendConfiguration/requestTimeout``), in seconds.
    public var timeout: Double

    public init(endpoint: String, request: Int, seconds: Double, inFlight: Int, timeout: Double) {
        self.endpoint = endpoint
        self.request = request
        self.seconds = seconds
        self.inFlight = inFlight
        self.timeout = timeout
    }

    /// `waiting for http://127.0.0.1:8080/v1 (request 3, 45 s; 8 requests in flight; deadline 300 s)`.
    public var description: String {
        let others = inFlight > 1 ? "; \(inFlight) requests in flight" : ""
        return "waiting for \(endpoint) (request \(request), \(Int(seconds.rounded(.down))) s\(others); "
            + "deadline \(Int(timeout.rounded())) s)"
    }
}

/// The exchanges in flight, by endpoint, and the task that reports those waiting too long.
final class InFlightExchanges: Sendable {
    private struct Entry {
        var endpoint: Int
        var start: ContinuousClock.Instant
    }

    private struct State {
        var next = 0
        var entries: [Int: Entry] = [:]
    }

    private let state = Mutex(State())

    /// Records an exchange with endpoint `endpoint` beginning now; returns its number.
    func begin(endpoint: Int) -> Int {
        state.withLock { s in
            s.next += 1
            s.entries[s.next] = Entry(endpoint: endpoint, start: .now)
            return s.next
        }
    }

    /// Forgets exchange `number`.
    func end(_ number: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: number) }
    }

    /// Per endpoint with an exchange older than `threshold`: the oldest one, its age, and the number in flight.
    func waiting(longerThan threshold: Duration, now: ContinuousClock.Instant = .now)
        -> [(endpoint: Int, request: Int, seconds: Double, inFlight: Int)]
    {
        state.withLock { s in
            var byEndpoint: [Int: (request: Int, start: ContinuousClock.Instant, count: Int)] = [:]
            for (number, entry) in s.entries {
                if let old = byEndpoint[entry.endpoint] {
                    let older = entry.start < old.start || (entry.start == old.start && number < old.request)
                    byEndpoint[entry.endpoint] = older
                        ? (number, entry.start, old.count + 1) : (old.request, old.start, old.count + 1)
                } else {
                    byEndpoint[entry.endpoint] = (number, entry.start, 1)
                }
            }
            return byEndpoint.sorted { $0.key < $1.key }.compactMap { endpoint, oldest in
                let age = now - oldest.start
                guard age >= threshold else { return nil }
                return (endpoint, oldest.request, age.seconds, oldest.count)
            }
        }
    }

    /// A task that, every `interval`, passes a ``WaitNotice`` to `report` for each endpoint that has kept an
    /// exchange waiting at least `interval`. Cancel it to stop.
    func monitor(
        every interval: Duration, endpoints: [Endpoint], timeout: Duration,
        report: @escaping @Sendable (WaitNotice) -> Void
    ) -> Task<Void, Never> {
        Task.detached { [self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                for w in waiting(longerThan: interval) {
                    report(WaitNotice(
                        endpoint: endpoints[w.endpoint].base, request: w.request, seconds: w.seconds,
                        inFlight: w.inFlight, timeout: timeout.seconds))
                }
            }
        }
    }
}
