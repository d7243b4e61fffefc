/// The merge rules of a byte-level BPE vocabulary, over interned symbols, and the merge loop.
///
/// Symbols are token ids for strings in the vocabulary, and ids from `vocabularySize` on for the (rare)
/// merge results or byte spellings that the vocabulary lacks. A merge rule `A B` with rank r (its index in
/// `tokenizer.ggml.merges`) maps the symbol pair (A, B) to (r, symbol of AB).
///
/// The loop merges, again and again, the adjacent pair with the lowest rank (the left-most one on ties) until
/// no adjacent pair has a rule: the result llama.cpp's priority-queue loop gives. Short words use a linear scan
/// over cached pair ranks; long ones (runs of CJK text, long identifiers) a binary heap.
struct BPEMerges: Sendable {
    /// Open-addressing hash table from a symbol pair (a << 32 | b) to (rank << 32 | merged symbol).
    private var keys: [UInt64]
    private var values: [UInt64]
    private var mask: Int
    private(set) var count = 0
    /// For symbols at or above the vocabulary size: the two symbols they were merged from (or -1, -1).
    var extraParts: [(Int32, Int32)] = []

    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    /// Adds a rule unless the pair already has one (the first rule for a pair wins, as in llama.cpp).
    mutating func insert(left: Int32, right: Int32, rank: Int, merged: Int32) {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        var i = Self.slot(key, mask)
        while keys[i] != Self.empty {
            if keys[i] == key { return }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged))
        count += 1
    }

    /// (rank << 32 | merged) for the pair, or `UInt64.max` when no rule merges it.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> UInt64 {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        return keys.withUnsafeBufferPointer { k in
            var i = Self.slot(key, mask)
            while true {
                let found = k[i]
                if found == key { return values[i] }
                if found == Self.empty { return UInt64.max }
                i = (i + 1) & mask
            }
        }
    }
}

/// Scratch buffers for merging one word.
struct BPEScratch {
    var symbols: [Int32] = []
    var ranks: [UInt64] = []
    var next: [Int32] = []
    var prev: [Int32] = []
    var heap: [UInt64] = []
}

extension BPEMerges {
    /// Merges `symbols` (one per byte of a word) in place; on return `symbols` holds the word's final symbols.
    func merge(_ s: inout BPEScratch) {
        if s.symbols.count < 2 { return }
        if s.symbols.count <= 48 { mergeLinear(&s) } else { mergeHeap(&s) }
    }

    func mergeLinear(_ s: inout BPEScratch) {
        s.ranks.removeAll(keepingCapacity: true)
        for i in 0..<(s.symbols.count - 1) { s.ranks.append(lookup(s.symbols[i], s.symbols[i + 1])) }
        while true {
            var best = UInt64.max
            var at = -1
            for i in 0..<s.ranks.count where s.ranks[i] >> 32 < best >> 32 {
                best = s.ranks[i]
                at = i
            }
            if at < 0 { return }
            s.symbols[at] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            s.symbols.remove(at: at + 1)
            s.ranks.remove(at: at)
            if at < s.ranks.count { s.ranks[at] = lookup(s.symbols[at], s.symbols[at + 1]) }
            if at > 0 { s.ranks[at - 1] = lookup(s.symbols[at - 1], s.symbols[at]) }
        }
    }

    func mergeHeap(_ s: inout BPEScratch) {
        let n = s.symbols.count
        s.next.removeAll(keepingCapacity: true)
        s.prev.removeAll(keepingCapacity: true)
        s.heap.removeAll(keepingCapacity: true)
        for i in 0..<n {
            s.next.append(i + 1 < n ? Int32(i + 1) : -1)
            s.prev.append(Int32(i - 1))
        }
        // Heap entries: rank << 32 | left index; the smallest is the lowest rank, then the left-most.
        func push(_ heap: inout [UInt64], _ entry: UInt64) {
            heap.append(entry)
            var c = heap.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                if heap[p] <= heap[c] { break }
                heap.swapAt(p, c)
                c = p
            }
        }
        func pop(_ heap: inout [UInt64]) -> UInt64 {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var p = 0
                while true {
                    let l = 2 * p + 1
                    if l >= heap.count { break }
                    var c = l
                    if l + 1 < heap.count && heap[l + 1] < heap[l] { c = l + 1 }
                    if heap[p] <= heap[c] { break }
                    heap.swapAt(p, c)
                    p = c
                }
            }
            return top
        }
        for i in 0..<(n - 1) {
            let r = lookup(s.symbols[i], s.symbols[i + 1])
            if r != UInt64.max { push(&s.heap, (r >> 32) << 32 | UInt64(i)) }
        }
        var alive = [Bool](repeating: true, count: n)
        while !s.heap.isEmpty {
            let entry = pop(&s.heap)
            let left = Int(entry & 0xFFFF_FFFF)
            let rank = entry >> 32
            guard alive[left] else { continue }
            let right = Int(s.next[left])
            guard right >= 0 else { continue }
            let r = lookup(s.symbols[left], s.symbols[right])
            // Ranks are unique per pair, so an equal rank means the pair is still the one pushed.
            guard r != UInt64.max, r >> 32 == rank else { continue }
            s.symbols[left] = Int32(truncatingIfNeeded: r & 0xFFFF_FFFF)
            alive[right] = false
            let after = s.next[right]
            s.next[left] = after
            if after >= 0 { s.prev[Int(after)] = Int32(left) }
            let before = Int(s.prev[left])
            if before >= 0 {
                let rb = lookup(s.symbols[before], s.symbols[left])
                if rb != UInt64.max { push(&s.heap, (rb >> 32) << 32 | UInt64(before)) }
            }
            if after >= 0 {
                let ra = lookup(s.symbols[left], s.symbols[Int(after)])
                if ra != UInt64.max { push(&s.heap, (ra >> 32) << 32 | UInt64(left)) }
            }
        }
        var out: [Int32] = []
        var i = 0
        while i >= 0 {
            out.append(s.symbols[i])
            i = Int(s.next[i])
        }
        s.symbols = out
    }
}
