import Foundation

/// What answer selection needs from one sampled path.
///
/// A ``ReasoningPath`` carries much more (tokens, cost, the full text); aggregators only read the answer,
/// the identity of the completion text (for de-duplication in PC and RPC), the mean log-probability and the
/// path probability, and an optional score supplied by another tool.
public struct PathSummary: Sendable, Hashable {
    /// The number reported for this path in ``Candidate/paths`` and ``Selection/pruned`` (usually the path
    /// index within its problem).
    public var label: Int
    /// The extracted, normalised answer; `""` when nothing was extracted.
    public var answer: String
    /// Identity of the completion text: two paths have equal `completion` exactly when their texts are
    /// equal. PC and RPC count a `(completion, probability)` pair once.
    public var completion: Int
    /// Mean of the per-token log-probabilities; `-infinity` is allowed (probability 0), NaN is rejected.
    public var meanLogprob: Double
    /// The path probability `exp(meanLogprob)` (the inverse perplexity). Kept separately so that callers
    /// can supply bit-exact values computed elsewhere (the RPC fixture gives numpy's `exp`).
    public var probability: Double
    /// A score from another tool (e.g. a reward model), used only by the weighted vote and best-of-N.
    public var score: Double?

    /// Creates a summary; `probability` defaults to `exp(meanLogprob)`.
    public init(
        label: Int, answer: String, completion: Int, meanLogprob: Double, probability: Double? = nil,
        score: Double? = nil
    ) {
        self.label = label
        self.answer = answer
        self.completion = completion
        self.meanLogprob = meanLogprob
        self.probability = probability ?? exp(meanLogprob)
        self.score = score
    }
}

/// One problem's paths in the order aggregation sees them (the sampling order, or the shuffled order of
/// the evaluation protocol), with the gold answer when known.
public struct ProblemPaths: Sendable, Hashable {
    /// The problem's identifier.
    public var problem: String
    /// The gold answer in normalised form, or `nil`.
    public var gold: String?
    /// The paths, in order. Clustering is order dependent (spec/rpc.md), so the order is part of the input.
    public var paths: [PathSummary]

    public init(problem: String, gold: String? = nil, paths: [PathSummary]) {
        self.problem = problem
        self.gold = gold
        self.paths = paths
    }

    /// Summarises `paths` (all of one problem) in the order given, labelling each with its `path` index and
    /// giving equal texts equal completion identities.
    public init(problem: String, gold: String? = nil, reasoningPaths paths: [ReasoningPath]) {
        var texts: [String: Int] = [:]
        self.problem = problem
        self.gold = gold
        self.paths = paths.map { path in
            let completion = texts[path.text] ?? texts.count
            texts[path.text] = completion
            return PathSummary(
                label: path.path, answer: path.answer, completion: completion,
                meanLogprob: path.meanLogprob, score: path.score)
        }
    }
}
