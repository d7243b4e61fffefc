import Foundation
import QuorumEval
import Testing

/// A release file that is not UTF-8 is refused; `{ FF FF d": 1}` was a fatal error in Foundation's JSON5
/// scanner (Swift 6.3.1), found by `make fuzz` in the same reader of paths.jsonl (docs/fuzzing.md).
@Suite struct FuzzFoundInputTests {
    @Test func aReleaseThatIsNotUTF8IsInvalidNotFatal() {
        let data = Data([0x7B, 0xFF, 0xFF] + Array("d\": 1}".utf8))
        do throws(EvalError) {
            _ = try RPCRelease.parse(data, file: "release.json")
            Issue.record("accepted a release that is not UTF-8")
        } catch {
            #expect(error.description.hasPrefix("release.json"), "\(error.description)")
        }
    }
}
