import Foundation
import QuorumTasks
import Testing

/// Properties of the relations: symmetry over many answers, documented non-transitivity, the options
/// of ``MathEquivalence``, special values, and the RPC fixture's correctness matrix.
@Suite struct EquivalencePropertyTests {
    /// Answers of many shapes: the fixture's, LaTeX, tuples, labels, text, empty.
    static let pool: [String] = [
        "", "0", "-0", "0.5", ".5", "1/2", "2/4", "50", "50%", "50\\%", "5", "500", "0.05", "8", "8.0009", "8.0018",
        "1,000", "1000.0", "\\frac{1}{2}", "\\dfrac12", "2\\frac{1}{2}", "5/2", "2.5", "(1,2)", "[1,2]", "(1,2]",
        "\\left(1, 2\\right)", "x=3", "3", "y=3", "x^2+1", "1+x^2", "\\sqrt{2}", "1.4142", "\\pi", "A", "(A)", "b",
        "\\text{(B)}", "Evelyn", "\\text{Evelyn}", "1e3", "1000", "90^\\circ", "\\infty", "-\\infty", "\\frac{1}{0}",
        "**7**", "$7$", "7 apples", "\\{1,2\\}", "\\{2,1\\}", "1, 2", "nan", "inf", "{", "}", "\\", "((", "=",
    ]

    @Test(arguments: [EquivalenceMode.reference, .default])
    func mathRelationsAreSymmetricAndReflexive(mode: EquivalenceMode) {
        let relation: any AnswerEquivalence = mode == .default ? MathEquivalence() : ReferenceMathEquivalence()
        for a in Self.pool {
            #expect(relation.equal(a, a), "\(a) ~ \(a)")
            for b in Self.pool { #expect(relation.equal(a, b) == relation.equal(b, a), "\(mode): \(a) ~ \(b)") }
        }
    }

    @Test func choiceAndTextRelationsAreSymmetric() {
        let choices = ["A", "a", "(A)", "B)", "**B**", "Option C", "c.", "1", "01", "(2)", "", "heat", "Heat."]
        for relation in [ChoiceEquivalence() as any AnswerEquivalence, TextEquivalence()] {
            for a in choices {
                for b in choices { #expect(relation.equal(a, b) == relation.equal(b, a), "\(a) ~ \(b)") }
            }
        }
    }

    @Test func toleranceChainsAreNotTransitive() {
        for relation in [MathEquivalence() as any AnswerEquivalence, ReferenceMathEquivalence()] {
            #expect(relation.equal("8", "8.0009"))
            #expect(relation.equal("8.0009", "8.0018"))
            #expect(!relation.equal("8", "8.0018"))
        }
        // Fixture problem 9: 1/2 ~ 0.5 ~ 50%, but not 1/2 ~ 50% in the reference mode.
        let reference = ReferenceMathEquivalence()
        #expect(reference.equal("1/2", "0.5") && reference.equal("0.5", "50%") && !reference.equal("1/2", "50%"))
    }

    @Test func optionsOfTheDefaultMode() {
        #expect(MathEquivalence().equal("50", "0.5"))
        #expect(!MathEquivalence(percentInsensitive: false).equal("50", "0.5"))
        #expect(MathEquivalence(percentInsensitive: false).equal("50%", "0.5"), "a written % still divides by 100")
        #expect(MathEquivalence().equal("3", "3.0009"))
        #expect(!MathEquivalence(tolerance: 0).equal("3", "3.0009"))
        #expect(MathEquivalence(tolerance: 0).equal("\\frac{3}{4}", "0.75"))
        #expect(MathEquivalence(tolerance: 0.1).equal("3", "3.05"))
    }

    @Test func specialValues() {
        let relation = MathEquivalence()
        #expect(relation.equal("\\infty", "\\infty"))
        #expect(!relation.equal("\\infty", "-\\infty"))
        #expect(!relation.equal("\\frac{1}{0}", "\\frac{1}{0}x"))
        #expect(!relation.equal("0", ""))
        #expect(relation.equal("", ""))
        #expect(!ReferenceMathEquivalence().equal("nan", "0"))
    }

    /// The fixture's `accuracy[j][i]` says whether path j of problem i is correct under the reference
    /// equality: the reference mode must reproduce all 2880 flags.
    @Test func referenceModeReproducesTheFixtureCorrectnessMatrix() throws {
        let data = try ExtractionTestSupport.sharedData("fixtures/rpc/fixture.json")
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let predict = try #require(fixture["predict"] as? [[String]])
        let gold = try #require(fixture["answer"] as? [String])
        let accuracy = try #require(fixture["accuracy"] as? [[Any]])
        let relation = ReferenceMathEquivalence()
        var checked = 0
        var wrong: [String] = []
        for (problem, answers) in predict.enumerated() {
            for (path, answer) in answers.enumerated() {
                let flag = accuracy[path][problem]
                let expected = (flag as? Bool) ?? ((flag as? NSNumber)?.doubleValue == 1)
                if relation.equal(answer, gold[problem]) != expected { wrong.append("\(problem)/\(path): \(answer) vs \(gold[problem])") }
                checked += 1
            }
        }
        #expect(checked == 2880)
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }
}
