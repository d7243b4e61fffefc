/// One sequence's attention keys and values for every layer, growing as the sequence grows.
///
/// Positions `0..<sharedCount` live in a chain of read-only ``KVSegment``s that other sequences may share;
/// the rest in the cache's own storage. ``fork()`` moves the own positions into a new segment and gives the
/// fork the same chain, so the prompt of many samples is stored once and no position is ever copied per
/// fork. Attention reads a row's positions as spans (``spans(upTo:)``), root segment first.
///
/// Own storage: for each layer, keys then values, each (capacity, kvDimension) floats, grown by doubling.
final class KVCache {
    let layerCount: Int
    let kvDimension: Int
    /// Positions stored (shared and own).
    var count = 0
    /// The shared positions, newest segment last in its parent chain; nil when there are none.
    private(set) var shared: KVSegment?
    /// The newest shared segment (its parents hold the earlier shared positions).
    var sharedSegment: KVSegment? { shared }
    /// Positions in shared segments.
    var sharedCount: Int { shared?.end ?? 0 }
    /// Own positions that fit without growing.
    private(set) var capacity: Int
    private var storage: UnsafeMutablePointer<Float>

    init(layerCount: Int, kvDimension: Int, capacity: Int = 64) {
        self.layerCount = layerCount
        self.kvDimension = kvDimension
        self.capacity = max(1, capacity)
        storage = .allocate(capacity: layerCount * 2 * self.capacity * kvDimension)
    }

    private init(layerCount: Int, kvDimension: Int, shared: KVSegment?, capacity: Int) {
        self.layerCount = layerCount
        self.kvDimension = kvDimension
        self.shared = shared
        self.capacity = max(1, capacity)
        storage = .allocate(capacity: layerCount * 2 * self.capacity * kvDimension)
        count = shared?.end ?? 0
    }

    deinit { storage.deallocate() }

    /// (kvDimension) keys of `layer` at `position`, which must be an own position (≥ sharedCount).
    func keys(_ layer: Int, at position: Int) -> UnsafeMutablePointer<Float> {
        storage + ((2 * layer) * capacity + position - sharedCount) * kvDimension
    }

    /// (kvDimension) values of `layer` at `position` (≥ sharedCount).
    func values(_ layer: Int, at position: Int) -> UnsafeMutablePointer<Float> {
        storage + ((2 * layer + 1) * capacity + position - sharedCount) * kvDimension
    }

    /// Makes room for `positions` positions in all (doubling the own storage), keeping the stored ones.
    func reserve(_ positions: Int) {
        let own = positions - sharedCount
        guard own > capacity else { return }
        var newCapacity = capacity
        while newCapacity < own { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<Float>.allocate(capacity: layerCount * 2 * newCapacity * kvDimension)
        let stored = (count - sharedCount) * kvDimension
        for part in 0..<(2 * layerCount) {
            (grown + part * newCapacity * kvDimension).update(from: storage + part * capacity * kvDimension, count: stored)
        }
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }

    /// A cache holding the same positions, sharing them: this cache's own positions become a read-only
    /// segment that both use, and both continue with empty own storage.
    func fork() -> KVCache {
        let own = count - sharedCount
        if own > 0 {
            // The segment takes a tight copy (the own storage may have twice the room it needs); it is made
            // once per fork point, not per fork.
            let segment = KVSegment(
                parent: shared, start: sharedCount, count: own, layerCount: layerCount, kvDimension: kvDimension)
            for part in 0..<(2 * layerCount) {
                (segment.storage + part * own * kvDimension).update(from: storage + part * capacity * kvDimension, count: own * kvDimension)
            }
            shared = segment
        }
        return KVCache(layerCount: layerCount, kvDimension: kvDimension, shared: shared, capacity: 16)
    }

    /// The spans of positions 0..<`end`, root segment first, then the own positions.
    func spans(upTo end: Int) -> [KVSpan] {
        var chain: [KVSegment] = []
        var s = shared
        while let segment = s {
            if segment.start < end { chain.append(segment) }
            s = segment.parent
        }
        var spans = chain.reversed().map { segment in
            KVSpan(
                keys: UnsafePointer(segment.storage), layerStride: 2 * segment.count * kvDimension,
                valueOffset: segment.count * kvDimension, count: min(segment.count, end - segment.start))
        }
        if end > sharedCount {
            spans.append(
                KVSpan(
                    keys: UnsafePointer(storage), layerStride: 2 * capacity * kvDimension,
                    valueOffset: capacity * kvDimension, count: end - sharedCount))
        }
        return spans
    }

    /// Bytes held by the own storage (shared segments are counted by ``KVSegment/byteCount``).
    var byteCount: Int { layerCount * 2 * capacity * kvDimension * MemoryLayout<Float>.size }
}

/// Consecutive positions of one cache: keys of layer l at `keys + l·layerStride`, values `valueOffset`
/// floats after the keys, rows kvDimension floats apart. Valid until the cache grows or is freed.
struct KVSpan {
    let keys: UnsafePointer<Float>
    let layerStride: Int
    let valueOffset: Int
    let count: Int

    func keys(_ layer: Int) -> UnsafePointer<Float> { keys + layer * layerStride }
    func values(_ layer: Int) -> UnsafePointer<Float> { keys + layer * layerStride + valueOffset }
}

/// Read-only keys and values of positions `start..<start + count` of every layer, shared by the sequences
/// forked from the one that computed them. Storage: for each layer, keys then values, (count, kvDimension).
final class KVSegment {
    let parent: KVSegment?
    let start: Int
    let count: Int
    let layerCount: Int
    let kvDimension: Int
    let storage: UnsafeMutablePointer<Float>

    init(parent: KVSegment?, start: Int, count: Int, layerCount: Int, kvDimension: Int) {
        self.parent = parent
        self.start = start
        self.count = count
        self.layerCount = layerCount
        self.kvDimension = kvDimension
        storage = .allocate(capacity: layerCount * 2 * count * kvDimension)
    }

    deinit { storage.deallocate() }

    /// One past the last position.
    var end: Int { start + count }
    func keys(_ layer: Int) -> UnsafePointer<Float> { UnsafePointer(storage + (2 * layer) * count * kvDimension) }
    func values(_ layer: Int) -> UnsafePointer<Float> { UnsafePointer(storage + (2 * layer + 1) * count * kvDimension) }
    var byteCount: Int { layerCount * 2 * count * kvDimension * MemoryLayout<Float>.size }
}
