import Foundation
import Testing
@testable import QuorumEngine

/// A model path that is not a regular file. Before issue 15 a FIFO hung in open(2) until a writer came, and
/// /dev/zero or a directory gave unhelpful messages.
@Suite(.serialized) struct ModelFileKindTests {
    /// A FIFO in a fresh directory, and a thread that opens it for writing after `rescueAfter` seconds, so
    /// that a reader stuck in open(2) is released and the test fails on time instead of hanging forever.
    static func fifo(rescueAfter seconds: Double = 5) throws -> (path: String, dir: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-fifo-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/model.gguf"
        #expect(mkfifo(path, 0o600) == 0)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: seconds)
            // Succeeds only while a reader has the FIFO open (O_NONBLOCK): releases it with an immediate EOF.
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
        return (path, dir)
    }

    @Test func aFIFOIsRefusedAtOnceByTheStoreTheReaderAndTheHash() throws {
        let (path, dir) = try Self.fifo()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = Date()
        #expect(throws: ModelStoreError.notARegularFile(path: path, kind: "a FIFO (named pipe)")) { try ModelStore().resolve(path) }
        #expect(throws: ModelStoreError.notARegularFile(path: path, kind: "a FIFO (named pipe)")) { try SHA256.hex(ofFile: path) }
        #expect(throws: GGUFError.cannotOpen(path: path, reason: "it is a FIFO (named pipe), not a regular file")) {
            try GGUFFile(path: path)
        }
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(
            ModelStoreError.notARegularFile(path: path, kind: "a FIFO (named pipe)").description
                == "\(path): is a FIFO (named pipe), not a regular file; give the path of a .gguf model file")
    }

    @Test func aDirectoryAndACharacterDeviceAreNamedForWhatTheyAre() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-dir-\(UUID()).gguf").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ModelStoreError.notARegularFile(path: dir, kind: "a directory")) { try ModelStore().resolve(dir) }
        #expect(throws: ModelStoreError.notARegularFile(path: "/dev/zero", kind: "a character device")) {
            try ModelStore().resolve("/dev/zero")
        }
        #expect(throws: GGUFError.cannotOpen(path: "/dev/zero", reason: "it is a character device, not a regular file")) {
            try GGUFFile(path: "/dev/zero")
        }
    }
}
