import Foundation
import QuorumTestSupport
import Testing

/// The option groups of the `quorum` commands (issue 16): each knob is declared once, with one help text, one
/// default and one check, in every command that has it; list options are typed.
@Suite struct OptionGroupCommandTests {
    /// The `--help` entry of `option` (its first line and the lines indented under it).
    static func entry(_ option: String, in help: String) -> String? {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  \(option) ") || $0 == "  \(option)" }) else { return nil }
        var entry = [lines[start]]
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("                          ") else { break }
            entry.append(line)
        }
        // The first line's text column depends on the value name's width: compare words only.
        return entry.joined(separator: " ").split(separator: " ").joined(separator: " ")
    }

    static func help(_ command: [String]) throws -> String {
        let r = try CLI.run(command + ["--help"])
        #expect(r.status == 0, "\(command)")
        return r.stdout
    }

    @Test func sharedOptionsReadAlikeInEveryCommand() throws {
        let run = try Self.help(["run"])
        let exec = try Self.help(["exec"])
        let generate = try Self.help(["generate"])
        let calibrate = try Self.help(["adadec", "calibrate"])
        let stopReplay = try Self.help(["stop-replay"])
        let threads = try #require(Self.entry("--threads <threads>", in: run))
        for other in [generate, calibrate, try Self.help(["bench"]), try Self.help(["logits"])] {
            #expect(Self.entry("--threads <threads>", in: other) == threads)
        }
        for option in ["--timeout <timeout>", "--memory <memory>", "--jobs <jobs>", "--isolation <layer>"] {
            #expect(Self.entry(option, in: run) != nil && Self.entry(option, in: run) == Self.entry(option, in: exec), "\(option)")
        }
        for option in ["--temperature <temperature>", "--top-p <top-p>", "--top-k <top-k>", "--min-p <min-p>",
                       "--max-tokens <max-tokens>", "--seed <seed>"] {
            #expect(Self.entry(option, in: run) != nil && Self.entry(option, in: run) == Self.entry(option, in: generate), "\(option)")
        }
        for option in ["--stop-rule <beta|rpc>", "--stop-threshold <stop-threshold>", "--round <round>"] {
            #expect(Self.entry(option, in: run) != nil && Self.entry(option, in: run) == Self.entry(option, in: stopReplay), "\(option)")
        }
        // One default per knob.
        #expect(Self.entry("--temperature <temperature>", in: generate)?.hasSuffix("(default: 0.7)") == true)
        #expect(Self.entry("--model <name|file.gguf>", in: calibrate)?.hasSuffix("(default: smollm2-135m)") == true)
        #expect(Self.entry("--model <name|file.gguf|urls>", in: run)?.hasSuffix("(default: smollm2-135m)") == true)
        // run's groups are titled.
        for title in ["MODEL:", "SERVERS:", "SAMPLING:", "DECODER:", "CODE PROBLEMS: THE SANDBOX:", "OPTIONS:"] {
            #expect(run.contains("\n\(title)\n"), "\(title)")
        }
    }

    @Test func eachGroupChecksItsOwnOptions() throws {
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (extra, message) in [
            (["--jobs", "0"], "--jobs must be at least 1"),
            (["--timeout", "0"], "--timeout must be positive"),
            (["--memory", "10"], "--memory must be at least 64 (MiB)"),
            (["--threads", "0"], "--threads must be at least 1, not 0"),
            (["--batch", "0"], "--batch must be at least 1, not 0"),
            (["--requests-per-server", "0"], "--requests-per-server must be at least 1, not 0"),
            (["--top-p", "0"], "top-p must be in (0, 1]"),
            (["--model", "http://127.0.0.1:9/v1", "--threads", "2"], "--threads applies to the embedded engine, not to servers"),
            (["--leader", "smollm2-135m"], "--leader and --draft apply to --decoder foreal"),
            (["--decoder", "foreal"], "--decoder foreal needs --leader and --draft"),
            (["--adaptive", "--round", "0"], "--round must be at least 1, not 0"),
            (["--max-tokens", "0"], "--max-tokens must be at least 1, not 0"),
        ] {
            let r = try CLI.run(try RunCommandTests.arguments(out: dir + "/bad", in: dir) + extra)
            #expect(r.status == 64, "\(extra)")
            #expect(r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
        let exec = try CLI.run(["exec", "--canonical", "--tasks", "/nonexistent", "--memory", "10"])
        #expect(exec.status == 64 && exec.stderr.contains("--memory must be at least 64 (MiB)"))
        // generate accepts --max-tokens 0 (run needs 1), and --greedy contradicts only a temperature given.
        let zero = try CLI.run(["generate", "--prompt-tokens", "1", "--max-tokens=-1"])
        #expect(zero.status == 64 && zero.stderr.contains("--max-tokens must be at least 0, not -1"))
        let greedy = try CLI.run(["generate", "--prompt-tokens", "1", "--greedy", "--temperature", "0.7"])
        #expect(greedy.status == 64 && greedy.stderr.contains("--greedy and --temperature 0.7 contradict each other"))
    }

    @Test func evalListsAreTyped() throws {
        let fixture = EvalCommandTests.fixtures.appendingPathComponent("fixture.json").path
        let method = try CLI.run(["eval", fixture, "--methods", "sc,vote"])
        #expect(method.status == 64)
        #expect(method.stderr.hasPrefix(
            "Error: The value 'sc,vote' is invalid for '--methods <methods>': unknown method \"vote\" (known: sc, ppl, "
                + "pc, rpc, weighted, best-of-n)\n"))
        let k = try CLI.run(["eval", fixture, "--k", "1,0"])
        #expect(k.status == 64 && k.stderr.hasPrefix("Error: The value '1,0' is invalid for '--k <k>': \"0\" is not a positive integer\n"))
        let none = try CLI.run(["eval", fixture, "--methods", ","])
        #expect(none.status == 64 && none.stderr.contains("give at least one method"))
        // Spaces around items and empty items are accepted, as before.
        let spaced = try CLI.run(["eval", fixture, "--methods", " sc, rpc,", "--k", "1,,4", "--seeds", "2"])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        #expect(spaced.stdout.contains("| Method | K=1 | K=4 |"))
        #expect(spaced.stdout.contains("| SC |") && spaced.stdout.contains("| RPC |") && !spaced.stdout.contains("| PPL |"))
    }

    @Test func generateSamplesAtTheOneDefaultTemperature() throws {
        try CLI.requireModel("smollm2-135m")
        let base = ["generate", "--model", "smollm2-135m", "--prompt", "Once upon a time", "--max-tokens", "6", "--threads", "1"]
        let implicit = try CLI.run(base)
        let explicit = try CLI.run(base + ["--temperature", "0.7"])
        #expect(implicit.status == 0 && explicit.status == 0)
        #expect(implicit.stdout == explicit.stdout)
    }
}
