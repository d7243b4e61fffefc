/// CPython's `random.Random` as far as the evaluation protocol needs it: `seed(int)`, `getrandbits`
/// (≤ 32 bits), `randbelow` and `shuffle`, so that K-subsets equal the reference's
/// (fixtures/rpc/permutations.json).
///
/// Written by hand (no allowed package reproduces CPython's generator): MT19937 (Matsumoto & Nishimura,
/// 1998) seeded with `init_by_array` whose key is the 32-bit little-endian words of |seed| (`[0]` for 0);
/// `randbelow(n)` draws `k = bitLength(n)` bits, `genrand() >> (32 − k)`, until the value is below n;
/// `shuffle` swaps `x[i]` with `x[randbelow(i + 1)]` for i from n − 1 down to 1.
public struct CPythonRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// Seeds like `random.seed(seed)` for an integer seed.
    public init(seed: Int) {
        var magnitude = seed.magnitude
        var key: [UInt32] = []
        repeat {
            key.append(UInt32(truncatingIfNeeded: magnitude))
            magnitude >>= 32
        } while magnitude > 0
        seedByArray(key)
    }

    private mutating func seedByInteger(_ seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func seedByArray(_ key: [UInt32]) {
        seedByInteger(19_650_218)
        var i = 1
        var j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 {
                state[0] = state[623]
                i = 1
            }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 {
                state[0] = state[623]
                i = 1
            }
        }
        state[0] = 0x8000_0000
    }

    /// The next 32 random bits (`genrand_uint32`).
    public mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var value = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { value ^= 0x9908_B0DF }
            state[i] = value
        }
        index = 0
    }

    /// A uniform integer in `0..<n` (`_randbelow_with_getrandbits`); n must be in 1..<2³².
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max), "randbelow needs 0 < n < 2^32")
        let bits = Int.bitWidth - (n.leadingZeroBitCount)
        while true {
            let value = Int(next() >> UInt32(32 - bits))
            if value < n { return value }
        }
    }

    /// Shuffles `values` in place like `random.shuffle`.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, through: 1, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }

    /// `random.seed(seed); idx = list(range(count)); random.shuffle(idx)`.
    public static func permutation(count: Int, seed: Int) -> [Int] {
        var generator = CPythonRandom(seed: seed)
        var indices = Array(0..<count)
        generator.shuffle(&indices)
        return indices
    }
}
