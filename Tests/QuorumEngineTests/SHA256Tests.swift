import Foundation
import Testing
@testable import QuorumEngine

@Suite struct SHA256Tests {
    @Test func standardVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8))
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInAnyChunksEqualsOneShot() {
        var rng = SplitMix64(seed: 3)
        let data = (0..<5000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let whole = SHA256.hex(data)
        for _ in 0..<50 {
            var h = SHA256()
            var i = 0
            while i < data.count {
                let n = min(Int(rng.next() % 200), data.count - i)
                h.update(Array(data[i..<(i + n)]))
                i += n
            }
            #expect(h.hexDigest() == whole)
        }
        // Every length around the padding boundary.
        for n in 50...130 { #expect(SHA256.hex(Array(data[0..<n])).count == 64) }
    }

    @Test func fileHashEqualsSha256sum() throws {
        var rng = SplitMix64(seed: 11)
        let data = Data((0..<(3 << 20) + 123).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-sha-\(UUID()).bin").path
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = try #require(output.split(separator: " ").first.map(String.init))
        #expect(try SHA256.hex(ofFile: path) == expected)
    }
}
