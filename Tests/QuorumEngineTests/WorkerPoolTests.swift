import Foundation
import Testing
@testable import QuorumEngine

/// The engine's thread pool: every task of every run runs exactly once, on a valid thread index, and `run`
/// returns only after all of them; also after the workers went to sleep between runs.
@Suite struct WorkerPoolTests {
    final class Counts: @unchecked Sendable {
        let slots: UnsafeMutablePointer<Int>
        let threads: UnsafeMutablePointer<Int>
        init(_ n: Int) {
            slots = .allocate(capacity: n)
            slots.initialize(repeating: 0, count: n)
            threads = .allocate(capacity: n)
            threads.initialize(repeating: -1, count: n)
        }
        deinit {
            slots.deallocate()
            threads.deallocate()
        }
    }

    @Test(arguments: [1, 2, 3]) func everyTaskRunsExactlyOnce(threads: Int) {
        let pool = WorkerPool(threads: threads)
        var g = SplitMix64(seed: UInt64(threads))
        for round in 0..<3000 {
            let n = [1, 2, 3, 7, 64, 1000][Int(g.next() % 6)]
            let counts = Counts(n)
            pool.run(n) { task, thread in
                counts.slots[task] += 1
                counts.threads[task] = thread
                if task % 97 == 0 { usleep(10) }  // uneven tasks
            }
            let ok = (0..<n).allSatisfy { counts.slots[$0] == 1 && (0..<threads).contains(counts.threads[$0]) }
            #expect(ok, "round \(round), \(n) tasks")
            if !ok { break }
        }
    }

    @Test func runsAfterTheWorkersSleptAndUsesThemAll() {
        let pool = WorkerPool(threads: 2)
        for _ in 0..<3 {
            usleep(50_000)  // long enough for the worker to stop spinning and sleep
            let counts = Counts(64)
            pool.run(64) { task, thread in
                usleep(200)
                counts.slots[task] += 1
                counts.threads[task] = thread
            }
            #expect((0..<64).allSatisfy { counts.slots[$0] == 1 })
            #expect(Set((0..<64).map { counts.threads[$0] }) == [0, 1], "both threads took tasks")
        }
    }

    @Test func poolsComeAndGo() {
        for _ in 0..<20 {
            let pool = WorkerPool(threads: 3)
            let counts = Counts(10)
            pool.run(10) { task, _ in counts.slots[task] += 1 }
            #expect((0..<10).allSatisfy { counts.slots[$0] == 1 })
        }
    }
}
