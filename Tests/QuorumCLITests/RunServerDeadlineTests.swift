import Foundation
import QuorumTestSupport
import Testing

/// `quorum run` against a server that never answers: --request-timeout bounds the wait, --wait-notice names
/// the endpoint being waited on while it lasts, and the run fails clearly (and resumes later). Before these
/// flags a hanging server held a run for 600 s × 5 attempts with nothing on the screen.
@Suite(.serialized) struct RunServerDeadlineTests {
    @Test func aHangingServerFailsTheRunAfterTheRequestDeadlineAndSaysWhatItWaitsOn() async throws {
        let hanging = try FaultServer { request, _ in
            if request.path.hasSuffix("/models") { return .respond(status: 200, body: Responses.models(["fault-model"])) }
            return .delay(seconds: 300, then: .respond(status: 200, body: RunServerTests.answer(seed: 0)))
        }
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/hang"
        let start = Date()
        let r = try CLI.run(try RunCommandTests.arguments(
            out: out, in: dir, model: hanging.baseURL,
            ["--quiet", "--request-timeout", "0.8", "--connect-timeout", "2", "--wait-notice", "0.3"]))
        let seconds = Date().timeIntervalSince(start)
        #expect(r.status == 1)
        #expect(seconds < 60, "took \(seconds) s")
        #expect(r.stderr.contains("note: waiting for \(hanging.baseURL) (request "), "\(r.stderr)")
        #expect(r.stderr.contains("deadline 1 s)"))
        #expect(r.stderr.contains("\(hanging.baseURL): no complete answer within 0.8 s after 5 attempts"), "\(r.stderr)")
        #expect(RunCommandTests.lineCount(out + "/paths.jsonl") == 0)
    }

    @Test func deadlineFlagsAreCheckedAndApplyOnlyToServers() throws {
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (extra, message) in [
            (["--model", "http://127.0.0.1:9/v1", "--request-timeout", "0"], "--request-timeout must be a positive number of seconds"),
            (["--model", "http://127.0.0.1:9/v1", "--connect-timeout=-1"], "--connect-timeout must be a positive number of seconds"),
            (["--model", "http://127.0.0.1:9/v1", "--wait-notice", "nan"], "--wait-notice must be 0 (off) or a positive number"),
            (["--request-timeout", "30"], "--request-timeout, --connect-timeout and --wait-notice apply to servers"),
        ] {
            let r = try CLI.run(try RunCommandTests.arguments(out: dir + "/bad", in: dir) + extra)
            #expect(r.status != 0)
            #expect(r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
        let help = try CLI.run(["run", "--help"])
        for flag in ["--request-timeout <seconds>", "--connect-timeout <seconds>", "--wait-notice <seconds>"] {
            #expect(help.stdout.contains(flag), "\(flag)")
        }
    }
}
