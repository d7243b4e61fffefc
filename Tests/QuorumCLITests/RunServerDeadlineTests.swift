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

    /// A listener that accepts connections and never reads or answers (not even the /models request):
    /// `--request-timeout 2` ends the run within the deadline of its first request (the models list, which is
    /// not retried), naming the endpoint.
    @Test func aServerThatAcceptsAndNeverAnswersEndsTheRunWithinTheDeadline() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(listener, 16) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/v1"
        // The kernel completes the handshakes (backlog 16); nothing ever reads them.
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = Date()
        let r = try CLI.run(try RunCommandTests.arguments(
            out: dir + "/hang", in: dir, model: url, ["--quiet", "--request-timeout", "2", "--wait-notice", "0"]))
        let seconds = Date().timeIntervalSince(start)
        #expect(r.status != 0)
        #expect(seconds < 15, "took \(seconds) s")
        #expect(r.stderr == "error: asking for the served models: \(url): no complete answer within 2 s\n", "\(r.stderr)")
    }

    /// The models request's failure names the endpoint once (it used to read "cannot ask URL/models for its
    /// models: URL: …").
    @Test func aFailedModelsRequestNamesTheEndpointOnce() throws {
        let server = try FaultServer { _, _ in .respond(status: 404, body: Array("no such route".utf8)) }
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(try RunCommandTests.arguments(out: dir + "/run", in: dir, model: server.baseURL, ["--quiet"]))
        #expect(r.status != 0)
        #expect(r.stderr == "error: asking for the served models: \(server.baseURL): HTTP 404: no such route\n", "\(r.stderr)")
    }

    /// A server whose completions carry no log-probabilities: the message says "sampling problem P failed"
    /// once (it was wrapped twice: "sampling problem P failed: sampling problem P failed: URL returned …"), for
    /// whichever problem fails first.
    @Test func aCompletionWithoutLogprobsIsReportedWithOnePrefix() throws {
        let server = try FaultServer { request, _ in
            if request.path.hasSuffix("/models") { return .respond(status: 200, body: Responses.models(["fault-model"])) }
            return .respond(status: 200, body: Responses.json([
                "id": "c", "object": "text_completion", "model": "fault-model",
                "choices": [["index": 0, "text": " 4", "finish_reason": "stop"]],
            ]))
        }
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for extra in [[String](), ["--adaptive"]] {
            let r = try CLI.run(try RunCommandTests.arguments(out: dir + "/run\(extra.count)", in: dir, model: server.baseURL, ["--quiet"] + extra))
            #expect(r.status != 0)
            // Problems are sampled concurrently: whichever fails first is reported (arith-easy/1, /2 or /3).
            let reported = r.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") }.map(String.init) ?? ""
            #expect(reported.hasPrefix("error: sampling problem arith-easy/"), "\(extra): \(r.stderr)")
            #expect(reported.hasSuffix(
                " failed: \(server.baseURL) returned a completion without log-probabilities (the run needs them)"),
                "\(extra): \(r.stderr)")
            #expect(!r.stderr.contains("failed: sampling problem"), "\(r.stderr)")
        }
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
