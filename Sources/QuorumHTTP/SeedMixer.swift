import QuorumCore
/// Deterministic seed derivation (SplitMix64's finaliser, Steele et al. 2014): a fixed, platform-independent
/// function, so the same base seed gives the same per-sample seeds on every machine and run.
enum SeedMixer {
    /// SplitMix64's output mix of one 64-bit value.
    static func mix(_ value: UInt64) -> UInt64 { PathSeeds.mix(value) }

    static func derive(_ base: UInt64, _ index: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: mix(mix(base) ^ index) >> 33)
    }
}

/// A small seeded generator (SplitMix64) for retry jitter: reproducible, no global state.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
