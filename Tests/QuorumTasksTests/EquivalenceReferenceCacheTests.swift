import Foundation
import QuorumTasks
import Testing

/// The reference-compatible mode must reproduce the RPC reference's equality cache entry for entry.
@Suite struct EquivalenceReferenceCacheTests {
    /// `(a, b, expected)` for every key `a<##>b` of fixtures/rpc/fixture.equal_cache.json.
    static func cacheEntries() throws -> [(String, String, Bool)] {
        let data = try ExtractionTestSupport.sharedData("fixtures/rpc/fixture.equal_cache.json")
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Bool] else {
            throw ExtractionTestSupport.SupportError.malformed("equal_cache is not an object of booleans")
        }
        return try object.map { key, value in
            let parts = key.components(separatedBy: "<##>")
            guard parts.count == 2 else { throw ExtractionTestSupport.SupportError.malformed(key) }
            return (parts[0], parts[1], value)
        }
    }

    @Test func reproducesEveryCacheEntry() throws {
        let entries = try Self.cacheEntries()
        #expect(entries.count == 2352)
        let plain = ReferenceMathEquivalence()
        let cached = makeEquivalence(kind: .math, mode: .reference)
        var mismatches: [String] = []
        for (a, b, expected) in entries {
            if plain.equal(a, b) != expected || cached.equal(a, b) != expected {
                mismatches.append("\(a) <##> \(b): expected \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(entries.count) differ: \(mismatches.prefix(20))")
        #expect(entries.filter(\.2).count == 450)
    }

    @Test func cacheHoldsBothKeyOrdersWithTheSameValue() throws {
        let entries = try Self.cacheEntries()
        var values: [String: Bool] = [:]
        for (a, b, value) in entries { values[a + "<##>" + b] = value }
        for (a, b, value) in entries {
            #expect(values[b + "<##>" + a] == value, "\(a) <##> \(b)")
        }
    }

    @Test func defaultModeDiffersFromReferenceOnlyWhereItReadsMore() throws {
        // On the fixture, the default mode agrees with the reference except where it parses fractions
        // as values (the reference only did so through sympy, without its percent rule): `1/2` and `2/4`
        // against `50%` and `50`, which the percent-insensitive rule of spec/rpc.md makes equal.
        let entries = try Self.cacheEntries()
        let standard = MathEquivalence()
        var disagreements = Set<String>()
        for (a, b, expected) in entries where standard.equal(a, b) != expected {
            disagreements.insert([a, b].sorted().joined(separator: " ~ "))
        }
        #expect(
            disagreements == ["1/2 ~ 50", "1/2 ~ 50%", "1/2 ~ 50\\%", "2/4 ~ 50%"], "\(disagreements.sorted())")
    }
}
