import Foundation
import QuorumReport

/// A small run folder written by the tests in the real on-disk format of `quorum run` (run.json, paths.jsonl
/// with gold and cost on every line) plus its task file, with deterministic pseudo-random paths.
struct ReportFixture {
    let root: URL
    var folder: String { root.appendingPathComponent("run-a").path }
    var tasksFile: String { root.appendingPathComponent("fixture.jsonl").path }
    var pathsFile: String { folder + "/paths.jsonl" }

    /// Problems p1…pN with `paths` paths each; `questions` overrides some questions (hostile text).
    init(problems: Int = 8, paths: Int = 6, questions: [Int: String] = [:], seed: UInt64 = 7) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: root.appendingPathComponent("run-a").path, withIntermediateDirectories: true)
        var state = seed
        func next() -> Double {  // SplitMix64 → [0, 1)
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var taskLines = ""
        var pathLines = ""
        for p in 0..<problems {
            let gold = "\(10 + p)"
            let question = questions[p] ?? "Problem \(p): what is \(5 + p) + 5?"
            taskLines += try json(["id": "\(p + 1)", "kind": "math", "question": question, "answer": gold]) + "\n"
            for i in 0..<paths {
                let r = next()
                // Mostly right, sometimes a wrong answer or none; right answers a little more likely.
                let answer = r < 0.55 ? gold : r < 0.8 ? "\(11 + p)" : r < 0.93 ? "\(3 * p)" : ""
                let meanLogprob = -(0.15 + 0.6 * next()) - (answer == gold ? 0 : 0.1)
                let tokens = 20 + Int(40 * next())
                let text = " Some reasoning for path \(i) <b>&amp;</b> \"quoted\". The answer is \(answer).\n"
                pathLines += try json([
                    "problem": "fixture/\(p + 1)", "path": i, "text": text, "answer": answer, "gold": gold,
                    "mean_logprob": meanLogprob, "finish": "stop",
                    "cost": ["prompt_tokens": 100, "generated_tokens": tokens, "flops": Double(tokens + 100) * 2e6, "seconds": Double(tokens) / 20],
                ]) + "\n"
            }
        }
        try taskLines.write(toFile: tasksFile, atomically: true, encoding: .utf8)
        try pathLines.write(toFile: pathsFile, atomically: true, encoding: .utf8)
        let manifest: [String: Any] = [
            "schema_version": 1, "tool": "quorum test", "created": "2026-11-29T00:00:00Z",
            "task_set": ["path": tasksFile, "name": "fixture", "kind": "math", "layout": "quorum-jsonl", "problems": problems, "sha256": "00"],
            "model": ["identity": "test-model@0000", "backend": "engine", "parameters": 1_000_000],
            "decoder": ["name": "sample", "settings": ["temperature": 0.7, "top_p": 1, "top_k": 0, "min_p": 0, "max_tokens": 64]],
            "samples": paths, "seed": 0, "seed_derivation": "test", "equivalence": "default",
            "template": ["name": "fewshot-math", "text": "Q: {question}\nA:", "stop": ["\n\n"]],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: URL(fileURLWithPath: folder + "/run.json"))
    }

    /// A copy of this run under another folder name (for side-by-side reports).
    func copy(named name: String) throws -> String {
        let target = root.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: folder, toPath: target)
        return target
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    private func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
