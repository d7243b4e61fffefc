import Foundation

/// Runs blocking work — sandboxed runs — on dedicated threads, at most ``width`` at once, from Swift
/// concurrency.
///
/// Each item gets a thread of its own (not one of the cooperative pool's, which a process that waits for a
/// child would block), and a task group keeps no more than ``width`` in flight. Results come back in the
/// items' order. The pool holds no state: the bound applies to one ``map(_:_:)`` call.
public struct ExecutionPool: Sendable {
    /// How many items run at once; at least 1.
    public let width: Int

    /// - Parameter width: how many at once; default the number of active processors.
    public init(width: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.width = max(1, width)
    }

    /// `body` applied to every item, at most ``width`` at once, in the items' order.
    ///
    /// When a call throws, no further items are started, the ones running finish, and the error of the
    /// earliest failed item is thrown. Cancelling the calling task stops starting new items as well; the
    /// ones running finish and ``CodeError/cancelled`` is thrown.
    public func map<Item: Sendable, Value: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) throws(CodeError) -> Value
    ) async throws(CodeError) -> [Value] {
        let outcomes = await withTaskGroup(of: (Int, Result<Value, CodeError>).self) { group in
            var results = [Result<Value, CodeError>?](repeating: nil, count: items.count)
            var next = 0
            var failed = false
            func start() {
                let index = next
                let item = items[index]
                next += 1
                group.addTask {
                    let result = await Self.onThread { () -> Result<Value, CodeError> in
                        do throws(CodeError) { return .success(try body(item)) } catch { return .failure(error) }
                    }
                    return (index, result)
                }
            }
            while next < items.count && next < width { start() }
            while let (index, result) = await group.next() {
                results[index] = result
                if case .failure = result { failed = true }
                if !failed && !Task.isCancelled && next < items.count { start() }
            }
            return results
        }
        var values: [Value] = []
        values.reserveCapacity(items.count)
        for outcome in outcomes {
            switch outcome {
            case .success(let value)?: values.append(value)
            case .failure(let error)?: throw error
            case nil: throw CodeError.cancelled
            }
        }
        return values
    }

    /// Runs `work` on a new thread and resumes with its result.
    static func onThread<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.start()
        }
    }

    /// Runs throwing `work` on a new thread.
    static func onThread<Value: Sendable>(_ work: @escaping @Sendable () throws(CodeError) -> Value) async throws(CodeError) -> Value {
        let result = await onThread { () -> Result<Value, CodeError> in
            do throws(CodeError) { return .success(try work()) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
