import Foundation
import Testing
import QuorumTasks

/// Quorum's own task set, tasks/arith-easy.*, written by scripts/make-arith-easy.py.
@Suite struct ArithEasyTaskSetTests {
    @Test func xmlAndJSONLinesLoadToIdenticalProblems() throws {
        let jsonl = try TaskLoader.load(file: LoaderFixtures.repositoryFile("tasks/arith-easy.jsonl"))
        let xml = try TaskLoader.load(file: LoaderFixtures.repositoryFile("tasks/arith-easy.xml"))
        #expect(jsonl.layout == "quorum-jsonl")
        #expect(xml.layout == "quorum-xml")
        #expect(jsonl.name == "arith-easy")
        #expect(xml.name == "arith-easy")
        #expect(jsonl.rejections.isEmpty)
        #expect(xml.rejections.isEmpty)
        #expect(jsonl.problems.count >= 120)
        #expect(jsonl.problems == xml.problems)
    }

    @Test func problemsAreSmallWholeNumberWordProblems() throws {
        let set = try TaskLoader.load(file: LoaderFixtures.repositoryFile("tasks/arith-easy.jsonl"))
        #expect(set.problems.first?.id == "arith-easy/1")
        for problem in set.problems {
            #expect(problem.kind == .math)
            let gold = try #require(problem.gold.flatMap { Int($0) }, "\(problem.id): gold \(String(describing: problem.gold))")
            #expect(gold > 0 && gold < 100)
            #expect(problem.question.hasSuffix("?"))
            #expect(["1", "2"].contains(problem.metadata["steps"]))
        }
        let templates = Set(set.problems.compactMap { $0.metadata["template"] })
        #expect(templates.count >= 15)
        let twoStep = set.problems.filter { $0.metadata["steps"] == "2" }.count
        #expect(twoStep >= set.problems.count / 3)
        #expect(Set(set.problems.map(\.question)).count == set.problems.count)
    }

    @Test func fewShotExemplarsAreWorkedAndApartFromTheTestProblems() throws {
        let test = try TaskLoader.load(file: LoaderFixtures.repositoryFile("tasks/arith-easy.jsonl"))
        let fewshot = try TaskLoader.load(file: LoaderFixtures.repositoryFile("tasks/arith-easy.fewshot.jsonl"))
        #expect(fewshot.problems.count == 8)
        #expect(fewshot.rejections.isEmpty)
        let testQuestions = Set(test.problems.map(\.question))
        for exemplar in fewshot.problems {
            #expect(!testQuestions.contains(exemplar.question))
            let gold = try #require(exemplar.gold)
            let solution = try #require(exemplar.metadata["solution"])
            #expect(solution.hasSuffix("The answer is \(gold)."))
        }
    }

    /// The committed files are exactly what the script writes (it is deterministic).
    @Test func scriptReproducesTheCommittedFiles() throws {
        let names = ["arith-easy.jsonl", "arith-easy.xml", "arith-easy.fewshot.jsonl"]
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-arith-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: LoaderFixtures.packageRoot.appendingPathComponent("scripts/make-arith-easy.py"),
            to: copy.appendingPathComponent("scripts/make-arith-easy.py"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", copy.appendingPathComponent("scripts/make-arith-easy.py").path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for name in names {
            let made = try Data(contentsOf: copy.appendingPathComponent("tasks/\(name)"))
            let committed = try Data(contentsOf: URL(fileURLWithPath: LoaderFixtures.repositoryFile("tasks/\(name)")))
            #expect(made == committed, "\(name) differs from what scripts/make-arith-easy.py writes")
        }
    }
}
