import Foundation

/// Memoises another equivalence, keyed by the unordered pair of answers, and safe to share between
/// concurrent tasks.
///
/// The base relation is asked once per unordered pair, always with the two answers in a fixed order
/// (the lesser string first), so the cached relation is symmetric even if the base one were not.
/// The cache belongs to this value and its copies (they share storage); nothing is global, and a new
/// value starts empty. It grows without bound: one run over one task set holds a few thousand pairs.
public struct CachedEquivalence<Base: AnswerEquivalence>: AnswerEquivalence {
    /// The relation being cached.
    public let base: Base
    private let storage = Storage()

    /// - Parameter base: the relation to cache.
    public init(_ base: Base) {
        self.base = base
    }

    public func equal(_ a: String, _ b: String) -> Bool {
        let key = PairKey(a, b)
        if let known = storage.value(for: key) { return known }
        // Computed outside the lock: two tasks may compute the same pair at once; both get the same answer.
        let result = base.equal(key.first, key.second)
        storage.store(result, for: key)
        return result
    }

    /// How many unordered pairs are cached.
    public var cachedPairCount: Int { storage.count }

    /// An unordered pair of answers.
    struct PairKey: Hashable {
        let first: String
        let second: String
        init(_ a: String, _ b: String) {
            if a <= b {
                first = a
                second = b
            } else {
                first = b
                second = a
            }
        }
    }

    /// The lock-protected dictionary. `NSLock` (not `Synchronization.Mutex`) keeps the package usable on
    /// the macOS 14 deployment target; every access to `entries` holds the lock, hence `@unchecked`.
    private final class Storage: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [PairKey: Bool] = [:]

        func value(for key: PairKey) -> Bool? {
            lock.withLock { entries[key] }
        }

        func store(_ value: Bool, for key: PairKey) {
            lock.withLock { entries[key] = value }
        }

        var count: Int { lock.withLock { entries.count } }
    }
}
