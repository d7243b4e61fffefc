import Foundation
import QuorumCore
import QuorumTasks
import Testing

/// Task files that are not regular files, numbers beyond a Double's digits, and keys given twice
/// (issue 15, item 9).
@Suite struct LoaderInputTests {
    private func reason(_ path: String) -> String? {
        do throws(TaskLoadError) {
            _ = try TaskLoader.load(file: path)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aFIFOADeviceAndADirectoryAreRefusedForWhatTheyAre() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fifo = directory.appendingPathComponent("tasks.jsonl").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // With no writer, open(2) without O_NONBLOCK would wait here for ever.
        #expect(reason(fifo) == "\(fifo): cannot read file: is not a regular file (a FIFO)")
        #expect(reason("/dev/zero") == "/dev/zero: cannot read file: is not a regular file (a character device)")
        #expect(reason(directory.path) == "\(directory.path): cannot read file: is a directory")
        #expect(reason(directory.appendingPathComponent("absent.jsonl").path)?.hasSuffix("cannot read file: no such file") == true)
    }

    @Test func integerGoldsKeepEveryDigit() throws {
        let text = """
            {"id": "a", "kind": "math", "question": "q", "answer": 123456789012345678901234567890}
            {"id": "b", "kind": "math", "question": "q", "answer": 9007199254740993}
            {"id": "c", "kind": "math", "question": "q", "answer": -0}
            {"id": "d", "kind": "math", "question": "q", "answer": 39.0}
            {"id": "e", "kind": "math", "question": "q", "answer": 0.12345678901234567890}

            """
        let set = try LoaderFixtures.load("big.jsonl", text)
        #expect(set.problems.map(\.gold) == [
            "123456789012345678901234567890", "9007199254740993", "0", "39", "0.1234567890123456789",
        ])
        let svamp = try LoaderFixtures.load("s.json", "[{\"Body\": \"b\", \"Question\": \"q\", \"Answer\": 18446744073709551617}]")
        #expect(svamp.problems.first?.gold == "18446744073709551617")
    }

    @Test func aKeyGivenTwiceRejectsTheRecordAtTheSecondKey() throws {
        let text = """
            {"id": "a", "kind": "math", "question": "q", "answer": "1"}
            {"id": "b", "kind": "math", "question": "q", "answer": "1", "answer": "2"}
            {"id": "c", "kind": "math", "question": {"x": 1, "x": 2}, "answer": "1"}

            """
        let set = try LoaderFixtures.load("dup.jsonl", text)
        #expect(set.problems.map(\.id) == ["dup/a"])
        #expect(set.rejections.map { "\($0.location.line ?? 0):\($0.location.column ?? 0): \($0.reason)" } == [
            "2:61: duplicate key: \"answer\" is given twice in one object (first at 2:46)",
            "3:50: duplicate key: \"x\" is given twice in one object (first at 3:42)",
        ])
        let array = "[{\"id\": \"a\", \"kind\": \"math\", \"question\": \"q\", \"answer\": \"1\"},\n {\"id\": \"b\", \"id\": \"c\", \"kind\": \"math\", \"question\": \"q\"}]"
        let arraySet = try LoaderFixtures.load("dup.json", array)
        #expect(arraySet.rejections.map(\.location.description).map { ($0 as NSString).lastPathComponent } == ["dup.json:2:14"])
    }
}
