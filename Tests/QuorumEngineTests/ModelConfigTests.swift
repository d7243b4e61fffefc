import Foundation
import Testing
@testable import QuorumEngine

@Suite struct ModelConfigTests {
    static func error(_ build: (inout GGUFBuilder) -> Void) throws -> GGUFError? {
        var b = TinyModel(architecture: "llama", tied: true, seed: 1).builder
        build(&b)
        let path = try b.write(name: "config")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try EngineModel(path: path, loadTokenizer: false)
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownArchitecturesAreRefusedClearly() throws {
        let gemma = try Self.error { b in b.metadata[0] = ("general.architecture", .string("gemma3")) }
        guard case .unsupportedArchitecture(_, "gemma3", let reason) = gemma else {
            Issue.record("gemma3: \(String(describing: gemma))")
            return
        }
        #expect(reason.contains("llama, qwen2"))
        #expect(gemma!.description.contains("architecture 'gemma3' is not supported"))
        let mamba = try Self.error { b in b.metadata[0] = ("general.architecture", .string("mamba")) }
        if case .unsupportedArchitecture(_, "mamba", _) = mamba {} else { Issue.record("mamba: \(String(describing: mamba))") }
    }

    @Test func missingOrMisshapenTensorsAndBadMetadataAreRefused() throws {
        let missing = try Self.error { b in b.tensors.removeAll { $0.name == "blk.1.ffn_up.weight" } }
        #expect(missing == .missingTensor(path: missingPath(missing), name: "blk.1.ffn_up.weight"))
        let shape = try Self.error { b in
            let i = b.tensors.firstIndex { $0.name == "blk.0.attn_k.weight" }!
            b.tensors[i].dims = [64, 16]
            b.tensors[i].data = b.tensors[i].data.prefix(64 * 16 * 2)
        }
        if case .invalidTensor(_, "blk.0.attn_k.weight", _) = shape {} else { Issue.record("shape: \(String(describing: shape))") }
        let type = try Self.error { b in
            let i = b.tensors.firstIndex { $0.name == "blk.0.ffn_down.weight" }!
            b.tensors[i].type = .q2_K
            b.tensors[i].data = Data(count: 64 * 84)
        }
        if case .unsupportedTensorType(_, "blk.0.ffn_down.weight", 10) = type {} else { Issue.record("type: \(String(describing: type))") }
        let heads = try Self.error { b in
            let i = b.metadata.firstIndex { $0.0 == "llama.attention.head_count_kv" }!
            b.metadata[i].1 = .u32(3)
        }
        if case .invalidMetadata(_, "llama.attention.head_count_kv", _) = heads {} else { Issue.record("heads: \(String(describing: heads))") }
        let noBlocks = try Self.error { b in b.metadata.removeAll { $0.0 == "llama.block_count" } }
        if case .invalidMetadata(_, "llama.block_count", "missing") = noBlocks {} else { Issue.record("blocks: \(String(describing: noBlocks))") }
        let yarn = try Self.error { b in b.metadata.append(("llama.rope.scaling.type", .string("yarn"))) }
        if case .unsupportedArchitecture(_, "llama", let reason) = yarn { #expect(reason.contains("yarn")) } else { Issue.record("yarn") }
    }

    /// Loading the tokenizer is the default; a file without one is refused unless asked to run on ids only.
    @Test func aModelWithoutTokenizerNeedsLoadTokenizerFalse() throws {
        let path = try TinyModel(architecture: "llama", tied: true, seed: 1).write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: GGUFError.self) { try EngineModel(path: path) }
        let ids = try EngineModel(path: path, loadTokenizer: false)
        #expect(ids.text == nil && ids.tokenizer == nil)
    }

    private func missingPath(_ e: GGUFError?) -> String {
        if case .missingTensor(let path, _) = e { return path }
        return ""
    }

    @Test func realModelsHyperParameters() throws {
        try #require(ModelFiles.exists("smollm2-135m"), Comment(rawValue: ModelFiles.missingMessage))
        try #require(ModelFiles.exists("qwen2.5-coder-0.5b"), Comment(rawValue: ModelFiles.missingMessage))
        let smol = try ModelConfig(file: GGUFFile(path: ModelFiles.path("smollm2-135m")))
        #expect(smol.architecture == .llama && smol.ropeStyle == .normal)
        #expect([smol.embeddingLength, smol.blockCount, smol.headCount, smol.headCountKV, smol.headDimension] == [576, 30, 9, 3, 64] as [Int])
        #expect([smol.feedForwardLength, smol.contextLength, smol.vocabularySize, smol.ropeDimensionCount] == [1536, 8192, 49152, 64] as [Int])
        #expect(smol.ropeFreqBase == 100_000 && abs(smol.rmsEpsilon - 1e-5) < 1e-9)
        let qwen = try ModelConfig(file: GGUFFile(path: ModelFiles.path("qwen2.5-coder-0.5b")))
        #expect(qwen.architecture == .qwen2 && qwen.ropeStyle == .neox)
        #expect([qwen.embeddingLength, qwen.blockCount, qwen.headCount, qwen.headCountKV, qwen.headDimension] == [896, 24, 14, 2, 64] as [Int])
        #expect([qwen.feedForwardLength, qwen.vocabularySize] == [4864, 151_936] as [Int])
        #expect(qwen.ropeFreqBase == 1_000_000)
    }

    /// The tokenizer's end-of-generation set (llama.cpp's): `<|endoftext|>` and `<|im_end|>` for both.
    @Test func realModelsEndOfGenerationTokens() throws {
        try #require(ModelFiles.exists("smollm2-135m"), Comment(rawValue: ModelFiles.missingMessage))
        try #require(ModelFiles.exists("qwen2.5-coder-0.5b"), Comment(rawValue: ModelFiles.missingMessage))
        let smol = try EngineModel(path: ModelFiles.path("smollm2-135m"))
        #expect(smol.endOfGenerationTokens.isSuperset(of: [0, 2]))
        #expect(smol.text != nil)
        let qwen = try EngineModel(path: ModelFiles.path("qwen2.5-coder-0.5b"))
        #expect(qwen.endOfGenerationTokens.isSuperset(of: [151_643, 151_645]))
        let file = try GGUFFile(path: ModelFiles.path("qwen2.5-coder-0.5b"))
        #expect(EngineModel.metadataEndTokens(in: file, vocabularySize: 151_936) == [151_645])
    }
}
