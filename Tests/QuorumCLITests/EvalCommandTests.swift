import Foundation
import QuorumTestSupport
import Testing

/// `quorum eval` on the RPC release fixture with the reference equality of QuorumTasks: the reference
/// methods reproduce the paper's protocol numbers (oracle.json).
@Suite struct EvalCommandTests {
    /// ../shared/fixtures/rpc beside the package root.
    static var fixtures: URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        return directory.deletingLastPathComponent().appendingPathComponent("shared/fixtures/rpc")
    }

    struct OracleSummary: Decodable {
        var summary: [String: [String: Entry]]
        struct Entry: Decodable {
            var accuracy_mean: Double
            var ece_mean: Double
        }
    }

    @Test func reproducesTheReferenceOnTheFixture() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-eval-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let r = try CLI.run([
            "eval", Self.fixtures.appendingPathComponent("fixture.json").path, "--k", "1,4,16,48",
            "--equality", "reference", "--json", output.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("| Method | K=1 | K=4 | K=16 | K=48 |"))
        #expect(r.stdout.contains("| RPC | "))
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true  // oracle.json holds Python's NaN
        let oracle = try decoder.decode(
            OracleSummary.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("oracle.json")))
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        #expect(ours["pool_size"] as? Int == 48 && ours["problems"] as? Int == 60)
        let methods = try #require(ours["methods"] as? [String: [String: [String: Any]]])
        for (name, method) in [("PPL", "ppl"), ("SC", "sc"), ("PC", "pc"), ("RPC", "rpc")] {
            for k in ["1", "4", "16", "48"] {
                let point = try #require(methods[method]?[k])
                let reference = try #require(oracle.summary[name]?[k])
                // p comes from Swift's exp here, not numpy's (1-ulp differences), and the equality from
                // QuorumTasks rather than the cache; RPC also fits with our own optimiser.
                let tolerance = method == "rpc" ? 2 : 1e-6
                #expect(abs((point["accuracy_mean"] as! Double) - reference.accuracy_mean) <= tolerance, "\(name) K \(k)")
                #expect(abs((point["ece_mean"] as! Double) - reference.ece_mean) <= tolerance, "\(name) K \(k)")
                #expect(point.keys.contains("auroc_mean") && point.keys.contains("brier_mean"))
                #expect((point["per_seed"] as? [Any])?.count == 10)
            }
        }
    }

    @Test func rejectsBadArguments() throws {
        let fixture = Self.fixtures.appendingPathComponent("fixture.json").path
        let method = try CLI.run(["eval", fixture, "--methods", "sc,vote"])
        #expect(method.status == 64 && method.stderr.contains("unknown method \"vote\""))
        let k = try CLI.run(["eval", fixture, "--k", "1,0"])
        #expect(k.status == 64 && k.stderr.contains("--k"))
        let seeds = try CLI.run(["eval", fixture, "--seeds", "0"])
        #expect(seeds.status == 64)
        let tooLarge = try CLI.run(["eval", fixture, "--k", "64", "--methods", "sc"])
        #expect(tooLarge.status == 2 && tooLarge.stderr.contains("K = 64 is not in 1...48"))
    }
}

/// `quorum eval` with problems it must skip: before issue 15 it listed them and exited 0, so a script could
/// not tell figures over fewer problems from the full ones.
@Suite struct EvalSkippedProblemTests {
    /// p/1 and p/2 with two paths each, p/3 with one (skipped: the pool size is 2).
    static func pathsFile() throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-eval-skip-\(UUID()).jsonl").path
        var lines: [String] = []
        for (problem, count) in [("p/1", 2), ("p/2", 2), ("p/3", 1)] {
            for path in 0..<count {
                lines.append(#"{"problem":"\#(problem)","path":\#(path),"text":"7","answer":"7","gold":"7","mean_logprob":-0.5}"#)
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func skippedProblemsFailTheCommandAfterTheFiguresUnlessAllowed() throws {
        let file = try Self.pathsFile()
        let json = file + ".eval.json"
        defer {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: json)
        }
        let strict = try CLI.run(["eval", file, "--k", "1,2", "--seeds", "2", "--methods", "sc", "--json", json])
        #expect(strict.status == 1, "\(strict.stderr)")
        #expect(strict.stdout.contains("| SC | "), "the figures are still printed")
        #expect(FileManager.default.fileExists(atPath: json), "and written")
        #expect(strict.stderr.contains("p/3"))
        #expect(strict.stderr.hasSuffix(
            "error: 1 of 3 problems were skipped (listed above), so the figures cover only 2; fix the input or pass "
                + "--allow-skipped to accept this\n"), "\(strict.stderr)")
        let allowed = try CLI.run(["eval", file, "--k", "1,2", "--seeds", "2", "--methods", "sc", "--allow-skipped"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("p/3") && !allowed.stderr.contains("error:"))
        let help = try CLI.run(["eval", "--help"])
        #expect(help.stdout.contains("--allow-skipped"))
    }
}
