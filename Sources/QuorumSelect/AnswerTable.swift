/// The distinct answers of one problem with their pairwise equality and their equality with the gold,
/// each decided once.
///
/// Aggregators ask "are these two answers equal?" for every pair of positions (K² questions), but a problem
/// has few distinct answers; the table asks the equivalence once per pair of distinct answers, which is what
/// the reference's equality cache does. Build it once for a problem's whole pool and reuse it for every
/// subset of the evaluation protocol. Equality is taken as given: symmetric, not necessarily transitive.
public struct AnswerTable: Sendable {
    /// The distinct answers, in order of first appearance.
    public let answers: [String]
    /// The gold answer, or `nil`.
    public let gold: String?
    /// The equivalence the table was built with (used to extend it to answers it has not seen).
    public let equivalence: any AnswerEquivalence
    private let index: [String: Int]
    /// `equalMatrix[i * count + j]`: whether answers i and j are equal.
    private let equalMatrix: [Bool]
    /// `correctFlags[i]`: whether answer i is correct (empty without gold).
    private let correctFlags: [Bool]
    /// Decides correctness instead of equality with the gold, when given (code: the program passes its tests).
    private let judge: (@Sendable (String) -> Bool)?

    /// Builds the table of the distinct strings of `answers`, asking `equivalence` once per unordered pair
    /// (and once per answer against itself and against the gold).
    public init(answers: some Sequence<String>, gold: String?, equivalence: any AnswerEquivalence) {
        self.init(answers: answers, gold: gold, equivalence: equivalence, judge: nil)
    }

    /// Builds the table of the distinct strings of `answers` as ``init(answers:gold:equivalence:)`` does, but
    /// an answer is correct when `isCorrect` says so rather than when it equals the gold: for code, a program
    /// is correct when it passes the task's tests, whatever it shares with the reference solution. `gold` is
    /// kept for the record (selections show it).
    public init(
        answers: some Sequence<String>, gold: String, equivalence: any AnswerEquivalence,
        isCorrect: @escaping @Sendable (String) -> Bool
    ) {
        self.init(answers: answers, gold: gold, equivalence: equivalence, judge: isCorrect)
    }

    private init(
        answers: some Sequence<String>, gold: String?, equivalence: any AnswerEquivalence,
        judge: (@Sendable (String) -> Bool)?
    ) {
        var distinct: [String] = []
        var index: [String: Int] = [:]
        for answer in answers where index[answer] == nil {
            index[answer] = distinct.count
            distinct.append(answer)
        }
        let count = distinct.count
        var matrix = [Bool](repeating: false, count: count * count)
        for i in 0..<count {
            for j in 0...i {
                // Later answer first, as the clustering asks `equal(answer[i], answer[j])` with j < i.
                let equal = equivalence.equal(distinct[i], distinct[j])
                matrix[i * count + j] = equal
                matrix[j * count + i] = equal
            }
        }
        self.answers = distinct
        self.gold = gold
        self.equivalence = equivalence
        self.index = index
        self.equalMatrix = matrix
        self.judge = judge
        if let judge {
            correctFlags = distinct.map(judge)
        } else if let gold {
            correctFlags = distinct.map { equivalence.equal($0, gold) }
        } else {
            correctFlags = []
        }
    }

    /// The number of distinct answers.
    public var count: Int { answers.count }

    /// The position of `answer` in ``answers``, or `nil` when the table has not seen it.
    public func id(of answer: String) -> Int? { index[answer] }

    /// Whether the answers with ids `i` and `j` are equal.
    public func equal(_ i: Int, _ j: Int) -> Bool { equalMatrix[i * answers.count + j] }

    /// Whether the answer with id `i` equals the gold; `nil` without gold.
    public func isCorrect(_ i: Int) -> Bool? { gold == nil ? nil : correctFlags[i] }

    /// The ids of `paths`' answers, extending the table first when some answer is not in it.
    func ids(of paths: [PathSummary]) -> (table: AnswerTable, ids: [Int]) {
        var ids: [Int] = []
        ids.reserveCapacity(paths.count)
        for path in paths {
            guard let id = index[path.answer] else {
                let extended = AnswerTable(
                    answers: answers + paths.map(\.answer), gold: gold, equivalence: equivalence, judge: judge)
                return (extended, paths.map { extended.index[$0.answer]! })
            }
            ids.append(id)
        }
        return (self, ids)
    }
}
