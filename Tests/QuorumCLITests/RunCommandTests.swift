import Foundation
import QuorumTestSupport
import Testing

/// `quorum run` end to end on the real smollm2-135m (a few problems, few samples, short paths): a run killed
/// with SIGKILL and resumed writes what an uninterrupted run writes; a truncated last line is repaired; other
/// settings are refused unless --force.
@Suite(.serialized) struct RunCommandTests {
    static let model = "smollm2-135m"
    static let samples = 3
    static let problems = 3

    static var repository: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-run-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The arguments of a short run into `out` (one few-shot exemplar keeps the prompt short).
    static func arguments(out: String, in dir: String, model: String = model, _ extra: [String] = []) throws -> [String] {
        let shots = dir + "/one-shot.jsonl"
        if !FileManager.default.fileExists(atPath: shots) {
            let all = try String(contentsOf: repository.appendingPathComponent("tasks/arith-easy.fewshot.jsonl"), encoding: .utf8)
            try String(all.split(separator: "\n")[0] + "\n").write(toFile: shots, atomically: true, encoding: .utf8)
        }
        return [
            "run", repository.appendingPathComponent("tasks/arith-easy.jsonl").path, "--model", model, "--fewshot", shots,
            "--samples", "\(samples)", "--limit", "\(problems)", "--max-tokens", "12", "--seed", "7", "--out", out,
        ] + extra
    }

