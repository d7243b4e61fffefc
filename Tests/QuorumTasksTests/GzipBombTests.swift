import Foundation
import QuorumTestSupport
import Testing
@testable import QuorumTasks

/// Gzipped task files decompress under a cap (issue 15, item 6): before, a 3 MB file grew past 6 GB of memory.
@Suite struct GzipBombTests {
    /// The real HumanEval file loads under a cap above its size and is refused, naming the file and the
    /// flag, under one below it.
    @Test func theCapDecidesOnARealFile() throws {
        let path = LoaderFixtures.sharedTask("humaneval/HumanEval.jsonl.gz")
        let loaded = try TaskLoader.load(file: path, options: TaskLoadOptions(maximumDecompressedBytes: 1 << 20))
        #expect(loaded.problems.count == 164)
        #expect(throws: TaskLoadError.decompressedTooLarge(SourceLocation(file: path), limit: 64 << 10)) {
            try TaskLoader.load(file: path, options: TaskLoadOptions(maximumDecompressedBytes: 64 << 10))
        }
        let message = "\(TaskLoadError.decompressedTooLarge(SourceLocation(file: path), limit: 65536))"
        #expect(message.contains(path) && message.contains("more than 65536 bytes") && message.contains("--max-decompressed-bytes"), "\(message)")
    }

    /// 512 MiB of zeros in a 0.5 MB file, through `quorum tasks validate`: refused at the default cap
    /// (256 MiB) with the peak memory of the process bounded near the cap, and at once under a small one.
    @Test func aBombFailsWithoutFillingTheMemory() throws {
        let bomb = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-bomb-\(UUID().uuidString).jsonl.gz").path
        defer { try? FileManager.default.removeItem(atPath: bomb) }
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/bin/sh")
        make.arguments = ["-c", "head -c 536870912 /dev/zero | gzip -1 > '\(bomb)'"]
        try make.run()
        make.waitUntilExit()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: bomb)[.size] as? Int)
        #expect(size < 4 << 20)

        // Peak resident memory of the child, in KiB, measured by Python's resource module around it.
        let measure = "import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            + "print(r.returncode)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nprint(r.stderr)"
        for (flags, reason) in [([String](), "more than 268435456 bytes"), (["--max-decompressed-bytes", "1M"], "more than 1048576 bytes")] {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            probe.arguments = ["-c", measure, CLI.executable, "tasks", "validate", bomb] + flags
            let out = Pipe()
            probe.standardOutput = out
            try probe.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            probe.waitUntilExit()
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "1", "\(text)")
            let peakKiB = lines.count > 1 ? Int(lines[1]) ?? 0 : 0
            print("tasks validate \(flags.joined(separator: " ")) on a 512 MiB bomb: peak RSS \(peakKiB / 1024) MiB")
            #expect(peakKiB < 600 << 10, "peak \(peakKiB) KiB")
            #expect(text.contains("gzip over the size limit") && text.contains(reason), "\(text)")
        }
    }

    /// Sizes on the command line: bytes or K/M/G; nonsense is refused by the parser.
    @Test func sizesOnTheCommandLine() throws {
        let path = LoaderFixtures.sharedTask("humaneval/HumanEval.jsonl.gz")
        let small = try CLI.run(["tasks", "validate", path, "--max-decompressed-bytes", "64K"])
        #expect(small.status == 1)
        #expect(small.stderr.contains("more than 65536 bytes"), "\(small.stderr)")
        let enough = try CLI.run(["tasks", "validate", path, "--max-decompressed-bytes", "1048576"])
        #expect(enough.status == 0, "\(enough.stderr)")
        for bad in ["0", "-5", "12X", "9999999999G"] {
            let refused = try CLI.run(["tasks", "validate", path, "--max-decompressed-bytes", bad])
            #expect(refused.status != 0 && refused.stderr.contains("max-decompressed-bytes"), "\(bad): \(refused.stderr)")
        }
    }
}
