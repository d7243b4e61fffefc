import Foundation

/// Builds `/v1/completions` answers in the shapes real servers send, for the fault server.
public enum Responses {
    /// One generated choice: tokens with their log-probabilities and top alternatives.
    public struct Choice {
        public var tokens: [String]
        public var logprobs: [Double]
        public var top: [[(String, Double)]]
        public var finish: String = "length"

        public init(tokens: [String], logprobs: [Double], top: [[(String, Double)]], finish: String = "length") {
            self.tokens = tokens
            self.logprobs = logprobs
            self.top = top
            self.finish = finish
        }

        public var text: String { tokens.joined() }

        /// A deterministic choice derived from `seed`: three tokens whose text names the seed.
        public static func seeded(_ seed: Int, index: Int = 0) -> Choice {
            let tokens = ["seed", "-\(seed)", "#\(index)"]
            let logprobs = [-0.25, -1.5, -0.125]
            let top = logprobs.enumerated().map { i, lp in [(tokens[i], lp), ("other\(i)", lp - 1), ("x", lp - 3)] }
            return Choice(tokens: tokens, logprobs: logprobs, top: top)
        }
    }

    /// OpenAI's legacy form (OpenAI, vLLM): `tokens`/`token_logprobs`/`top_logprobs`.
    public static func legacy(_ choices: [Choice], promptTokens: Int = 7, model: String = "test-model") -> [UInt8] {
        let items: [[String: Any]] = choices.enumerated().map { i, c in
            [
                "index": i, "text": c.text, "finish_reason": c.finish,
                "logprobs": [
                    "tokens": c.tokens, "token_logprobs": c.logprobs,
                    "top_logprobs": c.top.map { Dictionary($0, uniquingKeysWith: { a, _ in a }) },
                    "text_offset": Array(0..<c.tokens.count),
                ] as [String: Any],
            ]
        }
        return json([
            "id": "cmpl-1", "object": "text_completion", "model": model, "choices": items,
            "usage": usage(choices, promptTokens),
        ])
    }

    /// The `logprobs.content[]` form (llama.cpp server, Ollama).
    public static func content(_ choices: [Choice], promptTokens: Int = 7, model: String = "test-model") -> [UInt8] {
        let items: [[String: Any]] = choices.enumerated().map { i, c in
            [
                "index": i, "text": c.text, "finish_reason": c.finish,
                "logprobs": ["content": contentItems(c)],
            ]
        }
        return json([
            "id": "cmpl-1", "object": "text_completion", "model": model, "choices": items,
            "usage": usage(choices, promptTokens),
        ])
    }

    public static func contentItems(_ c: Choice) -> [[String: Any]] {
        c.tokens.indices.map { j in
            [
                "id": 100 + j, "token": c.tokens[j], "logprob": c.logprobs[j], "bytes": Array(c.tokens[j].utf8),
                "top_logprobs": c.top[j].map { ["token": $0.0, "logprob": $0.1, "bytes": Array($0.0.utf8)] },
            ]
        }
    }

    /// A `/v1/models` answer.
    public static func models(_ names: [String]) -> [UInt8] {
        json(["object": "list", "data": names.map { ["id": $0, "object": "model"] }])
    }

    public static func json(_ object: Any) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    private static func usage(_ choices: [Choice], _ prompt: Int) -> [String: Int] {
        let generated = choices.reduce(0) { $0 + $1.tokens.count }
        return ["prompt_tokens": prompt, "completion_tokens": generated, "total_tokens": prompt + generated]
    }
}
