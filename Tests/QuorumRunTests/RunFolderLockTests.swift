import Foundation
import QuorumRun
import Testing

/// The run folder's lock: one holder at a time (flock(2) conflicts between open file descriptions, even in one
/// process), the holder's pid in the refusal, released when the holder lets go.
@Suite struct RunFolderLockTests {
    @Test func aSecondLockOnAFolderIsRefusedWithTheHoldersPidAndTakenOnceReleased() throws {
        let dir = try RepositoryFiles.temporaryDirectory() + "/run"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = RunFolder(path: dir)
        var first: RunFolderLock? = try folder.lock()
        let written = try String(contentsOfFile: dir + "/run.lock", encoding: .utf8)
        #expect(written == "\(getpid())\n")
        do throws(RunError) {
            _ = try folder.lock()
            Issue.record("a second lock was granted")
        } catch {
            #expect(error == .folderLocked(folder: dir, pid: getpid()))
            #expect(error.description.hasPrefix("another run (pid \(getpid())) holds \(dir);"))
        }
        withExtendedLifetime(first) {}
        first = nil
        let second = try folder.lock()
        withExtendedLifetime(second) {}
    }

    @Test func aFileInPlaceOfTheFolderIsRefused() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        #expect(throws: RunError.self) { _ = try RunFolder(path: dir + "/file").lock() }
    }
}
