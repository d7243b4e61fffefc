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
/// fraction). A log-probability of −∞ (a token the model gave probability 0) is written as `-Infinity`, as
/// Python's `json` does, which the readers accept; any other non-finite number (NaN, +∞, or −∞ in a field
/// that is not a log-probability) is refused with ``RunError/nonFiniteValue(problem:path:field:value:model:)``
/// and never written. Written by hand because JSONEncoder fixes neither key order nor number form.
public enum PathLine {
    /// The line of `path` (without the newline).
    /// - Throws: ``RunError/nonFiniteValue(problem:path:field:value:model:)`` naming the first field that JSON
    ///   cannot hold.
    public static func encode(_ path: ReasoningPath, gold: String?) throws(RunError) -> String {
        if let (field, value) = firstNonFinite(in: path) {
            throw .nonFiniteValue(problem: path.problem, path: path.path, field: field, value: value, model: path.model)
        }
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

    /// The first number of `path` that a line cannot hold, with its field: NaN or +∞ anywhere, −∞ outside
    /// the log-probabilities.
    static func firstNonFinite(in path: ReasoningPath) -> (field: String, value: Double)? {
        var numbers: [(String, Double, logprob: Bool)] = [("mean_logprob", path.meanLogprob, true)]
        for (i, x) in (path.logprobs ?? []).enumerated() { numbers.append(("logprobs[\(i)]", x, true)) }
        if let sum = path.sumLogprob { numbers.append(("sum_logprob", sum, true)) }
        if let score = path.score { numbers.append(("score", score, false)) }
        for key in (path.params ?? [:]).keys.sorted() { numbers.append(("params.\(key)", path.params![key]!, false)) }
        if let cost = path.cost {
            numbers += [("cost.flops", cost.flops, false), ("cost.seconds", cost.seconds, false)]
            if let x = cost.leaderShare { numbers.append(("cost.leader_share", x, false)) }
            if let x = cost.pausedFraction { numbers.append(("cost.paused_fraction", x, false)) }
            for name in cost.perModel.keys.sorted() {
                let usage = cost.perModel[name]!
                numbers.append(("cost.per_model.\(name).flops", usage.flops, false))
                if let x = usage.seconds { numbers.append(("cost.per_model.\(name).seconds", x, false)) }
            }
        }
        if let x = path.execution?.seconds { numbers.append(("execution.seconds", x, false)) }
        for (field, value, logprob) in numbers where !value.isFinite {
            if logprob, value == -.infinity { continue }
            return (field, value)
        }
        return nil
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
    /// decimal; the string `"-Infinity"` for −∞ (a log-probability of a token of probability 0, the mean of an
    /// empty completion): JSON has no infinite numbers, and every line must be JSON. Callers refuse NaN and
    /// +∞ before (``encode(_:gold:)``); were one to reach here it would be written as `null`.
    public static func number(_ x: Double) -> String {
        if x == -.infinity { return "\"-Infinity\"" }
        if !x.isFinite { return "null" }
        if x == x.rounded(), abs(x) < 9_007_199_254_740_992 { return String(Int64(x)) }
        return "\(x)"
    }

    /// `s` as a JSON string literal (``JSONString/literal(_:)``).
    public static func string(_ s: String) -> String { JSONString.literal(s) }
}
