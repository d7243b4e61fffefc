import QuorumCore

/// One line of `paths.jsonl` (docs/formats.md), written with a fixed key order:
///
///     {"problem", "path", "model", "decoder", "params", "text", "answer", "gold", "finish", "tokens",
///      "logprobs", "mean_logprob", "sum_logprob", "cost": {"prompt_tokens", "generated_tokens", "flops",
///      "per_model": {NAME: {"generated", "prefilled", "flops"}}, "seconds",
///      ["leader_share", "switches", "paused_fraction", "extra_forward_passes",
///      "extra_model_calls"]}, "score",
///      "execution": {"status", "message", "seconds"}}
///
/// `gold` is the problem's gold answer (absent when the task set gives none), so that a paths file can be
/// evaluated on its own. Numbers are written in their shortest exact form (whole numbers without a
/// fraction); a non-finite log-probability is written as `-Infinity` (as Python's `json` does), which the
/// readers accept. Written by hand because JSONEncoder fixes neither key order nor number form.
public enum PathLine {
    /// The line of `path` (without the newline).
    public static func encode(_ path: ReasoningPath, gold: String?) -> String {
        var fields: [String] = []
        fields.append("\"problem\":\(string(path.problem))")
        fields.append("\"path\":\(path.path)")
        if let model = path.model { fields.append("\"model\":\(string(model))") }
        if let decoder = path.decoder { fields.append("\"decoder\":\(string(decoder))") }
        if let params = path.params { fields.append("\"params\":\(object(params, order: paramOrder))") }
        fields.append("\"text\":\(string(path.text))")
        fields.append("\"answer\":\(string(path.answer))")
        if let gold { fields.append("\"gold\":\(string(gold))") }
        if let finish = path.finish { fields.append("\"finish\":\(string(finish.rawValue))") }
        if let tokens = path.tokens { fields.append("\"tokens\":[\(tokens.map(String.init).joined(separator: ","))]") }
        if let logprobs = path.logprobs { fields.append("\"logprobs\":[\(logprobs.map(number).joined(separator: ","))]") }
        fields.append("\"mean_logprob\":\(number(path.meanLogprob))")
        if let sum = path.sumLogprob { fields.append("\"sum_logprob\":\(number(sum))") }
        if let cost = path.cost { fields.append("\"cost\":\(encode(cost))") }
        if let score = path.score { fields.append("\"score\":\(number(score))") }
        if let execution = path.execution { fields.append("\"execution\":\(encode(execution))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static let paramOrder = ["temperature", "top_p", "top_k", "min_p", "max_tokens", "seed"]

    static func encode(_ cost: Cost) -> String {
        let models = cost.perModel.keys.sorted().map { name in
            let usage = cost.perModel[name]!
            return "\(string(name)):{\"generated\":\(usage.generated),\"prefilled\":\(usage.prefilled),"
                + "\"flops\":\(number(usage.flops))" + (usage.prompt.map { ",\"prompt\":\($0)" } ?? "")
                + (usage.seconds.map { ",\"seconds\":\(number($0))" } ?? "") + "}"
        }
        var extra = ""
        if let share = cost.leaderShare { extra += ",\"leader_share\":\(number(share))" }
        if let switches = cost.switches { extra += ",\"switches\":\(switches)" }
        if let paused = cost.pausedFraction { extra += ",\"paused_fraction\":\(number(paused))" }
        if let passes = cost.extraForwardPasses { extra += ",\"extra_forward_passes\":\(passes)" }
        if let calls = cost.extraModelCalls { extra += ",\"extra_model_calls\":\(calls)" }
        if let changed = cost.changedSteps { extra += ",\"changed_steps\":\(changed)" }
        if let requests = cost.requests { extra += ",\"requests\":\(requests)" }
        return "{\"prompt_tokens\":\(cost.promptTokens),\"generated_tokens\":\(cost.generatedTokens),"
            + "\"flops\":\(number(cost.flops)),\"per_model\":{\(models.joined(separator: ","))},"
            + "\"seconds\":\(number(cost.seconds))\(extra)}"
    }

    static func encode(_ execution: ExecutionRecord) -> String {
        var fields = ["\"status\":\(string(execution.status.rawValue))"]
        if let message = execution.message { fields.append("\"message\":\(string(message))") }
        if let seconds = execution.seconds { fields.append("\"seconds\":\(number(seconds))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// `values` as a JSON object: keys of `order` first, in that order, then the rest sorted.
    static func object(_ values: [String: Double], order: [String]) -> String {
        let keys = order.filter { values[$0] != nil } + values.keys.filter { !order.contains($0) }.sorted()
        return "{" + keys.map { "\(string($0)):\(number(values[$0]!))" }.joined(separator: ",") + "}"
    }

    /// `x` in its shortest exact form: `12` for whole numbers below 2⁵³, else Swift's shortest round-trip
    /// decimal; `-Infinity`, `Infinity` or `NaN` for non-finite values.
    public static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
        if x == x.rounded(), abs(x) < 9_007_199_254_740_992 { return String(Int64(x)) }
        return "\(x)"
    }

    /// `s` as a JSON string literal.
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
