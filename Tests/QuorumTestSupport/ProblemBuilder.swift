import QuorumSelect

/// Builds a problem's paths for tests from parallel lists; labels are positions.
public func makeProblem(
    _ answers: [String], logprobs: [Double]? = nil, completions: [Int]? = nil, scores: [Double?]? = nil,
    gold: String? = nil, problem: String = "p"
) -> ProblemPaths {
    let paths = answers.indices.map { i in
        PathSummary(
            label: i, answer: answers[i], completion: completions?[i] ?? i,
            meanLogprob: logprobs?[i] ?? -0.5, score: scores?[i] ?? nil)
    }
    return ProblemPaths(problem: problem, gold: gold, paths: paths)
}
