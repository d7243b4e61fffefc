import Foundation
import QuorumCore
import Testing

@testable import QuorumHTTP

/// Reading `/v1/chat/completions` answers in the shapes each server sends (../shared/spec/serving.md §2).
@Suite("Reading /v1/chat/completions answers") struct ChatCompletionResponseTests {
    static func parse(_ text: String) throws -> ChatCompletionResponse {
        do { return try ChatCompletionResponse.parse(Array(text.utf8)) } catch { throw ParseFailure(failure: error) }
    }

    struct ParseFailure: Error, CustomStringConvertible {
        var failure: JSONCursor.Failure
        var description: String { "\(failure.path): \(failure.reason)" }
    }

    static func failure(_ text: String) -> String {
        do {
            _ = try ChatCompletionResponse.parse(Array(text.utf8))
            return "parsed"
        } catch {
            return "\(error.path): \(error.reason)"
        }
    }

    @Test func openAIShapeWithLogprobsAndReasoningTokens() throws {
        let r = try Self.parse("""
            {"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,
             "message":{"role":"assistant","content":"The answer is 4."},
             "logprobs":{"content":[
               {"token":"The","logprob":-0.5,"bytes":[84,104,101],"top_logprobs":[{"token":"A","logprob":-1.5,"bytes":[65]},{"token":"The","logprob":-0.5,"bytes":[84,104,101]}]},
               {"token":" answer","logprob":-9999.0,"bytes":null,"top_logprobs":[]}],"refusal":null},
             "finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":2,"completion_tokens_details":{"reasoning_tokens":7},
                      "prompt_tokens_details":{"cached_tokens":4}}}
            """)
        let c = try #require(r.choices.first)
        #expect(c.content == "The answer is 4." && c.reasoning == nil && c.finish == .stop)
        let lp = try #require(c.logprobs)
        #expect(lp.tokens == ["The", " answer"])
        #expect(lp.logprobs == [-0.5, -.infinity], "−9999 is vLLM's −∞")
        #expect(lp.top[0].map(\.token) == ["The", "A"], "most likely first")
        #expect(lp.top[1].isEmpty)
        #expect(r.usage.promptTokens == 12 && r.usage.completionTokens == 2 && r.usage.cachedPromptTokens == 4)
        #expect(r.reasoningTokens == 7 && r.model == "m")
    }

    @Test func reasoningFieldsOfEachServer() throws {
        let sglang = try Self.parse("""
            {"choices":[{"message":{"content":"4","reasoning_content":"2+2"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":3,"completion_tokens":5,"reasoning_tokens":4}}
            """)
        #expect(sglang.choices[0].reasoning == "2+2" && sglang.choices[0].reasoningSource == .reasoningContent)
        #expect(sglang.reasoningTokens == 4)
        let vllm = try Self.parse("""
            {"choices":[{"message":{"content":"4","reasoning":"two and two"},"finish_reason":"length"}]}
            """)
        #expect(vllm.choices[0].reasoning == "two and two" && vllm.choices[0].reasoningSource == .reasoning)
        #expect(vllm.choices[0].finish == .length)
        let inline = try Self.parse("""
            {"choices":[{"message":{"content":"\\n<think>\\nadd them\\n</think>\\n\\nThe answer is 4."},"finish_reason":"stop"}]}
            """)
        #expect(inline.choices[0].reasoning == "\nadd them\n" && inline.choices[0].content == "The answer is 4.")
        #expect(inline.choices[0].reasoningSource == .inlineThink)
        // Thinking that ran out of tokens: all reasoning, no content.
        let cut = try Self.parse("""
            {"choices":[{"message":{"content":"<think>still thinking"},"finish_reason":"length"}]}
            """)
        #expect(cut.choices[0].reasoning == "still thinking" && cut.choices[0].content == "")
        // A null content (a reasoning-only answer) is empty text; a missing or null logprobs is no logprobs.
        let empty = try Self.parse("""
            {"choices":[{"message":{"content":null,"reasoning":"hm"},"logprobs":null,"finish_reason":"abort"}]}
            """)
        #expect(empty.choices[0].content == "" && empty.choices[0].logprobs == nil && empty.choices[0].finish == .aborted)
    }

