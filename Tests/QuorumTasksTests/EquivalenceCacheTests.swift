import Foundation
import QuorumTasks
import Testing

/// The pair cache: symmetric, shared by copies, correct under concurrent use.
@Suite struct EquivalenceCacheTests {
    /// A deliberately asymmetric relation, to show that the cache makes any base symmetric.
    struct ShorterThan: AnswerEquivalence {
        func equal(_ a: String, _ b: String) -> Bool { a.count < b.count }
    }

    /// A relation that counts how often it is asked (thread-safe), to show each pair is computed once.
    final class CountingMath: AnswerEquivalence, @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0
        let base = MathEquivalence()
        func equal(_ a: String, _ b: String) -> Bool {
            lock.withLock { calls += 1 }
            return base.equal(a, b)
        }
        var callCount: Int { lock.withLock { calls } }
    }

    @Test func cachedRelationIsSymmetricEvenOverAnAsymmetricBase() {
        let cached = CachedEquivalence(ShorterThan())
        let words = ["a", "bb", "ccc", "", "dddd"]
        for x in words {
            for y in words { #expect(cached.equal(x, y) == cached.equal(y, x), "\(x) ~ \(y)") }
        }
    }

    @Test func eachUnorderedPairIsComputedOnce() {
        let counting = CountingMath()
        let cached = CachedEquivalence(counting)
        #expect(cached.equal("1/2", "0.5"))
        #expect(cached.equal("0.5", "1/2"))
        #expect(cached.equal("1/2", "0.5"))
        #expect(counting.callCount == 1)
        #expect(cached.cachedPairCount == 1)
        let copy = cached
        #expect(!copy.equal("3", "4"))
        #expect(cached.cachedPairCount == 2, "copies share one cache")
        #expect(CachedEquivalence(counting).cachedPairCount == 0, "a new value starts empty")
    }

    @Test func concurrentUseGivesTheUncachedAnswers() async throws {
        let data = try ExtractionTestSupport.sharedData("fixtures/rpc/fixture.equal_cache.json")
        let cache = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Bool])
        let pairs = cache.keys.map { $0.components(separatedBy: "<##>") }.map { ($0[0], $0[1]) }
        let equivalence = makeEquivalence(kind: .math, mode: .reference)
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var wrong = 0
                    // Every worker walks all pairs, from a different start, so pairs are computed and
                    // read concurrently.
                    for offset in 0..<pairs.count {
                        let (a, b) = pairs[(offset + worker * 293) % pairs.count]
                        if equivalence.equal(a, b) != cache[a + "<##>" + b] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        let cached = try #require(equivalence as? CachedEquivalence<ReferenceMathEquivalence>)
        let unordered = Set(pairs.map { [$0.0, $0.1].sorted() })
        #expect(cached.cachedPairCount == unordered.count)
    }

    @Test func factoryPicksTheRelationPerKindAndMode() {
        #expect(makeEquivalence(kind: .math, mode: .reference) is CachedEquivalence<ReferenceMathEquivalence>)
        #expect(makeEquivalence(kind: .math, mode: .default) is CachedEquivalence<MathEquivalence>)
        #expect(makeEquivalence(kind: .choice, mode: .default) is CachedEquivalence<ChoiceEquivalence>)
        #expect(makeEquivalence(kind: .choice, mode: .reference) is CachedEquivalence<ChoiceEquivalence>)
        #expect(makeEquivalence(kind: .text, mode: .default) is CachedEquivalence<TextEquivalence>)
        #expect(makeEquivalence(kind: .code, mode: .default) is CachedEquivalence<TextEquivalence>)
        #expect(EquivalenceMode.allCases.map(\.rawValue) == ["reference", "default"])
    }
}
