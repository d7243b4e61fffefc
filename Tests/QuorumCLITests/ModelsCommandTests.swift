import Foundation
import QuorumTestSupport
import Testing

@Suite struct ModelsCommandTests {
    @Test func listShowsTheCatalogueAndWhatIsPulled() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let r = try CLI.run(["models", "list"], environment: ["QUORUM_HOME": home])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("NAME") == true)
        for name in ["smollm2-135m", "qwen2.5-coder-0.5b", "gemma3-270m"] {
            #expect(lines.contains { $0.hasPrefix(name) && $0.contains("absent") }, "\(name)")
        }
        #expect(lines.last == "models directory: \(home)/models")
    }

    @Test func infoDescribesAModel() throws {
        try CLI.requireModel("smollm2-135m")
        let r = try CLI.run(["models", "info", "smollm2-135m"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("architecture:   llama"))
        #expect(r.stdout.contains("parameters:     134515008 (135M)"))
        #expect(r.stdout.contains("Q4_1 ×210"))
        #expect(r.stdout.contains("vocabulary:     49152 tokens, tokenizer gpt2/smollm\n"))
        #expect(r.stdout.contains("context length: 8192"))
        #expect(r.stdout.contains("chat template:  yes"))
    }

    @Test func pullRefusesUnknownNamesAndReportsMissingPython() throws {
        let unknown = try CLI.run(["models", "pull", "gpt-5"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown model 'gpt-5'"))
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let noPython = try CLI.run(["models", "pull", "smollm2-135m", "--python", "python3-quorum-missing"], environment: ["QUORUM_HOME": home])
        #expect(noPython.status != 0)
        #expect(noPython.stderr.contains("cannot run 'python3-quorum-missing'"))
    }
}
