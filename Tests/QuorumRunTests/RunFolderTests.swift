import Foundation
import QuorumCore
import QuorumRun
import Testing

/// run.json: created, matched on resume, differences refused unless forced.
@Suite struct RunFolderTests {
    static func manifest(temperature: Double = 0.7, taskPath: String = "tasks/a.jsonl", tool: String = "quorum 1") throws -> RunManifest {
        let template = try ResolvedTemplate(name: nil, fewShotFile: nil, kind: .math, chatTemplate: nil, model: "m")
        return RunManifest(
            tool: tool,
            taskSet: .init(path: taskPath, sha256: "ab", name: "a", layout: .quorumJSONL, kind: .math, problems: 3, limit: nil),
            model: .init(identity: "m@12345678", backend: .engine, file: "/x/m.gguf", sha256: "12345678ff", parameters: 10, threads: 2),
            decoder: .init(DecoderSettings(temperature: temperature)), samples: 4, seed: 1,
            template: .init(template), equivalence: .default)
    }

    @Test func aNewFolderGetsRunJSONAndTheSameSettingsResume() throws {
        let dir = try RepositoryFiles.temporaryDirectory() + "/run"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = RunFolder(path: dir)
        #expect(try folder.prepare(Self.manifest(), force: false) == .created)
        let stored = try #require(FileManager.default.contents(atPath: folder.runFile))
        let object = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
        #expect((object["decoder"] as? [String: Any])?["name"] as? String == "sample")
        #expect((object["template"] as? [String: Any])?["name"] as? String == "fewshot-math")
        // Volatile fields (tool, time, paths to files) may differ.
        #expect(try folder.prepare(Self.manifest(taskPath: "/elsewhere/a.jsonl", tool: "quorum 2"), force: false) == .resumed)
        #expect(FileManager.default.contents(atPath: folder.runFile) == stored)
    }

    @Test func otherSettingsAreRefusedUnlessForced() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = RunFolder(path: dir + "/run")
        _ = try folder.prepare(Self.manifest(), force: false)
        try "{}\n".write(toFile: folder.pathsFile, atomically: true, encoding: .utf8)
        try "keep me".write(toFile: folder.path + "/notes.txt", atomically: true, encoding: .utf8)
        let warmer = try Self.manifest(temperature: 0.9)
        do throws(RunError) {
            _ = try folder.prepare(warmer, force: false)
            Issue.record("accepted other settings")
        } catch {
            #expect(error == .settingsDiffer(runFile: folder.runFile, differences: ["decoder.settings.temperature: 0.7 → 0.9"]))
            #expect(error.description.contains("--force"))
        }
        #expect(FileManager.default.fileExists(atPath: folder.pathsFile))
        #expect(try folder.prepare(Self.manifest(temperature: 0.9), force: true) == .replaced)
        #expect(!FileManager.default.fileExists(atPath: folder.pathsFile))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/notes.txt"))
        #expect(try folder.prepare(Self.manifest(temperature: 0.9), force: false) == .resumed)
    }

    @Test func runFilesWithoutRunJSONAreRefused() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = RunFolder(path: dir)
        try "".write(toFile: folder.pathsFile, atomically: true, encoding: .utf8)
        #expect(throws: RunError.damagedRunFile(path: folder.runFile, reason: "missing, but the folder holds paths.jsonl")) {
            try folder.prepare(Self.manifest(), force: false)
        }
        try "not json".write(toFile: folder.runFile, atomically: true, encoding: .utf8)
        #expect(throws: RunError.damagedRunFile(path: folder.runFile, reason: "not a JSON object")) {
            try folder.prepare(Self.manifest(), force: false)
        }
    }
}
