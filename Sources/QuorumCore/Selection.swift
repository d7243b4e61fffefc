/// One candidate answer of a selection: a cluster of equal answers (or a single path for PPL).
public struct Candidate: Sendable, Codable, Hashable {
    /// The representative answer.
    public var answer: String
    /// The candidate's confidence (normalised over candidates, except for PPL where it is the path probability).
    public var confidence: Double
    /// Indices of the member paths, in the order they were given.
    public var paths: [Int]
    /// Whether the representative answer equals the gold; `nil` without gold.
    public var correct: Bool?

    public init(answer: String, confidence: Double, paths: [Int], correct: Bool? = nil) {
        self.answer = answer
        self.confidence = confidence
        self.paths = paths
        self.correct = correct
    }
}

/// The outcome of selecting one answer among a problem's paths: a line of selections JSONL.
public struct Selection: Sendable, Codable, Hashable {
    public var problem: String
    /// The method's short name, e.g. `"rpc"`.
    public var method: String
    /// The selected answer (`""` is the "no answer" cluster).
    public var answer: String
    /// The selected answer's confidence in [0, 1].
    public var confidence: Double
    /// All candidates, in the method's list order.
    public var candidates: [Candidate]
    /// Paths removed by reasoning pruning (RPC), as indices into the given order.
    public var pruned: [Int]
    /// The gold answer, when known.
    public var gold: String?
    /// Credit of the selection against the gold: 1 or 0, fractional for exact ties; `nil` without gold.
    public var correct: Double?
    /// Method-specific numbers (fitted parameters, pruning cut …).
    public var diagnostics: [String: Double]?

    public init(
        problem: String, method: String, answer: String, confidence: Double, candidates: [Candidate],
        pruned: [Int] = [], gold: String? = nil, correct: Double? = nil, diagnostics: [String: Double]? = nil
    ) {
        self.problem = problem
        self.method = method
        self.answer = answer
        self.confidence = confidence
        self.candidates = candidates
        self.pruned = pruned
        self.gold = gold
        self.correct = correct
        self.diagnostics = diagnostics
    }
}
