/// The JSON body of `POST /v1/completions`. Optional members that are `nil` are left out.
struct WireRequest: Encodable {
    /// A text prompt, or token ids (optionally after a text: llama.cpp's mixed form).
    enum Prompt: Encodable {
        case text(String)
        case tokens([Int])
        case mixed(String, [Int])

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .text(let s):
                var c = encoder.singleValueContainer()
                try c.encode(s)
            case .tokens(let ids):
                var c = encoder.singleValueContainer()
                try c.encode(ids)
            case .mixed(let s, let ids):
                var c = encoder.unkeyedContainer()
                try c.encode(s)
                for id in ids { try c.encode(id) }
            }
        }
    }

    var model: String
    var prompt: Prompt
    var maxTokens: Int
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var minP: Double?
    var seed: UInt32?
    var stop: [String]?
    var n: Int
    var logprobs: Int?
    var stream = false

    enum CodingKeys: String, CodingKey {
        case model, prompt, temperature, seed, stop, n, logprobs, stream
        case maxTokens = "max_tokens", topP = "top_p", topK = "top_k", minP = "min_p"
    }

    /// The body for `request` asking for `n` completions with `seed`. `logprobs` = 0 is sent as 1 (llama.cpp
    /// returns nothing at all for 0) and the alternatives are trimmed back on reading.
    init(_ request: CompletionRequest, model: String, n: Int, seed: UInt32?) {
        self.model = model
        if let ids = request.promptTokens {
            prompt = request.prompt.isEmpty ? .tokens(ids) : .mixed(request.prompt, ids)
        } else {
            prompt = .text(request.prompt)
        }
        maxTokens = request.maxTokens
        temperature = request.temperature
        topP = request.topP
        topK = request.topK
        minP = request.minP
        self.seed = seed
        stop = request.stop.isEmpty ? nil : request.stop
        self.n = n
        logprobs = request.logprobs.map { max($0, 1) }
    }
}
