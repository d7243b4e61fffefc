import Foundation
import QuorumCore
import QuorumRun
import Testing

/// A run folder's paths.jsonl with a line that is not UTF-8 is refused as damaged, file unchanged:
/// `{ FF FF d": 1}` was a fatal error in Foundation's JSON5 scanner (Swift 6.3.1), found by `make fuzz`
/// (FuzzPaths, docs/fuzzing.md); resuming such a folder stopped the process.
@Suite struct FuzzFoundInputTests {
    @Test func aLineThatIsNotUTF8IsDamageNotACrash() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/paths.jsonl"
        let content = Data(Array((PathsLogTests.line("a", 0) + "\n").utf8) + [0x7B, 0xFF, 0xFF] + Array("d\": 1}\n".utf8))
        try content.write(to: URL(fileURLWithPath: file))
        do throws(RunError) {
            _ = try PathsLog(path: file, problems: ["a"], samples: 3)
            Issue.record("accepted a line that is not UTF-8")
        } catch {
            #expect(error.description.hasPrefix("\(file):2: not a path record (not valid JSON)"), "\(error.description)")
        }
        #expect(FileManager.default.contents(atPath: file) == content)
    }
}
