import Foundation
import QuorumRunFolder
import QuorumTestSupport
import Testing

@testable import QuorumHTTP

@Suite("Reading /v1/completions answers")
struct CompletionResponseTests {
    private func parse(_ text: String) throws -> CompletionResponse {
        try CompletionResponse.parse(Array(text.utf8))
    }

    private func failure(_ text: String) -> JSONCursor.Failure? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as JSONCursor.Failure {
            return error
        } catch {
            return nil
        }
    }

    @Test func legacyShape() throws {
        let choices = [Responses.Choice.seeded(11), Responses.Choice.seeded(12, index: 1)]
        let response = try CompletionResponse.parse(Responses.legacy(choices, promptTokens: 9))
        #expect(response.choices.count == 2)
        #expect(response.usage == TokenUsage(promptTokens: 9, completionTokens: 6))
        let first = response.choices[0]
        #expect(first.text == "seed-11#0")
        #expect(first.finish == .length)
        let lp = try #require(first.logprobs)
        #expect(lp.tokens == ["seed", "-11", "#0"])
        #expect(lp.logprobs == [-0.25, -1.5, -0.125])
        #expect(lp.top[1].map(\.token) == ["-11", "other1", "x"])
        #expect(lp.top[1].map(\.logprob) == [-1.5, -2.5, -4.5])
        #expect(lp.ids == nil)
        #expect(lp.sum == -1.875)
        #expect(lp.mean == -0.625)
    }

    @Test func contentShape() throws {
        let response = try CompletionResponse.parse(Responses.content([.seeded(5)]))
        let lp = try #require(response.choices[0].logprobs)
        #expect(lp.tokens == ["seed", "-5", "#0"])
        #expect(lp.logprobs == [-0.25, -1.5, -0.125])
        #expect(lp.ids == [100, 101, 102])
        #expect(lp.bytes[1] == Array("-5".utf8))
        #expect(lp.top[0].first == TokenAlternative(token: "seed", logprob: -0.25, bytes: Array("seed".utf8)))
    }

    @Test func alternativeIDsAndCachedPromptTokens() throws {
        // llama.cpp: alternatives carry ids and bytes; usage says how much of the prompt came from its cache.
        let body = """
            {"choices": [{"index": 0, "text": "4", "finish_reason": "length", "logprobs": {"content": [
               {"id": 19, "token": "4", "bytes": [52], "logprob": -0.1,
                "top_logprobs": [{"id": 19, "token": "4", "bytes": [52], "logprob": -0.1},
                                 {"id": 20, "token": "5", "bytes": [53], "logprob": -2.5}]}]}}],
             "usage": {"prompt_tokens": 19, "completion_tokens": 1, "prompt_tokens_details": {"cached_tokens": 18}}}
            """
        let response = try parse(body)
        let lp = try #require(response.choices[0].logprobs)
        #expect(lp.top[0].map(\.id) == [19, 20])
        #expect(lp.top[0][1].bytes == [53])
        #expect(response.usage.cachedPromptTokens == 18)
        #expect(response.usage.prefilledTokens == 1)
        #expect(TokenUsage(promptTokens: 5).prefilledTokens == 5)
        #expect(TokenUsage().prefilledTokens == nil)
    }

    @Test func llamaNativeShape() throws {
        let body = """
            {"content": " 4", "stop": true, "stop_type": "word", "stopping_word": "\\n", "tokens_evaluated": 12,
             "tokens_predicted": 2, "completion_probabilities": [
               {"id": 220, "token": " ", "logprob": -0.5, "bytes": [32], "top_logprobs": [{"id": 220, "token": " ", "logprob": -0.5}]},
               {"id": 19, "token": "4", "logprob": -0.01, "bytes": [52], "top_logprobs": []}]}
            """
        let response = try parse(body)
        let choice = try #require(response.choices.first)
        #expect(choice.text == " 4")
        #expect(choice.finish == .stop)
        #expect(choice.stopSequence == "\n")
        #expect(response.usage == TokenUsage(promptTokens: 12, completionTokens: 2))
        #expect(choice.logprobs?.ids == [220, 19])
        #expect(choice.logprobs?.top[1] == [])
    }

    @Test func vllmStopReasonAndUnknownFinish() throws {
        let body = """
            {"choices": [{"index": 0, "text": "a", "finish_reason": "stop", "stop_reason": "\\n\\n", "logprobs": null},
                         {"index": 1, "text": "b", "finish_reason": "stop", "stop_reason": 128001, "logprobs": null},
                         {"index": 2, "text": "c", "finish_reason": "abort"}]}
            """
        let response = try parse(body)
        #expect(response.choices.map(\.stopSequence) == ["\n\n", nil, nil])
        #expect(response.choices.map(\.finish) == [.stop, .stop, .aborted])
        #expect(response.choices[2].serverFinishReason == "abort")
        #expect(response.choices.allSatisfy { $0.logprobs == nil })
        #expect(response.usage == TokenUsage())
    }

    @Test func choicesAreOrderedByIndex() throws {
        let body = """
            {"choices": [{"index": 1, "text": "second"}, {"index": 0, "text": "first"}]}
            """
        #expect(try parse(body).choices.map(\.text) == ["first", "second"])
        let duplicate = failure("""
            {"choices": [{"index": 0, "text": "a"}, {"index": 0, "text": "b"}]}
            """)
        #expect(duplicate?.path == "choices")
    }

    @Test func negativeInfinityAndEmptyCompletion() throws {
        let body = """
            {"choices": [{"index": 0, "text": "x", "logprobs": {"tokens": ["x"], "token_logprobs": [-Infinity],
              "top_logprobs": [{"x": -Infinity}]}},
              {"index": 1, "text": "", "logprobs": {"tokens": [], "token_logprobs": [], "top_logprobs": []}},
              {"index": 2, "text": "", "logprobs": {"content": []}}]}
            """
        let response = try parse(body)
        #expect(response.choices[0].logprobs?.logprobs == [-Double.infinity])
        #expect(response.choices[1].logprobs?.count == 0)
        #expect(response.choices[1].logprobs?.mean == nil)
        #expect(response.choices[2].logprobs?.count == 0)
    }

    @Test func malformedAnswersNameThePlace() {
        #expect(failure("{\"choices\": [")?.reason.contains("not valid JSON") == true)
        #expect(failure("")?.reason == "empty body")
        #expect(failure("[1, 2]")?.reason == "expected an object, found an array")
        #expect(failure("{\"id\": 1}")?.reason.contains("no 'choices'") == true)
        #expect(failure("{\"choices\": [{\"index\": 0}]}")?.path == "choices[0].text")
        let mismatch = failure("""
            {"choices": [{"index": 0, "text": "ab", "logprobs": {"tokens": ["a", "b"], "token_logprobs": [-1]}}]}
            """)
        #expect(mismatch?.path == "choices[0].logprobs")
        #expect(mismatch?.reason == "2 tokens but 1 token_logprobs")
        let nullLogprob = failure("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"tokens": ["a"], "token_logprobs": [null]}}]}
            """)
        #expect(nullLogprob?.path == "choices[0].logprobs.token_logprobs[0]")
        let nan = failure("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"content": [{"token": "a", "logprob": NaN}]}}]}
            """)
        #expect(nan?.path == "choices[0].logprobs.content[0].logprob")
        let wrongType = failure("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"content": [{"token": 5, "logprob": -1}]}}]}
            """)
        #expect(wrongType?.path == "choices[0].logprobs.content[0].token")
        #expect(wrongType?.reason == "expected a string, found a number")
        let oldLlama = failure("""
            {"content": "a", "stop_type": "eos", "completion_probabilities": [{"content": "a", "probs": [{"tok_str": "a", "prob": 0.5}]}]}
            """)
        #expect(oldLlama?.path == "completion_probabilities[0]")
        let unknownForm = failure("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"something": [1]}}]}
            """)
        #expect(unknownForm?.path == "choices[0].logprobs")
    }

    /// A log-probability above 0 is a probability above 1: refused with where it is, in every form; float
    /// rounding just above 0 reads as 0 (the PathsReader refuses a mean above 0).
    @Test func aPositiveLogprobIsMalformedAndRoundingNoiseReadsAsZero() throws {
        let content = failure("""
            {"choices": [{"index": 0, "text": "ab", "logprobs": {"content": [{"token": "a", "logprob": -1},
              {"token": "b", "logprob": 0.5}]}}]}
            """)
        #expect(content?.path == "choices[0].logprobs.content[1].logprob")
        #expect(content?.reason.contains("log-probability 0.5 is above 0") == true)
        let alternative = failure("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"content": [{"token": "a", "logprob": -1,
              "top_logprobs": [{"token": "a", "logprob": 2}]}]}}]}
            """)
        #expect(alternative?.path == "choices[0].logprobs.content[0].top_logprobs[0].logprob")
        let legacy = failure("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"tokens": ["a"], "token_logprobs": [0.01]}}]}
            """)
        #expect(legacy?.path == "choices[0].logprobs.token_logprobs[0]")
        let legacyTop = failure("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"tokens": ["a"], "token_logprobs": [-0.1],
              "top_logprobs": [{"a": 3}]}}]}
            """)
        #expect(legacyTop?.path == "choices[0].logprobs.top_logprobs[0].a")
        let native = failure("""
            {"content": "a", "stop_type": "eos", "completion_probabilities": [{"token": "a", "logprob": 1e3}]}
            """)
        #expect(native?.path == "completion_probabilities[0].logprob")
        let noise = try CompletionResponse.parse(Array("""
            {"choices": [{"index": 0, "text": "a", "logprobs": {"content": [{"token": "a", "logprob": 2.4e-7}]}}]}
            """.utf8))
        #expect(noise.choices[0].logprobs?.logprobs == [0])
    }

    @Test func serverErrorObjectIsReported() {
        let failure = failure("{\"error\": {\"message\": \"model not loaded\", \"type\": \"server_error\"}}")
        #expect(failure?.path == "error")
        #expect(failure?.reason == "the server reported an error: model not loaded")
    }

    @Test func entropyBounds() throws {
        // Top-2 of a distribution (0.5, 0.25, then 0.25 spread over the tail).
        let lp = try #require(TokenLogprobs(
            tokens: ["a"], logprobs: [log(0.5)],
            top: [[TokenAlternative(token: "a", logprob: log(0.5)), TokenAlternative(token: "b", logprob: log(0.25))]]))
        let bounds = try #require(lp.entropyBounds(at: 0, vocabularySize: 6))
        let head = -(0.5 * log(0.5) + 0.25 * log(0.25))
        #expect(abs(bounds.tailMass - 0.25) < 1e-12)
        #expect(abs(bounds.lower - (head + 0.25 * -log(0.25))) < 1e-12)
        #expect(abs(bounds.upper! - (head + 0.25 * log(4 / 0.25))) < 1e-12)
        // The true entropy for a tail of one token of 0.25 equals the lower bound; for a uniform tail of four
        // tokens it equals the upper bound.
        let oneTail = -(0.5 * log(0.5) + 2 * 0.25 * log(0.25))
        let uniformTail = -(0.5 * log(0.5) + 0.25 * log(0.25) + 4 * 0.0625 * log(0.0625))
        #expect(abs(bounds.lower - oneTail) < 1e-12)
        #expect(abs(bounds.upper! - uniformTail) < 1e-12)
        #expect(lp.entropyBounds(at: 1) == nil)
        let none = try #require(TokenLogprobs(tokens: ["a"], logprobs: [-1]))
        #expect(none.entropyBounds(at: 0) == nil)
    }
}
