import Foundation
import QuorumTestSupport
import Testing

/// `quorum equal` end to end.
@Suite struct EquivalenceCLITests {
    @Test(arguments: [
        (["1/2", "0.5"], "true", Int32(0)),
        (["\\frac{1}{2}", "0.5"], "true", 0),
        (["--mode", "reference", "\\frac{1}{2}", "0.5"], "false", 1),
        (["--mode", "reference", "1,000", "1000.0"], "true", 0),
        (["--mode", "default", "x = 3", "3"], "true", 0),
        (["--kind", "choice", "(B)", "b"], "true", 0),
        (["--kind", "choice", "A", "B"], "false", 1),
        (["--kind", "text", "Paris.", "paris"], "true", 0),
        (["--", "-5", "-5.0"], "true", 0),
        (["8", "8.0018"], "false", 1),
    ])
    func printsTheVerdictAndExitsWithIt(arguments: [String], output: String, status: Int32) throws {
        let result = try CLI.run(["equal"] + arguments)
        #expect(result.stdout == output + "\n")
        #expect(result.status == status)
    }

    @Test func rejectsUnknownModesAndKinds() throws {
        let mode = try CLI.run(["equal", "--mode", "fuzzy", "1", "1"])
        #expect(mode.status == 64)
        #expect(mode.stderr.contains("fuzzy"))
        let missing = try CLI.run(["equal", "1"])
        #expect(missing.status == 64)
    }

    @Test func helpIsExactlyThis() throws {
        let help = try CLI.run(["equal", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == Self.help)
    }

    static let help = #"""
            OVERVIEW: Say whether two answers are equal: prints true (exit 0) or false
            (exit 1).

            The reference mode reproduces the RPC reference's equality (no LaTeX:
            \frac{1}{2} and 0.5 differ); the default mode reads LaTeX, fractions, mixed
            numbers, tuples and units. Both treat b/100 and b*100 as equal to b and use an
            absolute tolerance of 1e-3. Answers that begin with "-" go after --, as in:
            quorum equal -- -5 -5.0

            USAGE: quorum equal <first> <second> [--kind <kind>] [--mode <mode>]

            ARGUMENTS:
              <first>                 The first answer.
              <second>                The second answer.

            OPTIONS:
              --kind <kind>           The kind of answer. (values: math, choice, text;
                                      default: math)
              --mode <mode>           Which equality rules to use. (values: reference,
                                      default; default: default)
              --version               Show the version.
              -h, --help              Show help information.


            """#

}
