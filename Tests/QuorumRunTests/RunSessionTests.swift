import Foundation
import QuorumCore
import QuorumRun
import Testing

/// The events a session told, in order (the observer is called from the session's tasks).
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [RunEvent] = []
    func append(_ event: RunEvent) { lock.withLock { stored.append(event) } }
    var events: [RunEvent] { lock.withLock { stored } }
}

/// `RunSession`, the library's whole run (plan → sample → evaluate → write), on the real embedded engine with
/// the real small model: what it writes, what it tells, and resuming.
@Suite(.serialized) struct RunSessionTests {
    static func settings(out: String, samples: Int = 2) -> RunSettings {
        RunSettings(
            taskFile: RepositoryFiles.path("tasks/arith-easy.jsonl"), model: "smollm2-135m", threads: 1, samples: samples,
            decoder: DecoderSettings(temperature: 0.7, maxTokens: 24), seed: 3, limit: 2, out: out, tool: "quorum test")
    }

    static func run(_ settings: RunSettings) async throws -> (RunOutcome, [RunEvent]) {
        let log = EventLog()
        let outcome = try await RunSession(settings).run { log.append($0) }
        return (outcome, log.events)
    }

    @Test func aSessionWritesTheFolderAndTellsItsProgress() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/run"
        let (outcome, events) = try await Self.run(Self.settings(out: out))

        #expect(outcome.sampling.problems == 2)
        #expect(outcome.sampling.pathsWritten == 4)
        let evaluation = try #require(outcome.evaluation, "arith-easy has gold answers: the run is evaluated")
        #expect(evaluation.ks == [1, 2])
        for file in ["run.json", "paths.jsonl", "selections.jsonl", "eval.json", "eval.md", "cost.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let paths = try String(contentsOfFile: out + "/paths.jsonl", encoding: .utf8)
        #expect(paths.split(separator: "\n").count == 4)
        let manifest = try RunFolder(path: out).readManifest()
        #expect(manifest.samples == 2 && manifest.seed == 3 && manifest.taskSet.kind == .math)
        #expect(manifest.model.backend == .engine && manifest.equivalence == .default)
        #expect(try RunFolder(path: out).readSelections().count == 2 * 4, "four methods × two problems")

        // Progress comes before the end of sampling, the tables and the summary after it; the summary is last.
        let finished = try #require(events.firstIndex { if case .samplingFinished = $0 { true } else { false } })
        #expect(events.prefix(finished).contains { if case .progress = $0 { true } else { false } })
        #expect(!events.suffix(from: finished).contains { if case .progress = $0 { true } else { false } })
        guard case .output(let last) = events.last else {
            Issue.record("the last event is not the summary: \(String(describing: events.last))")
            return
        }
        #expect(last == outcome.summary)
        #expect(last.hasPrefix("2 problems × 2 paths (4 sampled in "))
        #expect(events.contains { if case .output(let text) = $0 { text.contains("| Method |") } else { false } })
    }

    @Test func aSecondSessionResumesAndOtherSettingsAreRefused() async throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/run"
        _ = try await Self.run(Self.settings(out: out))
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/paths.jsonl"))

        let (again, events) = try await Self.run(Self.settings(out: out))
        #expect(again.sampling.pathsWritten == 0)
        #expect(events.contains { if case .message(let m) = $0 { m == "resuming the run in \(out)" } else { false } })
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/paths.jsonl")) == before)

        await #expect(throws: RunError.self) { _ = try await Self.run(Self.settings(out: out, samples: 3)) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/paths.jsonl")) == before, "a refused run loses nothing")
    }
}
