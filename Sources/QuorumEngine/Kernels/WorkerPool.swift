import CQuorumKernels
import Foundation

/// A fixed set of threads that run the tasks of one parallel operation together with the calling thread:
/// the forward pass calls ``run(_:_:)`` a few hundred times per token, so dispatch must cost well under a
/// microsecond. Idle workers spin briefly (operations follow each other within microseconds), yield the
/// core a few times, and then sleep on a condition variable until the next operation.
///
/// Tasks are claimed one at a time from a shared counter, so a thread that the OS deschedules (the machine
/// is shared) delays only the task it holds; the others take the rest.
///
/// `run` must not be called from two threads at once (the engine's actor guarantees that).
///
/// Written here rather than taken from a package: Dispatch's `concurrentPerform` costs several microseconds
/// per call, and the allowed packages have no thread pool.
final class WorkerPool: @unchecked Sendable {
    // @unchecked: the shared state is reached only through atomics (CQuorumKernels' C11 helpers) and a
    // condition variable; the job slot is written by the caller only while no worker can read it (see State).
    /// Threads taking part in each operation, the caller's included.
    let threads: Int
    private let state: State
    private var workers: [Thread] = []

    /// A pool of `threads` threads: the caller and `threads − 1` workers.
    init(threads: Int) {
        self.threads = max(1, threads)
        state = State()
        for index in 1..<self.threads {
            let state = state
            let thread = Thread { state.workerLoop(index: index) }
            thread.name = "quorum-engine-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
            workers.append(thread)
        }
    }

    deinit { state.shutDown() }

    /// Runs `body(task, thread)` for every task in `0..<tasks`, spread over the pool's threads; `thread` is
    /// the index (0..<threads, 0 = the caller) of the thread running it, for per-thread scratch. Returns
    /// when every task has finished.
    func run(_ tasks: Int, _ body: (_ task: Int, _ thread: Int) -> Void) {
        guard tasks > 0 else { return }
        if threads == 1 || tasks == 1 {
            for t in 0..<tasks { body(t, 0) }
            return
        }
        precondition(tasks < 1 << 16, "at most 65535 tasks per run")
        withoutActuallyEscaping(body) { body in
            state.run(Job(body: body), tasks: tasks)
        }
    }

    /// One operation: the tasks' closure. A new object per run, so that a worker never sees a half-written one.
    final class Job: @unchecked Sendable {
        let body: (Int, Int) -> Void
        init(body: @escaping (Int, Int) -> Void) { self.body = body }
    }

    /// What the caller and the workers share.
    ///
    /// `counter` packs (generation: 32 bits | task count: 16 | next task: 16). A thread claims task i of the
    /// current generation by a compare-and-swap from i to i+1, so a worker that wakes late cannot claim a
    /// task of a later operation with an earlier closure. `job` is written before the counter is published
    /// and read only after a successful claim, when the caller is still waiting for that task; `done` counts
    /// finished tasks of the current generation.
    final class State: @unchecked Sendable {
        private let cells: UnsafeMutablePointer<UInt64>
        private var counter: UnsafeMutablePointer<UInt64> { cells }
        private var done: UnsafeMutablePointer<UInt64> { cells + 8 }  // own cache line
        private var sleepers: UnsafeMutablePointer<UInt64> { cells + 16 }
        private var stopping: UnsafeMutablePointer<UInt64> { cells + 24 }
        private var job: Job?
        private let condition = NSCondition()
        private var generation: UInt64 = 0

        init() {
            cells = .allocate(capacity: 32)
            cells.initialize(repeating: 0, count: 32)
        }

        deinit { cells.deallocate() }

        func run(_ job: Job, tasks: Int) {
            self.job = job
            qk_atomic_store(done, 0)
            generation = (generation + 1) & 0xFFFF_FFFF
            qk_atomic_store(counter, generation << 32 | UInt64(tasks) << 16)
            if qk_atomic_load(sleepers) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
            work(thread: 0)
            var spins = 0
            while qk_atomic_load(done) < UInt64(tasks) {
                spins += 1
                if spins < 1 << 14 { qk_spin_pause() } else { sched_yield() }
            }
            self.job = nil
        }

        /// Claims and runs tasks of the current operation until none is left.
        private func work(thread: Int) {
            while true {
                let c = qk_atomic_load(counter)
                let count = (c >> 16) & 0xFFFF, next = c & 0xFFFF
                guard next < count else { return }
                guard qk_atomic_cas(counter, c, c + 1) != 0 else { continue }
                do {
                    let job = self.job!
                    job.body(Int(next), thread)
                }
                _ = qk_atomic_fetch_add(done, 1)
            }
        }

        func workerLoop(index: Int) {
            var seen: UInt64 = 0
            while qk_atomic_load(stopping) == 0 {
                var spins = 0
                // Wait for a counter with work in it (a new generation, or tasks left in this one).
                while true {
                    let c = qk_atomic_load(counter)
                    if c != seen, (c >> 16) & 0xFFFF > c & 0xFFFF { break }
                    if qk_atomic_load(stopping) != 0 { return }
                    // Spin ~10–50 µs (the next operation of a forward pass follows within microseconds),
                    // then offer the core to others for a while, then sleep.
                    spins += 1
                    if spins < 1 << 11 {
                        qk_spin_pause()
                        continue
                    }
                    if spins < (1 << 11) + 64 {
                        sched_yield()
                        continue
                    }
                    // Sleep until the caller publishes work. The caller stores the counter, then reads
                    // `sleepers`; this thread counts itself in, then re-reads the counter under the lock:
                    // one of the two sees the other (all sequentially consistent).
                    condition.lock()
                    _ = qk_atomic_fetch_add(sleepers, 1)
                    while qk_atomic_load(counter) == c, qk_atomic_load(stopping) == 0 { condition.wait() }
                    _ = qk_atomic_fetch_add(sleepers, UInt64(bitPattern: -1))
                    condition.unlock()
                    spins = 0
                }
                work(thread: index)
                seen = qk_atomic_load(counter)
            }
        }

        func shutDown() {
            qk_atomic_store(stopping, 1)
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
    }
}
