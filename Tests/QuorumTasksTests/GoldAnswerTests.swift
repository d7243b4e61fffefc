import Foundation
import Testing
@testable import QuorumTasks

/// How gold answers are taken from the files: numerals, units, `####`, `\boxed{}`.
@Suite struct GoldAnswerTests {
    @Test(arguments: [
        ("39", "39"), ("39.0", "39"), ("1,250.00", "1250"), ("+007", "7"), ("-0.50", "-0.5"), (".5", "0.5"),
        ("-0", "0"), ("1,450,000", "1450000"), ("0.0010", "0.001"),
    ])
    func canonicalNumerals(text: String, expected: String) {
        #expect(GoldNumber.canonical(numeral: text) == expected)
    }

    @Test(arguments: ["", "-", "1.", "1,23", "12,3456", "1e5", "3/4", "1.2.3", "١٢", "0x10", "1,000.5.0"])
    func notNumerals(text: String) {
        #expect(GoldNumber.canonical(numeral: text) == nil)
    }

    @Test func doublesRenderWithoutNeedlessFractions() {
        #expect(GoldNumber.canonical(51.0) == "51")
        #expect(GoldNumber.canonical(-0.0) == "0")
        #expect(GoldNumber.canonical(2.5) == "2.5")
        #expect(GoldNumber.canonical(1e20) == "1e+20")
    }

    @Test(arguments: [
        ("9 (apples)", "9"), (" 15 (balls) ", "15"), ("36 (years old); 12 (years old)", "36; 12"),
        ("11; 12; 13", "11; 12; 13"), ("8 (ft); 128 (sq. ft)", "8; 128"), ("3.5 (dollars); 1.8 (dollars)", "3.5; 1.8"),
        ("3:4", "3:4"), ("5/2", "5/2"), ("Yes", "Yes"), ("3:30 p.m.", "3:30 p.m."), ("(3, 4)", "(3, 4)"),
        ("f(x)", "f(x)"), ("1,600", "1600"), ("Rug B", "Rug B"),
    ])
    func mathGolds(raw: String, expected: String) {
        #expect(GoldAnswer.math(raw) == expected)
    }

    @Test func gsm8kGoldIsAfterTheLastMarker() {
        let parsed = GoldAnswer.gsm8k("She makes 9 * 2 = $<<9*2=18>>18.\n#### 1,818")
        #expect(parsed?.gold == "1818")
        #expect(parsed?.solution == "She makes 9 * 2 = $<<9*2=18>>18.")
        #expect(GoldAnswer.gsm8k("no marker") == nil)
        #expect(GoldAnswer.gsm8k("a #### 1 #### 2")?.gold == "2")
    }

    @Test func lastBoxedMatchesBraces() {
        #expect(GoldAnswer.lastBoxed(in: #"so $\boxed{\frac{1}{2}}$."#) == #"\frac{1}{2}"#)
        #expect(GoldAnswer.lastBoxed(in: #"\boxed{1} then \boxed{2}"#) == "2")
        #expect(GoldAnswer.lastBoxed(in: #"\boxed{\{1, 2\}}"#) == #"\{1, 2\}"#)
        #expect(GoldAnswer.lastBoxed(in: #"\boxed 5$"#) == "5")
        #expect(GoldAnswer.lastBoxed(in: #"\boxed{6} and \fbox{7}"#) == "7")
        #expect(GoldAnswer.lastBoxed(in: #"\boxed{3} and \boxed{4"#) == "3")  // an unclosed last box is skipped
        #expect(GoldAnswer.lastBoxed(in: "no box") == nil)
        #expect(GoldAnswer.lastBoxed(in: #"\boxed"#) == nil)
    }
}

/// Line/column mapping and the UTF-8 check used for error locations.
@Suite struct TextPositionTests {
    @Test func linesAndColumnsCountScalars() {
        var position = TextPosition(Data("ab\ncé\n\nxyz".utf8))
        #expect(position.lineAndColumn(ofOffset: 0) == (1, 1))
        #expect(position.lineAndColumn(ofOffset: 2) == (1, 3))
        #expect(position.lineAndColumn(ofOffset: 3) == (2, 1))
        #expect(position.lineAndColumn(ofOffset: 6) == (2, 3))  // after c and the two bytes of é
        #expect(position.lineAndColumn(ofOffset: 7) == (3, 1))
        #expect(position.lineAndColumn(ofOffset: 100) == (4, 4))
        #expect(position.offset(line: 2, column: 3) == 6)
        #expect(position.offset(line: 9, column: 1) == nil)
    }

    /// Positions are remembered to walk on from the last one; asked in any order they stay right.
    @Test func answersDoNotDependOnTheOrderOfQuestions() {
        let text = Data("é1234\n<a><b>ü</b></a>\n\nlast line é\n".utf8)
        var fresh: [(Int, Int)] = []
        for offset in 0...text.count {
            var position = TextPosition(text)
            let answer = position.lineAndColumn(ofOffset: offset)
            fresh.append((answer.line, answer.column))
        }
        var shared = TextPosition(text)
        for offset in (0...text.count).reversed() + Array(0...text.count) + [7, 3, 20, 2] {
            let answer = shared.lineAndColumn(ofOffset: offset)
            #expect(answer == fresh[offset], "offset \(offset)")
            if let back = shared.offset(line: answer.line, column: answer.column) {
                var other = TextPosition(text)
                #expect(back == other.offset(line: answer.line, column: answer.column))
            }
        }
    }

    @Test func utf8Validation() {
        #expect(TextPosition.firstInvalidUTF8(in: Array("héllo €𝄞".utf8)) == nil)
        #expect(TextPosition.firstInvalidUTF8(in: [0x61, 0xFF]) == 1)
        #expect(TextPosition.firstInvalidUTF8(in: [0x61, 0xC0, 0xAF]) == 1)  // overlong "/"
        #expect(TextPosition.firstInvalidUTF8(in: [0xED, 0xA0, 0x80]) == 0)  // a surrogate
        #expect(TextPosition.firstInvalidUTF8(in: [0xF4, 0x90, 0x80, 0x80]) == 0)  // above U+10FFFF
        #expect(TextPosition.firstInvalidUTF8(in: [0x61, 0x62, 0xE2, 0x82]) == 2)  // cut short
        #expect(TextPosition.firstInvalidUTF8(in: [0x80]) == 0)  // a lone continuation byte
    }
}
