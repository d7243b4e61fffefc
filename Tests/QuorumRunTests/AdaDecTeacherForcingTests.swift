import QuorumCore
import QuorumTasks
import Testing

@testable import QuorumRun

/// The gold texts AdaDec's calibration teacher-forces, from the real task files.
struct AdaDecTeacherForcingTests {
    static func load(_ file: String) throws -> TaskSet {
        try TaskLoader.load(file: RepositoryFiles.shared(file))
    }

    @Test func mbppProgramsGetLineFeedsAndSpaces() throws {
        let mbpp = try Self.load("tasks/mbpp/mbpp.jsonl")
        let first = try #require(mbpp.problems.first)
        let raw = try #require(first.metadata["code"])
        #expect(raw.contains("\r\n") && raw.contains("\t"), "the file's first program has CRLF and tabs")
        let gold = try #require(AdaDecTeacherForcing.solution(of: first))
        #expect(!gold.contains("\r") && !gold.contains("\n\t"))
        #expect(gold.hasPrefix("R = 3\nC = 3\ndef min_cost(cost, m, n): \n    tc = [[0 for x in range(C)] for x in range(R)] \n"))
        #expect(gold.contains("\n        tc[i][0] = tc[i-1][0] + cost[i][0] \n"), "two tabs become eight spaces")
        // Every MBPP problem has a program to force.
        #expect(mbpp.problems.allSatisfy { AdaDecTeacherForcing.solution(of: $0) != nil })
    }

    @Test func humanEvalUsesTheCanonicalBodyAndGSM8KTheWorkedSolution() throws {
        let humanEval = try Self.load("tasks/humaneval/HumanEval.jsonl.gz")
        let he = try #require(humanEval.problems.first)
        #expect(AdaDecTeacherForcing.solution(of: he) == he.metadata["canonical_solution"])
        let gsm = try Self.load("tasks/gsm8k/test.jsonl")
        let g = try #require(gsm.problems.first)
        let text = try #require(AdaDecTeacherForcing.solution(of: g))
        #expect(!text.contains("<<") && text.hasSuffix("The answer is \(g.gold!)."))
    }
}
