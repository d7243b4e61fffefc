import ArgumentParser
import Foundation
import QuorumCore
import QuorumDecode
import QuorumEngine

/// `quorum generate`: completions from the embedded engine, with raw log-probabilities per token.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate completions with the embedded engine, reporting every token's raw log-probability.",
        discussion: """
            The prompt is given as text (--prompt) or as token ids (--prompt-tokens). Every step records the chosen token's log-probability under the \
            model (before temperature and truncation), the entropy of the full next-token distribution and, \
            with --top-logprobs, the most likely alternatives. --force-tokens feeds the given tokens instead \
            of choosing them (teacher forcing) and still reports every step.
            """)

    @OptionGroup var engine: EngineOptions

    @OptionGroup var promptOptions: PromptOptions

    @Option(help: ArgumentHelp("Tokens to feed instead of choosing, one per step, before choosing resumes.", valueName: "ids"))
    var forceTokens: TokenList?

    @Flag(help: "Always take the most likely token (temperature 0).")
    var greedy = false

    @OptionGroup var sampling: SamplingOptions

    @Option(help: "Number of completions of the prompt.")
    var samples = 1

    @Option(help: "Record this many most likely alternatives at every step.")
    var topLogprobs = 0

    @Option(help: ArgumentHelp("Stop a completion at this text, which is cut off (repeatable).", valueName: "text"))
    var stop: [String] = []

    @Flag(help: "Keep generating after an end-of-generation token.")
    var ignoreEos = false

    @Flag(help: "Print one JSON object per completion (JSON Lines).")
    var json = false

    func validate() throws {
        if greedy, let temperature = sampling.temperature, temperature != 0 {
            throw ValidationError("--greedy and --temperature \(temperature) contradict each other")
        }
        if samples < 1 { throw ValidationError("--samples must be at least 1, not \(samples)") }
        if sampling.maxTokens < 0 { throw ValidationError("--max-tokens must be at least 0, not \(sampling.maxTokens)") }
        if topLogprobs < 0 { throw ValidationError("--top-logprobs must be at least 0, not \(topLogprobs)") }
        if stop.contains("") { throw ValidationError("--stop is empty") }
        do { try request(prompt: [0]).validate() } catch { throw ValidationError(error.description) }
    }

    func request(prompt: [Int]) -> GenerationRequest {
        GenerationRequest(
            prompt: prompt, samples: samples,
            sampling: sampling.parameters(temperature: greedy ? 0 : nil),
            maxTokens: sampling.maxTokens, stop: stop, stopAtEndOfGeneration: !ignoreEos, topLogprobs: topLogprobs,
            forcedTokens: forceTokens?.ids ?? [])
    }

    func run() async throws {
        let model = try engine.loadEngine()
        let prompt = try promptOptions.tokens(for: model)
        let generations = try await model.generate(request(prompt: prompt))
        if json {
            for g in generations {
                print(GenerationRecord(promptTokens: prompt, generation: g, seed: sampling.seed).json)
            }
        } else {
            for g in generations {
                let mean = g.logprobs.isEmpty ? 0 : g.logprobs.reduce(0, +) / Double(g.logprobs.count)
                print("sample \(g.index): \(g.steps.count) tokens, finish \(g.finish.rawValue), mean logprob \(String(format: "%.4f", mean))")
                if let text = g.text { print(text) }
                print("tokens: " + g.tokens.map(String.init).joined(separator: ","))
            }
        }
    }
}

/// The JSON form of one completion, keys in this order: `{"sample", "seed", "prompt_tokens", "tokens",
/// "text", "finish", "steps": [{"token", "logprob", "entropy", "top": [[id, logprob], …]}, …]}`.
/// `text` is empty when the model has no tokenizer; non-finite numbers are written as strings ("-Infinity").
struct GenerationRecord {
    let promptTokens: [Int]
    let generation: Generation
    let seed: UInt64

    var json: String {
        func number(_ x: Double) -> String { x.isFinite ? "\(x)" : x.isNaN ? "\"NaN\"" : x < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        func ids(_ a: [Int]) -> String { "[" + a.map(String.init).joined(separator: ",") + "]" }
        let steps = generation.steps.map { s in
            let top = s.top.map { "[\($0.id),\(number($0.logprob))]" }.joined(separator: ",")
            return "{\"token\":\(s.token),\"logprob\":\(number(s.logprob)),\"entropy\":\(number(s.entropy)),\"top\":[\(top)]}"
        }
        return "{\"sample\":\(generation.index),\"seed\":\(seed),\"prompt_tokens\":\(ids(promptTokens)),"
            + "\"tokens\":\(ids(generation.tokens)),\"text\":\(JSONString.literal(generation.text ?? "")),"
            + "\"finish\":\"\(generation.finish.rawValue)\",\"steps\":[\(steps.joined(separator: ","))]}"
    }
}

