import Foundation
import QuorumTestSupport
import Testing

/// The memory `quorum models info` needs for a GGUF file whose metadata holds one big array: the child's
/// peak resident set (wait4's ru_maxrss) minus that of the same command on a file without the array.
/// Before issue 15 every array element was a 24-byte enum: 4 M one-byte elements took ~100 MB (~25× the
/// file). Figures in docs/results.md ("Issue 15: runs, servers, damaged models").
@Suite(.serialized) struct GGUFMetadataMemoryCommandTests {
    /// A GGUF v3 file with no tensors, `general.architecture`, and `big`: `count` elements of type `type`
    /// (GGUF value type code) of `width` bytes each (strings: their full encoding), all `element`.
    static func file(at path: String, type: UInt32, count: Int, element: [UInt8]) throws {
        var d = Data("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); d.append(contentsOf: s.utf8) }
        u32(3); u64(0); u64(2)
        string("general.architecture"); u32(8); string("llama")
        string("big"); u32(9); u32(type); u64(UInt64(count))
        d.reserveCapacity(d.count + count * element.count)
        for _ in 0..<count { d.append(contentsOf: element) }
        try d.write(to: URL(fileURLWithPath: path))
    }

    /// Peak resident kilobytes of `quorum arguments` (output discarded). Measured by a small Python parent:
    /// on Linux a child's ru_maxrss starts from its parent's at exec, so this test process (tens of MB) cannot
    /// measure it directly.
    static func peakKilobytes(_ arguments: [String]) throws -> Int {
        let script = """
            import resource, subprocess, sys
            r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, CLI.executable] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(fields.count == 2, "python3 said: \(text)")
        #expect(fields[0] == 0, "quorum \(arguments) exited with \(fields[0])")
        return fields[1]
    }

    @Test(arguments: [
        ("u8", UInt32(0), [UInt8(7)]), ("i32", 5, [1, 0, 0, 0]), ("f32", 6, [0, 0, 0x80, 0x3F]),
        ("8-byte string", 8, [4, 0, 0, 0, 0, 0, 0, 0] + Array("abcd".utf8)),
        ("28-byte string", 8, [20, 0, 0, 0, 0, 0, 0, 0] + Array("a-longer-token-text-".utf8)),
    ])
    func aBigMetadataArrayTakesAboutItsFileSize(name: String, type: UInt32, element: [UInt8]) throws {
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let count = 4_000_000 * 4 / max(4, element.count)
        try Self.file(at: dir + "/small.gguf", type: type, count: 1, element: element)
        try Self.file(at: dir + "/big.gguf", type: type, count: count, element: element)
        let arrayBytes = count * element.count
        let baseline = try Self.peakKilobytes(["models", "info", dir + "/small.gguf"])
        let peak = try Self.peakKilobytes(["models", "info", dir + "/big.gguf"])
        // The mapped file is resident too while it is parsed: the array's own copy is what lies beyond it.
        let held = (peak - baseline) * 1024 - arrayBytes
        let ratio = Double(held) / Double(arrayBytes)
        print("GGUF metadata memory: \(count) × \(name) (\(arrayBytes) B in the file): peak RSS \(peak) KB, "
            + "baseline \(baseline) KB, held beyond the mapping \(held / 1024) KB = \(String(format: "%.2f", ratio))× the array's bytes")
        #expect(ratio < 1.6, "\(name): \(ratio)×")
    }
}