    /// The records of a paths file by "problem#path", without the wall-clock field; duplicates are an issue.
    static func records(_ file: String) throws -> [String: NSDictionary] {
        var out: [String: NSDictionary] = [:]
        let text = String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self)
        for line in text.split(separator: "\n") {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            var cost = try #require(object["cost"] as? [String: Any])
            cost["seconds"] = nil
            object["cost"] = cost
            let key = "\(object["problem"]!)#\(object["path"]!)"
            #expect(out[key] == nil, "duplicate \(key)")
            out[key] = object as NSDictionary
        }
        return out
    }

    static func lineCount(_ file: String) -> Int {
        (FileManager.default.contents(atPath: file) ?? Data()).reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// One uninterrupted run, shared by the tests: the directory holding its folder `reference`.
    static let referenceRun = Task<String, any Error> {
        let dir = try temporaryDirectory()
        let r = try CLI.run(try arguments(out: dir + "/reference", in: dir, ["--quiet"]))
        guard r.status == 0 else { throw CLIFailure(message: r.stderr) }
        return dir
    }

    /// The shared uninterrupted run: its directory and its records.
    static func reference() async throws -> (String, [String: NSDictionary]) {
        let dir = try await referenceRun.value
        return (dir, try records(dir + "/reference/paths.jsonl"))
    }

    struct CLIFailure: Error { let message: String }

    @Test func anUninterruptedRunWritesEveryPathAndASummary() async throws {
        try CLI.requireModel(Self.model)
        let (dir, records) = try await Self.reference()
        #expect(records.count == Self.samples * Self.problems)
        let run = try #require(FileManager.default.contents(atPath: dir + "/reference/run.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: run) as? [String: Any])
        #expect((manifest["model"] as? [String: Any])?["identity"] as? String == "smollm2-135m@b179c952")
        #expect((manifest["task_set"] as? [String: Any])?["limit"] as? Int == Self.problems)
        let first = try #require(records["arith-easy/1#0"])
        #expect(first["model"] as? String == "smollm2-135m@b179c952")
        #expect(first["gold"] as? String == "12")
        #expect((first["tokens"] as? [Int])?.count == (first["logprobs"] as? [Double])?.count)
    }

    /// `--report` on a finished run (a copy of the shared one: nothing left to sample) writes the report.
    @Test func reportFlagWritesTheReportIntoTheRunFolder() async throws {
        try CLI.requireModel(Self.model)
        let (dir, _) = try await Self.reference()
        let out = dir + "/reported"
        try FileManager.default.copyItem(atPath: dir + "/reference", toPath: out)
        let r = try CLI.run(try Self.arguments(out: out, in: dir, ["--quiet", "--report"]))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("report written to \(out)/report/report.html"))
        for name in ["report.html", "report.md", "report.json", "rpc-1.svg", "accuracy-vs-k-1.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/report/" + name), "\(name)")
        }
        let html = try String(contentsOfFile: out + "/report/report.html", encoding: .utf8)
        // The questions come from the task file the run was given.
        #expect(html.contains("Rosa picked 4 flowers in the morning"))
    }

    @Test func aRunKilledMidwayAndResumedWritesWhatAnUninterruptedRunWrites() async throws {
        try CLI.requireModel(Self.model)
        let (_, expected) = try await Self.reference()
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/killed"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        // One problem's paths per forward step, so the first problem is on disk well before the last one.
        process.arguments = try Self.arguments(out: out, in: dir, ["--quiet", "--batch", "\(Self.samples)"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it as soon as the first problem's paths are on disk. The watcher is an OS thread of its own: a task
        // sleeping on the cooperative pool could wake too late while CPU-bound suites hold the pool's threads
        // (the run then finished before the kill, as seen in CI).
        let pid = process.processIdentifier
        let pathsFile = out + "/paths.jsonl"
        let ended = EndedFlag()
        let watcher = Thread {
            let deadline = Date().addingTimeInterval(600)
            while Date() < deadline, !ended.value {
                if Self.lineCount(pathsFile) > 0 {
                    kill(pid, SIGKILL)
                    return
                }
                usleep(1000)
            }
        }
        watcher.start()
        process.waitUntilExit()
        ended.set()
        let linesAtKill = Self.lineCount(pathsFile)
        #expect(process.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
        #expect(linesAtKill > 0 && linesAtKill < Self.samples * Self.problems)

        let resumed = try CLI.run(try Self.arguments(out: out, in: dir))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming the run in \(out)"))
        let records = try Self.records(out + "/paths.jsonl")
        #expect(records == expected)
        #expect(resumed.stdout.contains("\(Self.problems) problems × \(Self.samples) paths"))
    }

    @Test func aTruncatedLastLineIsRepairedAndItsPathSampledAgain() async throws {
        try CLI.requireModel(Self.model)
        let (referenceDir, expected) = try await Self.reference()
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/cut"
        try FileManager.default.copyItem(atPath: referenceDir + "/reference", toPath: out)
        let full = try #require(FileManager.default.contents(atPath: out + "/paths.jsonl"))
        try full.prefix(full.count - 25).write(to: URL(fileURLWithPath: out + "/paths.jsonl"))
        let r = try CLI.run(try Self.arguments(out: out, in: dir, ["--quiet"]))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains(
            "\(out)/paths.jsonl:\(Self.samples * Self.problems): removed a truncated last line"))
        #expect(try Self.records(out + "/paths.jsonl") == expected)
        #expect(r.stdout.contains("(1 sampled in"))
    }

    @Test func otherSettingsAreRefusedAndForceStartsOver() async throws {
        try CLI.requireModel(Self.model)
        let (referenceDir, _) = try await Self.reference()
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/other"
        try FileManager.default.copyItem(atPath: referenceDir + "/reference", toPath: out)
        let before = try #require(FileManager.default.contents(atPath: out + "/paths.jsonl"))
        let refused = try CLI.run(try Self.arguments(out: out, in: dir, ["--temperature", "0.9", "--max-tokens", "8"]))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("decoder.settings.temperature: 0.7 → 0.9"))
        #expect(refused.stderr.contains("decoder.settings.max_tokens: 12 → 8"))
        #expect(refused.stderr.contains("--force"))
        #expect(FileManager.default.contents(atPath: out + "/paths.jsonl") == before)

        let forced = try CLI.run(try Self.arguments(out: out, in: dir, ["--temperature", "0.9", "--limit", "1", "--force", "--quiet"]))
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("--force: removed the earlier run's files"))
        #expect(try Self.records(out + "/paths.jsonl").count == Self.samples)
    }

    @Test func theChatTemplateUsesTheModelsChatMLFormat() async throws {
        try CLI.requireModel(Self.model)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/chat"
        let r = try CLI.run([
            "run", Self.repository.appendingPathComponent("tasks/arith-easy.jsonl").path, "--template", "chat",
            "--samples", "2", "--limit", "1", "--max-tokens", "8", "--out", out, "--quiet",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let data = try #require(FileManager.default.contents(atPath: out + "/run.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let template = try #require(manifest["template"] as? [String: Any])
        #expect(template["name"] as? String == "chat")
        #expect(template["stop"] as? [String] == [])
        #expect(template["text"] as? String == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by "
            + "Hugging Face<|im_end|>\n<|im_start|>user\n{question}\nThink step by step, then give the final number "
            + "as \"The answer is N.\"<|im_end|>\n<|im_start|>assistant\n")
        let records = try Self.records(out + "/paths.jsonl")
        #expect(records.count == 2)
        // The ChatML prompt is tokenized with its control tokens as single tokens: far fewer than its characters.
        let cost = try #require(records["arith-easy/1#0"]?["cost"] as? [String: Any])
        #expect((cost["prompt_tokens"] as? Int ?? 0) < 80)
    }

    @Test func problemsWithoutGoldAreSampledButNotEvaluated() async throws {
        try CLI.requireModel(Self.model)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"{"id": "1", "kind": "math", "question": "What is 2 + 2?"}"#.write(
            toFile: dir + "/nogold.jsonl", atomically: true, encoding: .utf8)
        let r = try CLI.run([
            "run", dir + "/nogold.jsonl", "--samples", "2", "--max-tokens", "6", "--out", dir + "/out", "--quiet",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("has a gold answer: nothing to select against or evaluate"))
        #expect(r.stdout.contains("1 problems × 2 paths (2 sampled in"))
        #expect(try Self.records(dir + "/out/paths.jsonl").count == 2)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/eval.json"))
    }

    @Test func badArgumentsAreRejectedBeforeAnythingIsWritten() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (extra, message) in [
            (["--top-p", "0"], "top-p must be in (0, 1]"), (["--max-tokens", "0"], "--max-tokens must be at least 1"),
            (["--template", "fewshot-choice"], "fewshot-choice is written for choice problems"),
        ] {
            let r = try CLI.run(try Self.arguments(out: dir + "/bad", in: dir, extra))
            #expect(r.status != 0)
            #expect(r.stderr.contains(message), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad/paths.jsonl"))
    }
}

/// Set once a watched process has been reaped, so that its watcher thread stops.
private final class EndedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var ended = false
    var value: Bool { lock.withLock { ended } }
    func set() { lock.withLock { ended = true } }
}
