/// Bounded, least-busy dispatch over several endpoints.
///
/// Each endpoint has at most `limit` requests in flight; ``acquire()`` returns the endpoint with the fewest in
/// flight, preferring endpoints whose last attempt did not fail, and rotating among equals so that idle
/// endpoints share the work. When every endpoint is full, callers wait in FIFO order; a waiting task that is
/// cancelled stops waiting at once.
actor EndpointPool {
    private struct Slot {
        var inFlight = 0
        var failing = false
        var served = 0
    }

    private var slots: [Slot]
    private let limit: Int
    private var rotation = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Int, any Error>)] = []
    private var cancelled: Set<UInt64> = []
    private var nextID: UInt64 = 0

    init(count: Int, limit: Int) {
        slots = Array(repeating: Slot(), count: count)
        self.limit = limit
    }

    /// Waits for a free slot and returns its endpoint index; call ``release(_:failed:)`` exactly once after.
    func acquire() async throws -> Int {
        try Task.checkCancellation()
        if waiters.isEmpty, let index = pick() {
            take(index)
            return index
        }
        let id = nextID
        nextID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                if cancelled.remove(id) != nil {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Frees a slot; `failed` marks the endpoint as failing (a transport error, timeout, 429 or 5xx) until it
    /// next succeeds.
    func release(_ index: Int, failed: Bool) {
        slots[index].inFlight -= 1
        slots[index].failing = failed
        while !waiters.isEmpty, let next = pick() {
            let waiter = waiters.removeFirst()
            take(next)
            waiter.continuation.resume(returning: next)
        }
    }

    /// Requests currently in flight per endpoint.
    var inFlight: [Int] { slots.map(\.inFlight) }

    /// Requests dispatched so far per endpoint (attempts, including failed ones).
    var served: [Int] { slots.map(\.served) }

    private func take(_ index: Int) {
        slots[index].inFlight += 1
        slots[index].served += 1
        rotation = (index + 1) % slots.count
    }

    private func pick() -> Int? {
        var best: Int?
        for offset in 0..<slots.count {
            let i = (rotation + offset) % slots.count
            guard slots[i].inFlight < limit else { continue }
            if let b = best {
                let key = (slots[i].failing ? 1 : 0, slots[i].inFlight)
                let bestKey = (slots[b].failing ? 1 : 0, slots[b].inFlight)
                if key < bestKey { best = i }
            } else {
                best = i
            }
        }
        return best
    }

    private func cancelWaiter(_ id: UInt64) {
        if let position = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: position).continuation.resume(throwing: CancellationError())
        } else if id < nextID {
            // Cancelled before it started waiting: remembered so that it does not wait at all. An id that already
            // got a slot is also remembered; harmless, as ids are never reused.
            cancelled.insert(id)
        }
    }
}
