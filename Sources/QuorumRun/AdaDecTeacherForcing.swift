import Foundation
import QuorumCore
import QuorumDecode

/// Teacher-forced gold solutions for AdaDec's calibration (``AdaDecCalibration``): each problem's prompt,
/// rendered by the run's template, followed by its gold solution written the way the template's exemplars
/// write theirs.
public enum AdaDecTeacherForcing {
    /// The gold solution text that follows the rendered prompt, or nil when the problem carries none.
    /// GSM8K: the worked solution with its `<<…>>` calculator notes removed and lines joined, then
    /// "The answer is N." (the few-shot exemplars' form); HumanEval: the canonical solution (a function body)
    /// as given; MBPP: the reference program (`code`) with CRLF line ends made LF and each line's leading tabs
    /// made four spaces (MBPP's programs mix both; the models write spaces, and a tab where the model would
    /// put spaces would count as a wrong greedy token at every indented line).
    public static func solution(of problem: Problem) -> String? {
        if let code = problem.metadata["canonical_solution"], !code.isEmpty { return code }
        if let code = problem.metadata["code"], !code.isEmpty {
            let lines = code.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            return lines.map { line in
                let tabs = line.prefix { $0 == "\t" }.count
                return String(repeating: "    ", count: tabs) + line.dropFirst(tabs)
            }.joined(separator: "\n")
        }
        guard let worked = problem.metadata["solution"], let gold = problem.gold else { return nil }
        var text = worked
        while let open = text.range(of: "<<"), let close = text.range(of: ">>", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var joined = lines.map { $0.hasSuffix(".") ? $0 : $0 + "." }.joined(separator: " ")
        joined += " The answer is \(gold)."
        return " " + joined
    }

    /// Every teacher-forced position of `problems` (those without a solution are counted in `skipped`).
    public static func positions(
        model: any LanguageModel, problems: [Problem], template: PromptTemplate, entropy: EntropyEstimate = .full,
        progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> (positions: [AdaDecCalibration.Position], used: Int, skipped: Int) {
        guard let codec = model.text else { throw DecodeError.noTokenizer("calibration") }
        let cache = PrefixCache(model: model)
        var out: [AdaDecCalibration.Position] = []
        var used = 0, skipped = 0
        for (i, problem) in problems.enumerated() {
            progress(i, problems.count)
            guard let solution = solution(of: problem) else {
                skipped += 1
                continue
            }
            let prompt = try codec.encode(template.render(problem))
            let forced = try codec.encode(solution)
            var rest = prompt
            var prefix: SequenceID?
            if let p = try await cache.prefix(for: template.sharedPrefix, text: codec), prompt.count > p.tokens.count,
                prompt.starts(with: p.tokens)
            {
                rest = Array(prompt[p.tokens.count...])
                prefix = p.sequence
            }
            guard prompt.count + forced.count <= model.contextLength else {
                skipped += 1
                continue
            }
            out += try await AdaDecCalibration.positions(
                model: model, prompt: rest, solution: forced, prefix: prefix, entropy: entropy)
            used += 1
        }
        return (out, used, skipped)
    }
}
