import Foundation
import QuorumTasks
import Testing

/// Hand-written equality cases (Resources/equivalence-cases.jsonl), each checked in both argument orders,
/// in both modes, directly and through the cached factory.
@Suite struct EquivalenceCaseTests {
    struct Case: Sendable {
        var a: String
        var b: String
        var kind: TaskKind
        var expectedDefault: Bool
        var expectedReference: Bool
        var note: String
    }

    static let cases = Result { try readCases() }

    static func readCases() throws -> [Case] {
        let data = try ExtractionTestSupport.resource("equivalence-cases.jsonl")
        return try data.split(separator: UInt8(ascii: "\n")).enumerated().map { number, line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let a = object["a"] as? String, let b = object["b"] as? String,
                let kind = (object["kind"] as? String).flatMap(TaskKind.init(rawValue:)),
                let expectedDefault = object["default"] as? Bool, let expectedReference = object["reference"] as? Bool
            else { throw ExtractionTestSupport.SupportError.malformed("equivalence-cases line \(number + 1)") }
            return Case(
                a: a, b: b, kind: kind, expectedDefault: expectedDefault, expectedReference: expectedReference,
                note: object["note"] as? String ?? "")
        }
    }

    @Test(arguments: EquivalenceMode.allCases)
    func everyCaseInBothOrders(mode: EquivalenceMode) throws {
        let cases = try Self.cases.get()
        var failures: [String] = []
        let cached = Dictionary(uniqueKeysWithValues: TaskKind.allCases.map { ($0, makeEquivalence(kind: $0, mode: mode)) })
        for item in cases {
            let expected = mode == .default ? item.expectedDefault : item.expectedReference
            let direct: any AnswerEquivalence =
                switch (item.kind, mode) {
                case (.math, .default): MathEquivalence()
                case (.math, .reference): ReferenceMathEquivalence()
                default: ChoiceEquivalence()
                }
            for (x, y) in [(item.a, item.b), (item.b, item.a)] {
                for (name, relation) in [("direct", direct), ("cached", cached[item.kind]!)]
                where relation.equal(x, y) != expected {
                    failures.append("\(name) \(mode) \(x) ~ \(y): expected \(expected) (\(item.note))")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func thereAreEnoughCasesOfEachKind() throws {
        let cases = try Self.cases.get()
        #expect(cases.count >= 100)
        #expect(cases.filter { $0.kind == .math }.count >= 80)
        #expect(cases.filter { $0.kind == .choice }.count >= 15)
        // Both outcomes and both kinds of disagreement between the modes are represented.
        #expect(cases.contains { $0.expectedDefault && !$0.expectedReference })
        #expect(cases.contains { !$0.expectedDefault && $0.expectedReference })
        #expect(cases.contains { !$0.expectedDefault && !$0.expectedReference })
    }
}
