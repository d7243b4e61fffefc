import Foundation
import QuorumCore
import QuorumTasks

/// One worked example shown before the question in a few-shot prompt.
public struct FewShotExemplar: Sendable, Hashable {
    /// The example's question.
    public var question: String
    /// Its options (choice exemplars only).
    public var choices: [Choice]
    /// The worked solution, ending in the answer sentence (`The answer is 12.`).
    public var solution: String

    /// An exemplar; see the properties.
    public init(question: String, choices: [Choice] = [], solution: String) {
        self.question = question
        self.choices = choices
        self.solution = solution
    }
}

/// Few-shot exemplars: the built-in ones, loading them from a task file, and the few-shot block format.
///
/// An exemplar file is any task file `TaskLoader` reads (e.g. Quorum JSON Lines) whose records carry a worked
/// solution in a `solution` field; `tasks/arith-easy.fewshot.jsonl` is one. The block repeats, per exemplar,
/// the format the built-in template then uses for the question:
///
///     math:    Q: {question}\nA: Let's think step by step. {solution}\n\n
///     choice:  Question: {question}\n(A) …\n(B) …\nAnswer: Let's think step by step. {solution}\n\n
public enum FewShotExemplars {
    /// Where the exemplars of a run come from, as `run.json` records it.
    public static let builtInMathSource = "built-in: the 8 exemplars of tasks/arith-easy.fewshot.jsonl"
    /// Where the built-in choice exemplars come from, as `run.json` records it.
    public static let builtInChoiceSource = "built-in: 4 multiple-choice exemplars written for Quorum"

    /// The built-in exemplars for problems of `kind` (none for text and code).
    public static func builtIn(for kind: TaskKind) -> [FewShotExemplar] {
        switch kind {
        case .math: arithEasy
        case .choice: choice
        case .text, .code: []
        }
    }

    /// The exemplars of `tasks/arith-easy.fewshot.jsonl`, compiled in so that `fewshot-math` works from any
    /// directory (a test checks that they equal the file).
    public static let arithEasy: [FewShotExemplar] = [
        FewShotExemplar(
            question: "Ben is 11 years old. Zoe is 9 years old. How many years older is Ben than Zoe?",
            solution: "Ben is 11 and Zoe is 9, so Ben is 11 - 9 = 2 years older. The answer is 2."),
        FewShotExemplar(
            question: "Ivan has 16 shells. He gives 12 shells to Maria. How many shells does Ivan have left?",
            solution: "Ivan has 16 shells and gives away 12, so Ivan has 16 - 12 = 4 shells left. The answer is 4."),
        FewShotExemplar(
            question: "Ivan has 5 marbles, Anna has 2 marbles and Ravi has 4 marbles. How many marbles do they have altogether?",
            solution: "5 + 2 = 7, and 7 + 4 = 11 marbles. The answer is 11."),
        FewShotExemplar(
            question: "Sara had 10 cards. Nora gave her 3 more. How many cards does Sara have now?",
            solution: "Sara had 10 cards and got 3 more, so Sara has 10 + 3 = 13 cards. The answer is 13."),
        FewShotExemplar(
            question: "There are 10 new balloons and 12 old balloons in the drawer. How many balloons are in the drawer?",
            solution: "There are 10 new and 12 old balloons, so there are 10 + 12 = 22 balloons. The answer is 22."),
        FewShotExemplar(
            question: "Lucy has 4 baskets with 3 pencils in each basket. She also has 3 more pencils. How many pencils does Lucy have in total?",
            solution: "The baskets hold 4 x 3 = 12 pencils. With 3 more, she has 12 + 3 = 15 pencils. The answer is 15."),
        FewShotExemplar(
            question: "One muffin costs 6 dollars. Maria buys 2 muffins. How many dollars does Maria spend?",
            solution: "2 muffins at 6 dollars each cost 2 x 6 = 12 dollars. The answer is 12."),
        FewShotExemplar(
            question: "Anna has 21 dollars. She buys a muffin for 5 dollars and a pen for 7 dollars. How many dollars does she have left?",
            solution: "She spends 5 + 7 = 12 dollars, so she has 21 - 12 = 9 dollars left. The answer is 9."),
    ]

