import Foundation
import QuorumTestSupport
import Testing

/// Two `quorum run` processes on one `--out`: the second is refused at once with the holder's pid and touches
/// nothing; after the holder is killed with SIGKILL (the kernel drops its flock), the run resumes.
@Suite(.serialized) struct RunFolderLockCommandTests {
    /// The folder's files and their bytes (the lock file's pid aside).
    static func snapshot(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name != "run.lock" {
            files[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        return files
    }

    @Test func aSecondRunOnTheSameFolderIsRefusedAndAKilledHolderLeavesNoStaleLock() async throws {
        // Problem 1 is answered at once; the others hang, so the first run holds the folder until killed.
        let hanging = try FaultServer { request, _ in
            if request.path.hasSuffix("/models") { return .respond(status: 200, body: Responses.models(["fault-model"])) }
            if (request.string("prompt") ?? "").contains("Rosa picked 4 flowers") {
                return .respond(status: 200, body: RunServerTests.answer(seed: request.int("seed") ?? -1))
            }
            return .delay(seconds: 300, then: .respond(status: 200, body: RunServerTests.answer(seed: 0)))
        }
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/shared"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: CLI.executable)
        holder.arguments = try RunCommandTests.arguments(out: out, in: dir, model: hanging.baseURL, ["--quiet"])
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let pid = holder.processIdentifier

        // Wait until the holder has written problem 1's paths (it then waits on the hanging server).
        let deadline = Date().addingTimeInterval(120)
        while RunCommandTests.lineCount(out + "/paths.jsonl") < RunCommandTests.samples, Date() < deadline, holder.isRunning {
            usleep(20_000)
        }
        #expect(RunCommandTests.lineCount(out + "/paths.jsonl") == RunCommandTests.samples)
        #expect(try String(contentsOfFile: out + "/run.lock", encoding: .utf8) == "\(pid)\n")
        let before = try Self.snapshot(out)

        let started = Date()
        let second = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: hanging.baseURL, ["--quiet"]))
        #expect(second.status == 1)
        #expect(second.stderr.contains("another run (pid \(pid)) holds \(out)"), "\(second.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "refused at once, not after waiting")
        #expect(try Self.snapshot(out) == before, "the refused run changed the folder")
        // --force does not break the lock either.
        let forced = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: hanging.baseURL, ["--force"]))
        #expect(forced.status == 1)
        #expect(forced.stderr.contains("another run (pid \(pid)) holds \(out)"))
        #expect(try Self.snapshot(out) == before)

        kill(pid, SIGKILL)
        holder.waitUntilExit()
        #expect(holder.terminationReason == .uncaughtSignal)

        let healthy = try FaultServer { request, _ in
            if request.path.hasSuffix("/models") { return .respond(status: 200, body: Responses.models(["fault-model"])) }
            return .respond(status: 200, body: RunServerTests.answer(seed: request.int("seed") ?? -1))
        }
        let resumed = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: healthy.baseURL, ["--quiet"]))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming the run in \(out)"))
        let records = try RunCommandTests.records(out + "/paths.jsonl")  // fails on a duplicate pair
        #expect(records.count == RunCommandTests.samples * RunCommandTests.problems)
        #expect(healthy.requests.filter { $0.path.hasSuffix("/completions") }.count
            == RunCommandTests.samples * (RunCommandTests.problems - 1))
    }
}
