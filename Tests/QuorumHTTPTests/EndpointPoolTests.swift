import Testing

@testable import QuorumHTTP

@Suite("Least-busy dispatch")
struct EndpointPoolTests {
    @Test func picksTheLeastBusyAndRotatesAmongEquals() async throws {
        let pool = EndpointPool(count: 3, limit: 2)
        #expect(try await pool.acquire() == 0)
        #expect(try await pool.acquire() == 1)
        #expect(try await pool.acquire() == 2)
        await pool.release(1, failed: false)
        #expect(try await pool.acquire() == 1)  // the only endpoint with one in flight fewer
        #expect(await pool.inFlight == [1, 1, 1])
        #expect(try await pool.acquire() == 2)  // equals: the rotation continues after the last pick
        #expect(try await pool.acquire() == 0)
        #expect(await pool.inFlight == [2, 1, 2])
        #expect(try await pool.acquire() == 1)
        #expect(await pool.served == [2, 3, 2])
    }

    @Test func failingEndpointsAreUsedOnlyWhenTheOthersAreFull() async throws {
        let pool = EndpointPool(count: 2, limit: 2)
        let first = try await pool.acquire()
        await pool.release(first, failed: true)
        let healthy = 1 - first
        #expect(try await pool.acquire() == healthy)
        #expect(try await pool.acquire() == healthy)
        #expect(try await pool.acquire() == first)  // the healthy one is full
        await pool.release(first, failed: false)  // a success clears the mark
        await pool.release(healthy, failed: false)
        #expect(try await pool.acquire() == first)
    }

    @Test func waitersAreServedInOrderWhenSlotsFree() async throws {
        let pool = EndpointPool(count: 1, limit: 1)
        #expect(try await pool.acquire() == 0)
        let waiter = Task { try await pool.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(await pool.inFlight == [1])
        await pool.release(0, failed: false)
        #expect(try await waiter.value == 0)
        #expect(await pool.inFlight == [1])
    }

    @Test func cancelledWaitersLeaveAtOnce() async throws {
        let pool = EndpointPool(count: 1, limit: 1)
        _ = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        await pool.release(0, failed: false)
        #expect(await pool.inFlight == [0])  // the slot was not handed to the cancelled waiter
    }
}