    @Test func missingAlternativesAndBytesAreAbsentNotErrors() throws {
        // Ollama omits empty fields.
        let r = try Self.parse("""
            {"choices":[{"message":{"content":"4"},"logprobs":{"content":[{"token":"4","logprob":-0.1}]},"finish_reason":"stop"}]}
            """)
        let lp = try #require(r.choices[0].logprobs)
        #expect(lp.tokens == ["4"] && lp.logprobs == [-0.1] && lp.top == [[]])
    }

    @Test func sglangArrayForSeveralChoicesIsOneAnswer() throws {
        let r = try Self.parse("""
            [{"choices":[{"index":0,"message":{"content":"4"},"finish_reason":"stop"}],"usage":{"completion_tokens":3}},
             {"choices":[{"index":0,"message":{"content":"5"},"finish_reason":"length"}],"usage":{"completion_tokens":4}}]
            """)
        #expect(r.choices.map(\.content) == ["4", "5"] && r.choices.map(\.index) == [0, 1])
        #expect(r.usage.completionTokens == 7)
    }

    @Test func theFiveErrorShapesAreTheServersReport() {
        let cases: [(String, String)] = [
            (#"{"error":{"message":"bad n","type":"BadRequestError","param":null,"code":400}}"#, "bad n (code 400)"),
            (#"{"error":{"message":"no logprobs","type":"invalid_request_error","param":null,"code":null}}"#, "no logprobs"),
            (#"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#, "slow down (code rate_limit_exceeded)"),
            (#"{"object":"error","message":"context too long","type":"BadRequestError","param":null,"code":400}"#,
             "context too long"),
            (#"{"error":"Unauthorized"}"#, "Unauthorized"),
            (#"{"detail":"Not Found"}"#, "Not Found"),
            (#"{"detail":[{"loc":["body","n"],"msg":"value is not a valid integer"}]}"#, "value is not a valid integer"),
        ]
        for (body, message) in cases {
            #expect(Self.failure(body) == ": the server reported an error: \(message)", "\(body)")
        }
    }

    @Test func malformedAnswersNameWhereTheyAreWrong() {
        #expect(Self.failure(#"{"choices":[{"message":{"content":4}}]}"#) == "choices[0].message.content: expected a string, found a number")
        #expect(Self.failure(#"{"choices":[{"index":0,"message":{}},{"index":0,"message":{}}]}"#)
            == "choices: choice indices [0, 0] are not 0..<2")
        #expect(Self.failure(#"{"choices":[{"message":{"content":"x"},"logprobs":{"content":[{"token":"x","logprob":0.5}]}}]}"#)
            .hasPrefix("choices[0].logprobs.content[0].logprob: log-probability 0.5 is above 0"))
        #expect(Self.failure("[]") == ": an empty array, not a chat completion")
        #expect(Self.failure(#"{"id":"x"}"#) == "choices: missing")
    }

    @Test func thePublicReaderNamesTheEndpointAndTheField() throws {
        let read = try ResponseBody.chatCompletions(Array(#"{"choices":[{"message":{"content":"<think>a</think>b"}}]}"#.utf8))
        #expect(read.choices.map(\.content) == ["b"] && read.choices[0].reasoning == "a")
        #expect(throws: HTTPBackendError.self) { try ResponseBody.chatCompletions(Array("{}".utf8), endpoint: "http://x/v1") }
        do {
            _ = try ResponseBody.chatCompletions(Array(#"{"choices":"x"}"#.utf8), endpoint: "http://x/v1")
        } catch {
            guard case .malformedResponse(let endpoint, let path, _, _) = error else {
                Issue.record("not a malformed response: \(error)")
                return
            }
            #expect(endpoint == "http://x/v1" && path == "choices")
        }
    }
}
