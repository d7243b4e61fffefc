/// One sequence's attention keys and values for every layer, growing as the sequence grows.
///
/// Storage: for each layer, keys then values, each (capacity, kvDimension) floats. Forking a sequence
/// copies its cache (``copy()``); the batched engine of a later issue may share prompt prefixes instead.
final class KVCache {
    let layerCount: Int
    let kvDimension: Int
    /// Positions stored.
    var count = 0
    /// Positions that fit without growing.
    private(set) var capacity: Int
    private var storage: UnsafeMutablePointer<Float>

    init(layerCount: Int, kvDimension: Int, capacity: Int = 64) {
        self.layerCount = layerCount
        self.kvDimension = kvDimension
        self.capacity = max(1, capacity)
        storage = .allocate(capacity: layerCount * 2 * self.capacity * kvDimension)
    }

    deinit { storage.deallocate() }

    /// (capacity, kvDimension) keys of `layer`.
    func keys(_ layer: Int) -> UnsafeMutablePointer<Float> { storage + (2 * layer) * capacity * kvDimension }
    /// (capacity, kvDimension) values of `layer`.
    func values(_ layer: Int) -> UnsafeMutablePointer<Float> { storage + (2 * layer + 1) * capacity * kvDimension }

    /// Makes room for `positions` positions (doubling), keeping the stored ones.
    func reserve(_ positions: Int) {
        guard positions > capacity else { return }
        var newCapacity = capacity
        while newCapacity < positions { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<Float>.allocate(capacity: layerCount * 2 * newCapacity * kvDimension)
        for part in 0..<(2 * layerCount) {
            (grown + part * newCapacity * kvDimension).update(from: storage + part * capacity * kvDimension, count: count * kvDimension)
        }
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }

    /// An independent cache holding the same positions.
    func copy() -> KVCache {
        let c = KVCache(layerCount: layerCount, kvDimension: kvDimension, capacity: max(count, 1))
        for part in 0..<(2 * layerCount) {
            (c.storage + part * c.capacity * kvDimension).update(from: storage + part * capacity * kvDimension, count: count * kvDimension)
        }
        c.count = count
        return c
    }

    /// Bytes held.
    var byteCount: Int { layerCount * 2 * capacity * kvDimension * MemoryLayout<Float>.size }
}
