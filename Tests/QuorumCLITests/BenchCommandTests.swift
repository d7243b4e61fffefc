import Foundation
import QuorumTestSupport
import Testing

/// `quorum bench` runs both tests and reports them in llama-bench's terms (speed itself is not tested here).
@Suite struct BenchCommandTests {
    @Test func reportsPrefillAndDecodeRates() throws {
        try CLI.requireModel("smollm2-135m")
        let r = try CLI.run(["bench", "--model", "smollm2-135m", "--prompt", "8", "--generate", "4", "--repetitions", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("architecture llama, kernels ") })
        for test in ["pp8", "tg4"] {
            let line = try #require(lines.first { $0.hasPrefix(test + ": ") }, "\(r.stdout)")
            let numbers = line.dropFirst(test.count + 2).split(separator: " ")
            #expect(numbers.count == 7 && numbers[1] == "±" && numbers[3] == "tokens/s" && numbers[5] == "per", "\(line)")
            #expect((Double(numbers[0]) ?? 0) > 0)
        }
    }

    @Test func skipsTestsAndRejectsBadCounts() throws {
        let bad = try CLI.run(["bench", "--repetitions", "0"])
        #expect(bad.status == 64 && bad.stderr.contains("--repetitions"))
        let negative = try CLI.run(["bench", "--prompt", "-1"])
        #expect(negative.status == 64)
        try CLI.requireModel("smollm2-135m")
        // --prompt 0 skips prefill and --batch "" the batched tests: only single-stream decode is left.
        let decodeOnly = try CLI.run(["bench", "--prompt", "0", "--generate", "2", "--repetitions", "1", "--batch", ""])
        #expect(decodeOnly.status == 0 && !decodeOnly.stdout.contains("pp") && decodeOnly.stdout.contains("tg2: "))
        #expect(!decodeOnly.stdout.contains("xtg"), "\(decodeOnly.stdout)")
    }
}
