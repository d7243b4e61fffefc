import Foundation
import QuorumHTTP
import Testing

/// Bodies `make fuzz` found (FuzzHTTP, docs/fuzzing.md), read through ResponseBody as the backend reads them.
@Suite struct FuzzFoundInputTests {
    /// A body with `NaN` is read again with JSON5 rules; `{ FF FF d": …}` was a fatal error in Foundation's
    /// JSON5 scanner (Swift 6.3.1) and stopped the whole run.
    @Test func aBodyThatIsNotUTF8IsMalformedNotFatal() {
        let body: [UInt8] = [0x7B, 0xFF, 0xFF] + Array("d\": NaN, \"choices\": []}".utf8)
        do {
            _ = try ResponseBody.completions(body, endpoint: "http://127.0.0.1:9")
            Issue.record("accepted a body that is not UTF-8")
        } catch {
            guard case .malformedResponse(let endpoint, _, let reason, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(endpoint == "http://127.0.0.1:9")
            #expect(reason.hasPrefix("not valid JSON"), "\(reason)")
        }
    }

    @Test func aBodyInEveryDialectReadsThroughThePublicReader() throws {
        let legacy = #"{"choices": [{"index": 0, "text": "4", "finish_reason": "stop", "logprobs": {"tokens": ["4"], "token_logprobs": [-Infinity]}}]}"#
        let (choices, _, _) = try ResponseBody.completions(Array(legacy.utf8))
        #expect(choices.map(\.text) == ["4"])
        #expect(choices[0].finish == .stop)
        #expect(choices[0].logprobs?.logprobs == [-.infinity])
        let native = #"{"content": " 4", "stop_type": "limit", "tokens_predicted": 1}"#
        #expect(try ResponseBody.completions(Array(native.utf8)).choices.map(\.finish) == [.length])
    }
}

/// A Retry-After value that is not ASCII is no date; Foundation's DateFormatter stopped the process on
/// `W` + two combining marks + `$` (FuzzHTTP), so a server could stop a run with one header.
@Suite struct FuzzFoundRetryAfterTests {
    @Test func aRetryAfterThatIsNotASCIIIsNoDate() {
        let found = String(decoding: [0x57, 0xCD, 0x9D, 0xCD, 0x9C, 0x24, 0xDB, 0x20, 0xDB, 0xDB, 0x20, 0x20], as: UTF8.self)
        #expect(RetryPolicy.parseRetryAfter(found) == nil)
        #expect(RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:30 GMT\u{301}") == nil)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:30 GMT", now: now) == 10)
    }
}
