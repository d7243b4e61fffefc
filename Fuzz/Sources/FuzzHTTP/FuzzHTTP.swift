// libFuzzer target: a server's body through the backend's readers (ResponseBody: /v1/completions, what
// OpenAICompatibleBackend does with every body, and /v1/chat/completions), then the entropy bounds a decoder
// takes from its log-probabilities, and the Retry-After reader on the body's first line.
import Foundation
import QuorumCore
import QuorumHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    let body = Array(bytes)
    let firstLine = body.prefix { $0 != UInt8(ascii: "\n") }.prefix(200)
    _ = RetryPolicy.parseRetryAfter(String(decoding: firstLine, as: UTF8.self), now: Date(timeIntervalSince1970: 0))
    do {
        let (choices, _, _) = try ResponseBody.completions(body)
        for choice in choices {
            guard let logprobs = choice.logprobs else { continue }
            for position in 0..<logprobs.count {
                _ = logprobs.entropyBounds(at: position)
                _ = logprobs.entropyBounds(at: position, vocabularySize: 50_000)
            }
        }
    } catch {
        _ = error.description
    }
    do {
        let (choices, _, _, _) = try ResponseBody.chatCompletions(body)
        for choice in choices {
            guard let logprobs = choice.logprobs else { continue }
            for position in 0..<logprobs.count { _ = logprobs.entropyBounds(at: position) }
        }
    } catch {
        _ = error.description
    }
    return 0
}
