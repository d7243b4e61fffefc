import Foundation
import QuorumDecode
import Testing
@testable import QuorumEngine

/// Models that are damaged but well-formed: non-finite norm weights, overlapping tensor data, quantised
/// weights that make the logits NaN. Before issue 15 each of them loaded and decoded NaN to the end.
@Suite(.serialized) struct DamagedModelTests {
    static let model = "smollm2-135m"

    /// A copy of the real model in a fresh temporary directory with `patch` applied (offset → bytes), and
    /// the directory to remove.
    static func damagedCopy(_ patch: (GGUFFile) throws -> [(Int, [UInt8])]) throws -> (path: String, dir: String) {
        try #require(ModelFiles.exists(model), Comment(rawValue: ModelFiles.missingMessage))
        let source = ModelFiles.path(model)
        let patches = try patch(GGUFFile(path: source))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-damaged-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/damaged.gguf"
        var data = try Data(contentsOf: URL(fileURLWithPath: source))
        for (offset, bytes) in patches { data.replaceSubrange(offset..<offset + bytes.count, with: bytes) }
        try data.write(to: URL(fileURLWithPath: path))
        return (path, dir)
    }

    static func floatBytes(_ x: Float) -> [UInt8] { withUnsafeBytes(of: x.bitPattern.littleEndian) { Array($0) } }

    @Test(arguments: [
        ("blk.0.attn_norm.weight", 7, Float.nan), ("blk.29.ffn_norm.weight", 0, Float.infinity),
        ("output_norm.weight", 575, -Float.infinity),
    ])
    func aNonFiniteNormWeightIsRefusedAtLoadNamingTensorAndFile(tensor: String, index: Int, value: Float) throws {
        let (path, dir) = try Self.damagedCopy { file in
            let t = try #require(file.tensor(named: tensor))
            #expect(t.type == .f32)
            return [(t.fileOffset + 4 * index, Self.floatBytes(value))]
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try EngineModel(path: path, threads: 1)
            Issue.record("a model with \(value) in \(tensor) loaded")
        } catch {
            guard case .nonFiniteTensor(let p, let name, let i, let v) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(p == path && name == tensor && i == index)
            #expect(v.isNaN == value.isNaN && (value.isNaN || v == value))
            #expect(error.description.contains("\(path): tensor '\(tensor)' holds"), "\(error)")
        }
    }

    /// token_embd is also the output matrix (tied): a NaN block scale in row `row` makes that token's logit
    /// NaN on the first forward pass, and decoding stops there with the model and step named.
    @Test func aNonFiniteLogitStopsDecodingNamingModelAndStep() async throws {
        let row = 1000
        let (path, dir) = try Self.damagedCopy { file in
            let t = try #require(file.tensor(named: "token_embd.weight"))
            #expect(t.type == .q8_0)
            let blocksPerRow = t.dims[0] / 32
            return [(t.fileOffset + row * blocksPerRow * 34, [0x00, 0x7E])]  // f16 NaN scale of the row's first block
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = try EngineModel(path: path, threads: 2)
        let prompt = try #require(model.text).encode("The capital of France is")
        do {
            let g = try await model.generate(GenerationRequest(prompt: prompt, maxTokens: 8))
            Issue.record("generated from a model with a NaN logit: \(g.map(\.tokens))")
        } catch let error as DecodeError {
            guard case .nonFiniteLogits(let name, _, let position, let token, let value) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(name == "damaged")
            #expect(position == prompt.count - 1)
            #expect(token == row && value.isNaN)
            #expect(error.description.contains("model damaged computed a non-finite logit (nan for token 1000) at step \(position)"), "\(error)")
        }
        #expect(await model.sequenceCount == 0)
    }

    @Test func theUndamagedModelStillLoadsAndDecodes() async throws {
        try #require(ModelFiles.exists(Self.model), Comment(rawValue: ModelFiles.missingMessage))
        let model = try EngineModel(path: ModelFiles.path(Self.model), threads: 2)
        let prompt = try #require(model.text).encode("The capital of France is")
        let g = try await model.generate(GenerationRequest(prompt: prompt, maxTokens: 4))
        #expect(g[0].tokens.count == 4)
        #expect(g[0].logprobs.allSatisfy { $0.isFinite })
    }

    @Test func overlappingTensorDataIsRefusedNamingBothTensors() throws {
        var b = GGUFBuilder()
        b.metadata = [("general.architecture", .string("llama"))]
        b.tensors = [("first", [64], .f32, Data(count: 256)), ("second", [64], .f32, Data(count: 256))]
        var data = b.build()
        #expect(throws: Never.self) { try GGUFFile(path: try GGUFBuilder.write(data)) }
        // The tensor table entry of "second": name, n_dims (u32), one dim (u64), type (u32), offset (u64).
        let name = Data("second".utf8)
        let nameEnd = try #require(data.range(of: name)).upperBound
        let offsetField = nameEnd + 4 + 8 + 4
        #expect(data[offsetField..<offsetField + 8].elementsEqual(withUnsafeBytes(of: UInt64(256).littleEndian) { Array($0) }))
        // 32 bytes into "first": aligned, in bounds, and sharing bytes 32..<256 with it.
        data.replaceSubrange(offsetField..<offsetField + 8, with: withUnsafeBytes(of: UInt64(32).littleEndian) { Array($0) })
        let path = try GGUFBuilder.write(data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try GGUFFile(path: path)
            Issue.record("overlapping tensors were accepted")
        } catch {
            guard case .overlappingTensors(_, let first, _, let second, _) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(first == "first" && second == "second")
            #expect(error.description.contains("the data of 'second'") && error.description.contains("overlaps that of 'first'"))
        }
    }
}
