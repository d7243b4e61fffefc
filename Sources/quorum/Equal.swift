import ArgumentParser
import QuorumTasks

/// `quorum equal`: whether two answers are equal.
struct Equal: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say whether two answers are equal: prints true (exit 0) or false (exit 1).",
        discussion: """
            The reference mode reproduces the RPC reference's equality (no LaTeX: \\frac{1}{2} and 0.5 \
            differ); the default mode reads LaTeX, fractions, mixed numbers, tuples and units. Both treat \
            b/100 and b*100 as equal to b and use an absolute tolerance of 1e-3. Answers that begin with \
            "-" go after --, as in: quorum equal -- -5 -5.0
            """)

    @Argument(help: "The first answer.")
    var first: String

    @Argument(help: "The second answer.")
    var second: String

    @Option(help: "The kind of answer.")
    var kind: AnswerKindArgument = .math

    @Option(help: "Which equality rules to use.")
    var mode: EquivalenceModeArgument = .default

    func run() throws {
        let equal = makeEquivalence(kind: kind.taskKind, mode: mode.mode).equal(first, second)
        print(equal ? "true" : "false")
        if !equal { throw ExitCode(1) }
    }
}

/// `--mode` of `quorum equal`.
enum EquivalenceModeArgument: String, ExpressibleByArgument, CaseIterable {
    case reference, `default`

    var mode: EquivalenceMode {
        switch self {
        case .reference: .reference
        case .default: .default
        }
    }
}