    /// Four multiple-choice exemplars written for Quorum (everyday knowledge, one correct option each).
    public static let choice: [FewShotExemplar] = [
        FewShotExemplar(
            question: "Which of these tools is used to cut paper?",
            choices: [
                Choice(label: "A", text: "a spoon"), Choice(label: "B", text: "scissors"),
                Choice(label: "C", text: "a pillow"), Choice(label: "D", text: "a cup"),
            ],
            solution: "Scissors have two sharp blades that cut paper; the other things cannot cut. The answer is B."),
        FewShotExemplar(
            question: "Where does a fish usually live?",
            choices: [
                Choice(label: "A", text: "in a tree"), Choice(label: "B", text: "in the desert"),
                Choice(label: "C", text: "in water"), Choice(label: "D", text: "in a nest"),
            ],
            solution: "A fish breathes through gills and needs water to live. The answer is C."),
        FewShotExemplar(
            question: "What happens to an ice cube left in a warm room?",
            choices: [
                Choice(label: "A", text: "it melts"), Choice(label: "B", text: "it gets bigger"),
                Choice(label: "C", text: "it turns into sand"),
            ],
            solution: "Warm air heats the ice above its melting point, so it turns into water. The answer is A."),
        FewShotExemplar(
            question: "Mia is very tired after a long day. What will she most likely do?",
            choices: [
                Choice(label: "A", text: "run a marathon"), Choice(label: "B", text: "paint the house"),
                Choice(label: "C", text: "climb a mountain"), Choice(label: "D", text: "go to sleep"),
                Choice(label: "E", text: "move to a new city"),
            ],
            solution: "A tired person wants rest, and sleeping is how people rest. The answer is D."),
    ]

    /// The exemplars of the task file at `path` for problems of `kind`: every record must load, be of that
    /// kind and carry a non-empty `solution`.
    public static func load(file path: String, kind: TaskKind) throws(RunError) -> [FewShotExemplar] {
        let set: TaskSet
        do {
            set = try TaskLoader.load(file: path)
        } catch {
            throw .fewShot(SourceLocation(file: path), reason: error.description)
        }
        if let rejection = set.rejections.first {
            throw .fewShot(rejection.location, reason: rejection.reason)
        }
        var exemplars: [FewShotExemplar] = []
        for problem in set.problems {
            guard problem.kind == kind else {
                throw .fewShot(
                    SourceLocation(file: path),
                    reason: "exemplar \(problem.id) is a \(problem.kind.rawValue) problem, but the task set's "
                        + "problems are \(kind.rawValue)")
            }
            guard let solution = problem.metadata["solution"]?.trimmingCharacters(in: .whitespacesAndNewlines),
                !solution.isEmpty
            else {
                throw .fewShot(
                    SourceLocation(file: path),
                    reason: "exemplar \(problem.id) has no \"solution\" field (a worked solution ending in "
                        + "\"The answer is …\")")
            }
            exemplars.append(FewShotExemplar(question: problem.question, choices: problem.choices, solution: solution))
        }
        guard !exemplars.isEmpty else { throw .fewShot(SourceLocation(file: path), reason: "no exemplars") }
        return exemplars
    }

    /// The few-shot block for problems of `kind` (the format in the type's description).
    public static func block(_ exemplars: [FewShotExemplar], kind: TaskKind) -> String {
        exemplars.map { e in
            switch kind {
            case .choice:
                "Question: \(e.question)\n\(PromptTemplate.choiceLines(e.choices))\n"
                    + "Answer: Let's think step by step. \(e.solution)\n\n"
            case .math, .text, .code:
                "Q: \(e.question)\nA: Let's think step by step. \(e.solution)\n\n"
            }
        }.joined()
    }
}
