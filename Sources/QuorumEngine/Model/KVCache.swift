/// One sequence's attention keys and values for every layer, growing as the sequence grows.
///
/// Positions `0..<sharedCount` live in a chain of read-only ``KVSegment``s that other sequences may share;
/// the rest in the cache's own storage. ``fork()`` moves the own positions into a new segment and gives the
/// fork the same chain, so the prompt of many samples is stored once and no position is ever copied per
/// fork. Attention reads a row's positions as spans (``spans(upTo:)``), root segment first.
///
/// Own storage: for each layer, keys then values, each (capacity, kvDimension) elements of `precision`, grown
/// by doubling.
final class KVCache {
    let layerCount: Int
    let kvDimension: Int
    let precision: KVPrecision
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
    private var storage: UnsafeMutableRawPointer
    /// Bytes of one position of one layer's keys (or values).
    private var rowBytes: Int { kvDimension * precision.bytes }

    init(layerCount: Int, kvDimension: Int, precision: KVPrecision = .f32, capacity: Int = 64) {
        self.layerCount = layerCount
        self.kvDimension = kvDimension
        self.precision = precision
        self.capacity = max(1, capacity)
        storage = Self.allocate(layerCount * 2 * self.capacity * kvDimension * precision.bytes)
    }

    private init(layerCount: Int, kvDimension: Int, precision: KVPrecision, shared: KVSegment?, capacity: Int) {
        self.layerCount = layerCount
        self.kvDimension = kvDimension
        self.precision = precision
        self.shared = shared
        self.capacity = max(1, capacity)
        storage = Self.allocate(layerCount * 2 * self.capacity * kvDimension * precision.bytes)
        count = shared?.end ?? 0
    }

    deinit { storage.deallocate() }

    static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        .allocate(byteCount: max(bytes, 1), alignment: 64)
    }

    /// (kvDimension) keys of `layer` at `position`, which must be an own position (≥ sharedCount).
    func keys(_ layer: Int, at position: Int) -> UnsafeMutableRawPointer {
        storage + ((2 * layer) * capacity + position - sharedCount) * rowBytes
    }

    /// (kvDimension) values of `layer` at `position` (≥ sharedCount).
    func values(_ layer: Int, at position: Int) -> UnsafeMutableRawPointer {
        storage + ((2 * layer + 1) * capacity + position - sharedCount) * rowBytes
    }

    /// Makes room for `positions` positions in all (doubling the own storage), keeping the stored ones.
    func reserve(_ positions: Int) {
        let own = positions - sharedCount
        guard own > capacity else { return }
        var newCapacity = capacity
        while newCapacity < own { newCapacity *= 2 }
        let grown = Self.allocate(layerCount * 2 * newCapacity * rowBytes)
        let stored = (count - sharedCount) * rowBytes
        for part in 0..<(2 * layerCount) {
            (grown + part * newCapacity * rowBytes).copyMemory(from: storage + part * capacity * rowBytes, byteCount: stored)
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
                parent: shared, start: sharedCount, count: own, layerCount: layerCount, rowBytes: rowBytes)
            for part in 0..<(2 * layerCount) {
                (segment.storage + part * own * rowBytes).copyMemory(from: storage + part * capacity * rowBytes, byteCount: own * rowBytes)
            }
            shared = segment
        }
        return KVCache(layerCount: layerCount, kvDimension: kvDimension, precision: precision, shared: shared, capacity: 16)
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
                keys: UnsafeRawPointer(segment.storage), layerStride: 2 * segment.count * rowBytes,
                valueOffset: segment.count * rowBytes, count: min(segment.count, end - segment.start))
        }
        if end > sharedCount {
            spans.append(
                KVSpan(
                    keys: UnsafeRawPointer(storage), layerStride: 2 * capacity * rowBytes,
                    valueOffset: capacity * rowBytes, count: end - sharedCount))
        }
        return spans
    }

    /// Bytes held by the own storage (shared segments are counted by ``KVSegment/byteCount``).
    var byteCount: Int { layerCount * 2 * capacity * rowBytes }
}

/// Consecutive positions of one cache: keys of layer l at `keys + l·layerStride` bytes, values
/// `valueOffset` bytes after the keys, rows kvDimension elements apart. Valid until the cache grows or is
/// freed.
struct KVSpan {
    let keys: UnsafeRawPointer
    let layerStride: Int
    let valueOffset: Int
    let count: Int

    func keys(_ layer: Int) -> UnsafeRawPointer { keys + layer * layerStride }
    func values(_ layer: Int) -> UnsafeRawPointer { keys + layer * layerStride + valueOffset }
}

/// How the KV cache stores keys and values.
public enum KVPrecision: String, Sendable, CaseIterable {
    /// 32-bit floats (the setting of the llama.cpp goldens).
    case f32
    /// IEEE half precision, rounded to nearest (llama.cpp's default): half the memory and the attention's
    /// memory traffic.
    case f16

    var bytes: Int { self == .f32 ? 4 : 2 }
}

/// Read-only keys and values of positions `start..<start + count` of every layer, shared by the sequences
/// forked from the one that computed them. Storage: for each layer, keys then values, `count` rows of
/// `rowBytes` bytes.
final class KVSegment {
    let parent: KVSegment?
    let start: Int
    let count: Int
    let layerCount: Int
    let rowBytes: Int
    let storage: UnsafeMutableRawPointer

    init(parent: KVSegment?, start: Int, count: Int, layerCount: Int, rowBytes: Int) {
        self.parent = parent
        self.start = start
        self.count = count
        self.layerCount = layerCount
        self.rowBytes = rowBytes
        storage = KVCache.allocate(layerCount * 2 * count * rowBytes)
    }

    deinit { storage.deallocate() }

    /// One past the last position.
    var end: Int { start + count }
    var byteCount: Int { layerCount * 2 * count * rowBytes }
}
