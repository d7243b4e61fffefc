import Foundation
import Testing

/// `quorum generate` and `quorum logits` end to end, on the real smollm2-135m.
@Suite struct GenerateCLITests {
    static let model = "smollm2-135m"

    static func requireModel() throws {
        try #require(ModelFiles.exists(model), Comment(rawValue: ModelFiles.missingMessage))
    }

    static func ids(_ a: [Int]) -> String { a.map(String.init).joined(separator: ",") }

    /// Teacher forcing through the CLI reports llama.cpp's steps (the code prompt: its top-1 margins are
    /// large except at step 6).
    @Test func teacherForcedJSONMatchesTheReference() throws {
        try Self.requireModel()
        let prompt = try #require(try EngineReference.load(Self.model).prompts.first { $0.name == "code_fibonacci" })
        let forced = Array(prompt.generatedIds.prefix(6))
        let r = try QuorumBinary.run([
            "generate", "--model", Self.model, "--prompt-tokens", Self.ids(prompt.promptIds), "--force-tokens",
            Self.ids(forced), "--greedy", "--max-tokens", "6", "--top-logprobs", "10", "--json", "--ignore-eos",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        try #require(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["prompt_tokens"] as? [Int] == prompt.promptIds)
        #expect(object["tokens"] as? [Int] == forced)
        #expect(object["text"] as? String != nil)
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps.count == 6)
        for (s, step) in steps.enumerated() {
            let top = try #require(step["top"] as? [[Double]])
            #expect(top.count == 10)
            #expect(Int(top[0][0]) == prompt.steps[s].topIds[0], "step \(s)")
            #expect(abs(top[0][1] - prompt.steps[s].top[0][1]) < 0.3)
            #expect(abs((step["entropy"] as? Double ?? 99) - prompt.steps[s].entropy) < 0.3)
            #expect(step["token"] as? Int == forced[s])
        }
    }

    @Test func samplingIsReproduciblePerSeed() throws {
        try Self.requireModel()
        let args = ["generate", "--model", Self.model, "--prompt-tokens", "1,9690,198", "--samples", "2", "--temperature", "0.9",
                    "--max-tokens", "6", "--json"]
        let a = try QuorumBinary.run(args + ["--seed", "3"])
        let b = try QuorumBinary.run(args + ["--seed", "3"])
        let c = try QuorumBinary.run(args + ["--seed", "4"])
        #expect(a.status == 0 && b.status == 0 && c.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        #expect(a.stdout.split(separator: "\n").count == 2)
    }

    @Test func logitsFileHoldsTheWholeVocabulary() throws {
        try Self.requireModel()
        let prompt = try #require(try EngineReference.load(Self.model).prompts.first { $0.name == "code_fibonacci" })
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-logits-\(UUID().uuidString).f32")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try QuorumBinary.run(["logits", "--model", Self.model, "--prompt-tokens", Self.ids(prompt.promptIds), "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: out)
        #expect(data.count == 49152 * 4)
        let logits = data.withUnsafeBytes { raw in
            (0..<49152).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        let argmax = logits.indices.max { logits[$0] < logits[$1] }!
        #expect(argmax == prompt.steps[0].topIds[0])
        #expect(abs(Double(logits[argmax]) - prompt.steps[0].top[0][2]) < 1.5)
    }

    @Test func badArgumentsAndMissingModelsGiveClearErrors() throws {
        let badList = try QuorumBinary.run(["generate", "--prompt-tokens", "1,x"])
        #expect(badList.status == 64 && badList.stderr.contains("--prompt-tokens"))
        let contradiction = try QuorumBinary.run(["generate", "--prompt-tokens", "1", "--greedy", "--temperature", "0.5"])
        #expect(contradiction.status == 64 && contradiction.stderr.contains("contradict"))
        let topP = try QuorumBinary.run(["generate", "--prompt-tokens", "1", "--top-p", "0"])
        #expect(topP.status == 64 && topP.stderr.contains("top-p"))
        let missing = try QuorumBinary.run(["generate", "--model", "no-such-model", "--prompt-tokens", "1"])
        #expect(missing.status == 1 && missing.stderr.contains("quorum models pull no-such-model"))
        let file = try QuorumBinary.run(["logits", "--model", "/nonexistent/x.gguf", "--prompt-tokens", "1", "--out", "/tmp/x"])
        #expect(file.status == 1 && file.stderr.contains("/nonexistent/x.gguf"))
        try Self.requireModel()
        let range = try QuorumBinary.run(["generate", "--model", Self.model, "--prompt-tokens", "49152"])
        #expect(range.status == 1 && range.stderr.contains("outside the vocabulary"))
    }

    @Test func logitsHelpIsExactlyThis() throws {
        let help = try QuorumBinary.run(["logits", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == Self.logitsHelp)
    }

    static let logitsHelp = """
        OVERVIEW: Write the final position's raw logits (float32, little-endian, one
        per token id) to a file.

        USAGE: quorum logits [--model <name|file.gguf>] [--threads <threads>] --prompt-tokens <ids> --out <file>

        OPTIONS:
          --model <name|file.gguf>
                                  A model name (looked up as
                                  $QUORUM_HOME/models/NAME.gguf; QUORUM_HOME defaults
                                  to ~/.cache/quorum) or the path of a .gguf file.
                                  (default: smollm2-135m)
          --threads <threads>     Threads for the forward pass (default: the number of
                                  available cores).
          --prompt-tokens <ids>   The prompt as comma-separated token ids.
          --out <file>            The file to write.
          --version               Show the version.
          -h, --help              Show help information.


        """
}
