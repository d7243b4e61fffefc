import Foundation
import QuorumTestSupport
import Testing

/// `quorum generate` and `quorum logits` end to end, on the real smollm2-135m.
@Suite struct GenerateCommandTests {
    static let model = "smollm2-135m"

    /// The parts of llama.cpp's forward.json (../shared/reference/engine) these tests use.
    struct Reference: Decodable {
        struct Prompt: Decodable {
            let name: String
            let prompt: String
            let prompt_ids: [Int]
            let generated_ids: [Int]
            let steps: [Step]
        }
        struct Step: Decodable {
            let entropy: Double
            /// [id, logprob, raw logit] × 10
            let top: [[Double]]
        }
        let prompts: [Prompt]

        static func load(_ model: String) throws -> Reference {
            var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) && dir.path != "/" {
                dir = dir.deletingLastPathComponent()
            }
            let url = dir.deletingLastPathComponent().appendingPathComponent("shared/reference/engine/\(model)/forward.json")
            return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        }

        func prompt(_ name: String) throws -> Prompt {
            try #require(prompts.first { $0.name == name })
        }
    }

    static func ids(_ a: [Int]) -> String { a.map(String.init).joined(separator: ",") }

    static func json(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// Teacher forcing through the CLI reports llama.cpp's steps (the code prompt's first six steps have
    /// large top-1 margins).
    @Test func teacherForcedJSONMatchesTheReference() throws {
        try CLI.requireModel(Self.model)
        let prompt = try Reference.load(Self.model).prompt("code_fibonacci")
        let forced = Array(prompt.generated_ids.prefix(6))
        let r = try CLI.run([
            "generate", "--model", Self.model, "--prompt-tokens", Self.ids(prompt.prompt_ids), "--force-tokens",
            Self.ids(forced), "--greedy", "--max-tokens", "6", "--top-logprobs", "10", "--json", "--ignore-eos",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        try #require(lines.count == 1)
        let object = try Self.json(lines[0])
        #expect(object["prompt_tokens"] as? [Int] == prompt.prompt_ids)
        #expect(object["tokens"] as? [Int] == forced)
        #expect(object["finish"] as? String == "length")
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps.count == 6)
        for (s, step) in steps.enumerated() {
            let top = try #require(step["top"] as? [[Double]])
            #expect(top.count == 10)
            #expect(Int(top[0][0]) == Int(prompt.steps[s].top[0][0]), "step \(s)")
            #expect(abs(top[0][1] - prompt.steps[s].top[0][1]) < 0.3)
            #expect(abs((step["entropy"] as? Double ?? 99) - prompt.steps[s].entropy) < 0.3)
            #expect(step["token"] as? Int == forced[s])
            #expect(step["logprob"] as? Double == top[0][1])
        }
    }

    /// A text prompt is tokenised as llama.cpp did, and greedy text follows llama.cpp's continuation.
    @Test func textPromptGivesTheReferenceTokensAndText() throws {
        try CLI.requireModel(Self.model)
        let prompt = try Reference.load(Self.model).prompt("chat_math")
        let r = try CLI.run(["generate", "--model", Self.model, "--prompt", prompt.prompt, "--greedy", "--max-tokens", "8", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try Self.json(try #require(r.stdout.split(separator: "\n").first))
        #expect(object["prompt_tokens"] as? [Int] == prompt.prompt_ids)
        #expect(object["tokens"] as? [Int] == Array(prompt.generated_ids.prefix(8)))
        #expect((object["text"] as? String)?.isEmpty == false)
        let plain = try CLI.run(["generate", "--model", Self.model, "--prompt", prompt.prompt, "--greedy", "--max-tokens", "8"])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains(object["text"] as? String ?? "<none>"))
    }

    @Test func stopStringCutsTheText() throws {
        try CLI.requireModel(Self.model)
        let r = try CLI.run([
            "generate", "--model", Self.model, "--prompt", "Count: 1, 2, 3,", "--greedy", "--max-tokens", "30", "--stop", "6",
            "--json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try Self.json(try #require(r.stdout.split(separator: "\n").first))
        let text = try #require(object["text"] as? String)
        #expect(object["finish"] as? String == "stop", "text: \(text)")
        #expect(!text.contains("6"))
        #expect(text.contains("5"))
    }

    @Test func samplingIsReproduciblePerSeed() throws {
        try CLI.requireModel(Self.model)
        let args = ["generate", "--model", Self.model, "--prompt", "Once upon a time", "--samples", "2", "--temperature", "0.9",
                    "--max-tokens", "6", "--json"]
        let a = try CLI.run(args + ["--seed", "3"])
        let b = try CLI.run(args + ["--seed", "3"])
        let c = try CLI.run(args + ["--seed", "4"])
        #expect(a.status == 0 && b.status == 0 && c.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        #expect(a.stdout.split(separator: "\n").count == 2)
    }

    @Test func logitsFileHoldsTheWholeVocabulary() throws {
        try CLI.requireModel(Self.model)
        let prompt = try Reference.load(Self.model).prompt("code_fibonacci")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-logits-\(UUID().uuidString).f32")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["logits", "--model", Self.model, "--prompt-tokens", Self.ids(prompt.prompt_ids), "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: out)
        #expect(data.count == 49152 * 4)
        let logits = data.withUnsafeBytes { raw in
            (0..<49152).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        let argmax = logits.indices.max { logits[$0] < logits[$1] }!
        #expect(argmax == Int(prompt.steps[0].top[0][0]))
        #expect(abs(Double(logits[argmax]) - prompt.steps[0].top[0][2]) < 1.5)
        let text = try CLI.run(["logits", "--model", Self.model, "--prompt", prompt.prompt, "--out", out.path])
        #expect(text.status == 0)
        #expect(try Data(contentsOf: out) == data, "the text prompt tokenises to the same ids")
    }

    @Test func badArgumentsAndMissingModelsGiveClearErrors() throws {
        let badList = try CLI.run(["generate", "--prompt-tokens", "1,x"])
        #expect(badList.status == 64 && badList.stderr.contains("--prompt-tokens"))
        let both = try CLI.run(["generate", "--prompt-tokens", "1", "--prompt", "hi"])
        #expect(both.status == 64 && both.stderr.contains("one of them"))
        let neither = try CLI.run(["logits", "--out", "/tmp/x"])
        #expect(neither.status == 64 && neither.stderr.contains("--prompt"))
        let contradiction = try CLI.run(["generate", "--prompt-tokens", "1", "--greedy", "--temperature", "0.5"])
        #expect(contradiction.status == 64 && contradiction.stderr.contains("contradict"))
        let topP = try CLI.run(["generate", "--prompt-tokens", "1", "--top-p", "0"])
        #expect(topP.status == 64 && topP.stderr.contains("top-p"))
        let threads = try CLI.run(["generate", "--prompt-tokens", "1", "--threads", "0"])
        #expect(threads.status == 64 && threads.stderr.contains("--threads"))
        let missing = try CLI.run(["generate", "--model", "no-such-model", "--prompt-tokens", "1"])
        #expect(missing.status == 1 && missing.stderr.contains("no-such-model"))
        let file = try CLI.run(["logits", "--model", "/nonexistent/x.gguf", "--prompt-tokens", "1", "--out", "/tmp/x"])
        #expect(file.status == 1 && file.stderr.contains("/nonexistent/x.gguf"))
        try CLI.requireModel(Self.model)
        let range = try CLI.run(["generate", "--model", Self.model, "--prompt-tokens", "49152"])
        #expect(range.status == 1 && range.stderr.contains("outside the vocabulary"))
    }

    @Test func logitsHelpIsExactlyThis() throws {
        let help = try CLI.run(["logits", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == Self.logitsHelp)
    }

    static let logitsHelp = """
        OVERVIEW: Write the final position's raw logits (float32, little-endian, one
        per token id) to a file.

        USAGE: quorum logits [--model <name|file.gguf>] [--threads <threads>] [--kernels <kernels>] [--activations <activations>] [--kv-cache <kv-cache>] [--prompt <text>] [--prompt-tokens <ids>] --out <file>

        OPTIONS:
          --model <name|file.gguf>
                                  A catalogue model name (see `quorum models list`) or
                                  the path of a .gguf file. (default: smollm2-135m)
          --threads <threads>     Threads for the embedded engine's forward pass
                                  (default: the number of available cores).
          --kernels <kernels>     Instruction set of the kernels (default: the best
                                  this CPU has). (values: portable, avx2, avx512vnni,
                                  neon)
          --activations <activations>
                                  Inputs of the quantised matrix products: int8 (8-bit
                                  blocks, as llama.cpp) or float. (values: int8, float;
                                  default: int8)
          --kv-cache <kv-cache>   KV cache element type: f16 (as llama.cpp's default)
                                  or f32. (values: f32, f16; default: f16)
          --prompt <text>         The prompt text; control tokens spelled in it (such
                                  as <|im_start|>) become single tokens.
          --prompt-tokens <ids>   The prompt as comma-separated token ids.
          --out <file>            The file to write.
          --version               Show the version.
          -h, --help              Show help information.


        """
}
