// libFuzzer target: answer extraction and equivalence on model text. The input is two texts separated by
// a 0x00 byte (a path's text and a gold or another path's text). Every extractor reads both; every
// equivalence compares the two texts and the two extracted answers, and must be symmetric
// (QuorumCore.AnswerEquivalence's contract), checked on the uncached relations.
import Foundation
import QuorumCore
import QuorumTasks

let choices = [Choice(label: "A", text: "red"), Choice(label: "B", text: "blue"), Choice(label: "C", text: "12")]
let relations: [(name: String, relation: any AnswerEquivalence)] = [
    ("math", MathEquivalence()), ("math, exact", MathEquivalence(tolerance: 0, percentInsensitive: false)),
    ("reference math", ReferenceMathEquivalence()), ("choice", ChoiceEquivalence()), ("text", TextEquivalence()),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnswers(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    let buffer = bytes
    let cut = buffer.firstIndex(of: 0) ?? count
    let a = String(decoding: buffer[..<cut], as: UTF8.self)
    let b = cut < count ? String(decoding: buffer[(cut + 1)...], as: UTF8.self) : ""
    var pairs = [(a, b)]
    for kind in TaskKind.allCases {
        let extractor = makeExtractor(kind: kind, choices: kind == .choice ? choices : [])
        pairs.append((extractor.extract(from: a).normalized, extractor.extract(from: b).normalized))
        for mode in EquivalenceMode.allCases { _ = makeEquivalence(kind: kind, mode: mode).equal(a, b) }
    }
    for (x, y) in pairs {
        for (name, relation) in relations {
            precondition(relation.equal(x, y) == relation.equal(y, x), "\(name) equivalence is not symmetric")
        }
    }
    _ = MathAnswerExtractor.answer(fromValue: a)
    _ = MathAnswerExtractor.numericValue(of: a)
    _ = CodeAnswerExtractor(style: .completion(stops: CodeAnswerExtractor.humanEvalStops), entryPoint: "f")
        .extract(from: a)
    _ = CodeAnswerExtractor.defines(a, function: "f")
    _ = ChoiceEquivalence.label(a)
    _ = TextEquivalence.key(a)
    return 0
}
