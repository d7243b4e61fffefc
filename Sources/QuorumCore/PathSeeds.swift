/// The sampling seed of every (problem, path) pair of a run, derived from the run's seed alone.
///
/// `seed(problem:path:)` is a fixed function (SplitMix64's output mix, Steele et al. 2014, applied three times)
/// of the run seed, the problem's index in the task file and the path index, so a path's content never depends
/// on which other paths were sampled with it, in which order, or in how many sittings (kill and resume). Seeds
/// are below 2³¹: llama.cpp reads request seeds as 32-bit integers and some servers as signed ones, and a JSON
/// number holds them exactly.
public struct PathSeeds: Sendable, Hashable {
    /// The run's seed (`--seed`).
    public let runSeed: UInt64

    /// The seeds of the run with seed `runSeed`.
    public init(runSeed: UInt64) { self.runSeed = runSeed }

    /// The seed of path `path` of the problem at index `problem` (0-based, in task-file order).
    public func seed(problem: Int, path: Int) -> UInt32 {
        let z = Self.mix(Self.mix(Self.mix(runSeed) ^ UInt64(problem)) ^ (UInt64(path) &* 0x9E37_79B9))
        return UInt32(truncatingIfNeeded: z >> 33)
    }

    /// The seeds of paths `0..<count` of the problem at index `problem`.
    public func seeds(problem: Int, count: Int) -> [UInt32] {
        (0..<count).map { seed(problem: problem, path: $0) }
    }

    /// SplitMix64's output function of `value` plus the golden-ratio increment (Steele et al. 2014): the one
    /// seed mixer of Quorum (path seeds, per-request seeds of the HTTP backend and of the server decoders).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// How the seeds are derived, as recorded in `run.json`.
    public static let derivation =
        "path seed = SplitMix64 mix of (run seed, problem index in the task file, path index), below 2^31"
}
