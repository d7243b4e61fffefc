/// Why a problem's paths could not be aggregated. Each case names the problem and, where one is to blame,
/// the path (by its label).
public enum SelectError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problem has no paths.
    case noPaths(problem: String)
    /// A mean log-probability is NaN or +infinity (−infinity is allowed: probability 0).
    case invalidLogprob(problem: String, path: Int, value: Double)
    /// A path probability is NaN, negative or infinite.
    case invalidProbability(problem: String, path: Int, value: Double)
    /// The method needs a per-path score and this path has none.
    case missingScore(problem: String, path: Int, method: String)
    /// The score is outside what the method accepts (`requirement` says what it accepts).
    case invalidScore(problem: String, path: Int, value: Double, method: String, requirement: String)

    public var description: String {
        switch self {
        case .noPaths(let problem):
            "problem \(problem): no paths to select from"
        case .invalidLogprob(let problem, let path, let value):
            "problem \(problem), path \(path): mean_logprob \(value) is not a log-probability"
        case .invalidProbability(let problem, let path, let value):
            "problem \(problem), path \(path): probability \(value) is not in [0, ∞)"
        case .missingScore(let problem, let path, let method):
            "problem \(problem), path \(path): method \(method) needs a per-path \"score\" and it is missing"
        case .invalidScore(let problem, let path, let value, let method, let requirement):
            "problem \(problem), path \(path): score \(value) is not accepted by \(method) (\(requirement))"
        }
    }
}

extension ProblemPaths {
    /// Throws unless there is at least one path and every path has a usable log-probability and probability.
    func validateLikelihoods() throws(SelectError) {
        guard !paths.isEmpty else { throw .noPaths(problem: problem) }
        for path in paths {
            if path.meanLogprob.isNaN || path.meanLogprob == .infinity {
                throw .invalidLogprob(problem: problem, path: path.label, value: path.meanLogprob)
            }
            if !(path.probability >= 0) || path.probability == .infinity {
                throw .invalidProbability(problem: problem, path: path.label, value: path.probability)
            }
        }
    }

    /// Each path's score, throwing unless every path has one that passes `accepts`.
    func scores(
        method: String, requirement: String, accepts: (Double) -> Bool
    ) throws(SelectError) -> [Double] {
        guard !paths.isEmpty else { throw .noPaths(problem: problem) }
        var scores: [Double] = []
        scores.reserveCapacity(paths.count)
        for path in paths {
            guard let score = path.score else {
                throw .missingScore(problem: problem, path: path.label, method: method)
            }
            guard accepts(score) else {
                throw .invalidScore(
                    problem: problem, path: path.label, value: score, method: method, requirement: requirement)
            }
            scores.append(score)
        }
        return scores
    }
}
