import Foundation
import QuorumTestSupport
import Testing

@Suite struct TokenizeCommandTests {
    struct Output: Decodable {
        struct Piece: Decodable {
            let id: Int
            let piece: String?
            let piece_hex: String
        }
        let ids: [Int]
        let pieces: [Piece]
    }

    struct Reference: Decodable {
        struct Case: Decodable {
            let name: String
            let text: String
            let ids: [Int]
            let pieces: [Output.Piece]
        }
        let cases: [Case]
    }

    /// llama.cpp's tokenisations in ../shared/reference/engine (beside the package root).
    static func reference(_ model: String) throws -> Reference {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) && dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        let url = dir.deletingLastPathComponent().appendingPathComponent("shared/reference/engine/\(model)/tokenizer.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    @Test(arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func jsonMatchesTheReferenceTokenisation(_ model: String) throws {
        try CLI.requireModel(model)
        for c in try Self.reference(model).cases where ["emoji", "cjk_japanese", "code_python"].contains(c.name) {
            let r = try CLI.run(["tokenize", "--model", model, "--json", c.text])
            #expect(r.status == 0, "\(r.stderr)")
            let out = try JSONDecoder().decode(Output.self, from: Data(r.stdout.utf8))
            #expect(out.ids == c.ids, "\(c.name)")
            #expect(out.pieces.map(\.piece_hex) == c.pieces.map(\.piece_hex), "\(c.name)")
            #expect(out.pieces.map(\.piece) == c.pieces.map(\.piece), "\(c.name): null where a piece is not UTF-8 alone")
        }
    }

    @Test func plainOutputAndSpecialTokens() throws {
        try CLI.requireModel("smollm2-135m")
        let plain = try CLI.run(["tokenize", "--model", "smollm2-135m", "<|im_start|>hi"])
        #expect(plain.status == 0)
        #expect(!plain.stdout.hasPrefix("1\t"))
        let special = try CLI.run(["tokenize", "--model", "smollm2-135m", "--parse-special", "<|im_start|>hi"])
        #expect(special.stdout == "1\t\"<|im_start|>\"\n6004\t\"hi\"\n")
    }

    @Test func fileInputAndStats() throws {
        try CLI.requireModel("smollm2-135m")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-tok-\(UUID()).txt").path
        try "Hello world".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try CLI.run(["tokenize", "--model", CLI.home + "/models/smollm2-135m.gguf", "--file", path, "--stats"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("2 tokens, 11 bytes in "))
    }

    @Test func badArgumentsAreRefused() throws {
        let unknown = try CLI.run(["tokenize", "--model", "no-such-model", "x"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown model 'no-such-model'"))
        let missingFile = try CLI.run(["tokenize", "--model", "/nonexistent/m.gguf", "x"])
        #expect(missingFile.stderr.contains("/nonexistent/m.gguf: no such model file"))
        let both = try CLI.run(["tokenize", "--file", "/x", "text"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("not both"))
    }
}
