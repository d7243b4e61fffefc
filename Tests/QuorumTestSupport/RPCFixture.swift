import Foundation
import QuorumEval

/// The RPC reference fixture (../shared/fixtures/rpc): 60 problems × 48 paths, the reference equality
/// cache, numpy's path probabilities and the reference's outputs. Loaded once per process; immutable.
public final class RPCFixture: Sendable {
    /// The release file imported as a pool, with p replaced by numpy's values (fixture.np_exp.json).
    public let pool: PathPool
    /// The reference equality relation.
    public let equality: FixtureEquivalence
    /// The reference permutations: `permutations[m][seed]`.
    public let permutations: [Int: [[Int]]]
    /// oracle.json.
    public let oracle: Oracle
    /// rpc_fits.json's `fits[K][seed][problem]`.
    public let fits: [Int: [[Fit]]]

    /// The K grid of the oracle.
    public static let ks = [1, 2, 4, 8, 16, 32, 48]
    /// The methods of the oracle.
    public static let methods = ["PPL", "SC", "PC", "RPC"]

    private static let shared = Result { try RPCFixture() }

    /// The fixture, loaded on first use.
    public static func load() throws -> RPCFixture {
        try shared.get()
    }

    private init() throws {
        let directory = "fixtures/rpc/"
        var pool = try RPCRelease.load(file: SharedFiles.url(directory + "fixture.json").path)
        let probabilities = try SharedFiles.decode([[Double]].self, directory + "fixture.np_exp.json")
        for i in pool.problems.indices {
            for j in pool.problems[i].paths.indices {
                pool.problems[i].paths[j].probability = probabilities[i][j]
            }
        }
        self.pool = pool
        equality = FixtureEquivalence(
            cache: try SharedFiles.decode([String: Bool].self, directory + "fixture.equal_cache.json"))
        let perm = try SharedFiles.decode([String: [String: [Int]]].self, directory + "permutations.json")
        var permutations: [Int: [[Int]]] = [:]
        for (m, seeds) in perm {
            permutations[Int(m)!] = (0..<seeds.count).map { seeds[String($0)]! }
        }
        self.permutations = permutations
        oracle = try SharedFiles.decode(Oracle.self, directory + "oracle.json")
        let rawFits = try SharedFiles.decode(FitsFile.self, directory + "rpc_fits.json").fits
        var fits: [Int: [[Fit]]] = [:]
        for (k, seeds) in rawFits {
            fits[Int(k)!] = (0..<seeds.count).map { seeds[String($0)]! }
        }
        self.fits = fits
    }

    /// Problem `index`'s paths at the given pool positions, in that order.
    public func subset(_ index: Int, positions: [Int]) -> ProblemPaths {
        let problem = pool.problems[index]
        return ProblemPaths(problem: problem.problem, gold: problem.gold, paths: positions.map { problem.paths[$0] })
    }

    /// The reference equality's answer table for problem `index` (over its whole pool).
    public func table(_ index: Int) -> AnswerTable {
        let problem = pool.problems[index]
        return AnswerTable(answers: problem.paths.map(\.answer), gold: problem.gold, equivalence: equality)
    }

    /// Every problem's answer table.
    public func tables() -> [AnswerTable] { pool.problems.indices.map(table) }

    /// The positions of seed `seed`'s K-subset of the 48-path pool.
    public func positions(k: Int, seed: Int) -> [Int] { Array(permutations[48]![seed].prefix(k)) }

    // MARK: - File layouts

    /// One reference fit (`nll` is NaN where scipy ended on a NaN value).
    public struct Fit: Sendable, Decodable {
        public var rawX: [Double]
        public var nll: Double
        public var prunedPositions: [Int]

        enum CodingKeys: String, CodingKey {
            case rawX = "raw_x", nll, prunedPositions = "pruned_positions"
        }
    }

    struct FitsFile: Decodable {
        var fits: [String: [String: [Fit]]]
    }

    /// oracle.json.
    public struct Oracle: Sendable, Decodable {
        /// `perSeed[method][K]`: ten entries, seeds 0–9.
        public var perSeed: [String: [String: [SeedEntry]]]
        /// `summary[method][K]`.
        public var summary: [String: [String: SummaryEntry]]
        /// `perProblem["seed0_K16" | "seed0_K48"]`.
        public var perProblem: [String: PerProblem]

        enum CodingKeys: String, CodingKey {
            case perSeed = "per_seed", summary, perProblem = "per_problem"
        }

        /// The per-seed entries of a method at K.
        public func perSeed(_ method: String, k: Int) -> [SeedEntry] { perSeed[method]![String(k)]! }
        /// The summary of a method at K.
        public func summary(_ method: String, k: Int) -> SummaryEntry { summary[method]![String(k)]! }
    }

    public struct SeedEntry: Sendable, Decodable {
        public var seed: Int
        public var accuracy: Double
        public var ece: Double
        public var brier: Double
        public var nll: Double
    }

    public struct SummaryEntry: Sendable, Decodable {
        public var accuracyMean: Double
        public var accuracyStd: Double
        public var eceMean: Double
        public var eceStd: Double

        enum CodingKeys: String, CodingKey {
            case accuracyMean = "accuracy_mean", accuracyStd = "accuracy_std", eceMean = "ece_mean"
            case eceStd = "ece_std"
        }
    }

    public struct PerProblem: Sendable, Decodable {
        public var seed: Int
        public var k: Int
        public var subsetIndices: [Int]
        public var problems: [ProblemRecord]

        enum CodingKeys: String, CodingKey {
            case seed, k = "K", subsetIndices = "subset_indices", problems
        }
    }

    public struct ProblemRecord: Sendable, Decodable {
        public var problem: Int
        public var gold: String
        public var methods: [String: MethodRecord]
        public var rpcFit: RPCFitRecord

        enum CodingKeys: String, CodingKey {
            case problem, gold, methods, rpcFit = "rpc_fit"
        }
    }

    public struct MethodRecord: Sendable, Decodable {
        public var credit: Double
        public var candidates: [CandidateRecord]
    }

    /// `[answer, confidence, correct]`.
    public struct CandidateRecord: Sendable, Decodable {
        public var answer: String
        public var confidence: Double
        public var correct: Bool

        public init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            answer = try container.decode(String.self)
            confidence = try container.decode(Double.self)
            correct = try container.decode(Bool.self)
        }
    }

    public struct RPCFitRecord: Sendable, Decodable {
        public var rawX: [Double]
        public var ordered: [String: Double]
        public var swapped: Bool
        public var nll: Double
        public var meanProba: Double
        public var prunedPositions: [Int]
        public var pHigh: [Double]

        enum CodingKeys: String, CodingKey {
            case rawX = "raw_x", ordered, swapped, nll, meanProba = "mean_proba"
            case prunedPositions = "pruned_positions", pHigh = "p_high"
        }
    }
}

/// The reference equality relation read from its cache (`"a<##>b"` → Bool): the ground truth for
/// fixture tests. Asking about a pair the cache lacks is a test bug and stops the test.
public struct FixtureEquivalence: AnswerEquivalence {
    public let cache: [String: Bool]

    public init(cache: [String: Bool]) {
        self.cache = cache
    }

    public func equal(_ a: String, _ b: String) -> Bool {
        guard let value = cache[a + "<##>" + b] else {
            preconditionFailure("equality cache has no entry for \"\(a)\" vs \"\(b)\"")
        }
        return value
    }
}
