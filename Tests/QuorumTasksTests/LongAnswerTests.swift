import Foundation
import QuorumTestSupport
import Testing
@testable import QuorumTasks

/// Long answers and path texts (issue 15, item 4). Before, the math expression code recursed once per term, so
/// an answer of ~100,000 letters, signs or `1+` stopped the process (a stack overflow in parsing, `variables`,
/// or the deallocation of the tree), and extraction read the rest of the text once per answer phrase or per
/// unclosed `\boxed{`, which took hours on a megabyte. The commands run in a child process, so a crash fails
/// the test instead of ending the test run.
@Suite struct LongAnswerTests {
    static let length = 1_000_000

    /// Answers that crashed or went quadratic, by name.
    static func shapes(_ n: Int) -> [(name: String, text: String)] {
        [
            ("letters", String(repeating: "a", count: n)),
            ("product", String(repeating: "x", count: n) + " = 3"),
            ("signs", String(repeating: "-", count: n) + "1"),
            ("sum", String(repeating: "1+", count: n / 2) + "1"),
            ("factorials", "3" + String(repeating: "!", count: n)),
            ("functions", String(repeating: "\\sin", count: n / 4) + "x"),
            ("roots", String(repeating: "\\sqrt", count: n / 5) + "2"),
            ("parentheses", String(repeating: "(", count: n / 2) + "1" + String(repeating: ")", count: n / 2)),
            ("unclosed boxes", String(repeating: "\\boxed{", count: n / 7)),
            ("answer phrases", String(repeating: "The answer is ", count: n / 14)),
            ("numbers", String(repeating: "1 ", count: n / 2)),
            ("labels", String(repeating: "(A", count: n / 2)),
            ("periods", "." + String(repeating: ".", count: n) + "5"),
            ("colons", String(repeating: ":", count: n) + "B"),
            ("currency", "$" + String(repeating: " ", count: n) + "5"),
        ]
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// A paths file with one problem per shape: two paths answer the long text, one answers "1" (the gold).
    static func pathsFile() throws -> String {
        var lines: [String] = []
        for (name, text) in shapes(length) {
            for (path, answer) in [text, text, "1"].enumerated() {
                lines.append(try json([
                    "problem": "long/\(name)", "path": path, "text": "t", "answer": answer, "mean_logprob": -0.5, "gold": "1",
                ]))
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-long-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test(arguments: ["default", "reference"])
    func selectReadsMegabyteAnswers(equality: String) throws {
        let file = try Self.pathsFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        for method in ["rpc", "sc"] {
            let result = try CLI.run(["select", file, "--method", method, "--equality", equality])
            #expect(result.status == 0, "\(method): \(result.stderr.prefix(2000))")
            let selections = result.stdout.split(separator: "\n")
            #expect(selections.count == Self.shapes(1).count, "\(method)")
            // Each problem's two long answers agree with each other and not with "1": the long one wins the vote
            // (the parentheses around 1 are 1 itself to the reference's rules, which strip brackets as text).
            for line in selections {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let problem = object["problem"] as? String ?? "?"
                guard problem != "long/parentheses" else { continue }
                #expect((object["answer"] as? String)?.count ?? 0 > 1000, "\(method): \(problem)")
            }
        }
    }

    @Test func evalReadsMegabyteAnswers() throws {
        let file = try Self.pathsFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try CLI.run(["eval", file, "--methods", "sc,rpc", "--k", "1,3", "--seeds", "2"])
        #expect(result.status == 0, "\(result.stderr.prefix(2000))")
        #expect(result.stdout.contains("| RPC |"), "\(result.stdout)")
    }

    @Test(arguments: ["math", "choice", "text"])
    func extractReadsMegabyteTexts(kind: String) throws {
        var lines: [String] = []
        for (name, text) in Self.shapes(Self.length) {
            lines.append(try Self.json(["problem": "long/\(name)", "text": text + "\nThe answer is 1.", "choices": ["1", "2", "3", "4"]]))
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-long-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["extract", "--kind", kind, file])
        #expect(result.status == 0, "\(result.stderr.prefix(2000))")
        let records = result.stdout.split(separator: "\n")
        #expect(records.count == Self.shapes(1).count)
        for line in records {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object.keys.contains("answer"), "\(object["problem"] ?? "?")")
        }
    }

    /// Sets and bare lists are unordered: pairing their items by value compared each with each (a set of
    /// 5,000 numbers took minutes). Items written alike now pair by counting; the rest by value, up to a bound.
    @Test func unorderedListsOfThousandsOfItemsCompare() {
        let items = (0..<5000).map(String.init)
        let set = "\\{" + items.joined(separator: ",") + "\\}"
        let reversed = "\\{" + items.reversed().joined(separator: ",") + "\\}"
        let equality = MathEquivalence()
        #expect(equality.equal(set, reversed))
        #expect(equality.equal(items.joined(separator: ", "), items.reversed().joined(separator: ", ")))
        #expect(!equality.equal(set, "\\{" + items.dropLast().joined(separator: ",") + ",5000\\}"))
        // Items that differ only in how they are written still pair by value below the bound.
        #expect(equality.equal("\\{1/2, 3, 0.25\\}", "\\{\\frac{1}{4}, 0.5, 3\\}"))
        #expect(MathEquivalence.multisetMatch(["a", "b", "a"], ["a", "a", "b"], equal: ==))
        #expect(!MathEquivalence.multisetMatch(["a", "b", "b"], ["a", "a", "b"], equal: ==))
    }

    /// The bounds themselves: expressions up to them still parse and evaluate; beyond them `parse` says nil
    /// (the answer is then compared as text), never crashes.
    @Test func expressionsUpToTheBoundsStillParse() throws {
        let hundredOnes = Array(repeating: "1", count: 100).joined(separator: "+")
        #expect(try #require(MathExpression.parse(hundredOnes, syntax: .latex)).evaluate() == 100)
        #expect(try #require(MathExpression.parse(hundredOnes, syntax: .python)).evaluate() == 100)
        #expect(try #require(MathExpression.parse("--3", syntax: .latex)).evaluate() == 3)
        #expect(try #require(MathExpression.parse("-+-2\\frac{1}{2}", syntax: .latex)).evaluate() == 2.5)
        #expect(try #require(MathExpression.parse("3!!", syntax: .latex)).evaluate() == 720)
        let tooMany = Array(repeating: "1", count: MathExpression.maximumNodes + 1).joined(separator: "+")
        #expect(MathExpression.parse(tooMany, syntax: .latex) == nil)
        #expect(MathExpression.parse(String(repeating: "\\sqrt", count: 300) + "2", syntax: .latex) == nil)
        #expect(MathExpression.parse(String(repeating: "7", count: MathExpression.maximumLength + 1), syntax: .latex) == nil)
        // A long answer still equals itself (as text) and differs from a different one.
        let long = String(repeating: "x", count: 200_000)
        #expect(MathEquivalence().equal(long, long))
        #expect(!MathEquivalence().equal(long, long + "y"))
    }
}
