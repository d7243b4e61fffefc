import Foundation

/// The llama.cpp reference data in `../shared/reference/engine` (see its README): greedy continuations with
/// top-10 log-probabilities and entropy per step, and complete logit vectors.
struct EngineReference: Decodable {
    struct Prompt: Decodable {
        let name: String
        /// The exact prompt text.
        let prompt: String
        let promptIds: [Int]
        let generatedIds: [Int]
        let finalLogitsFile: String?
        let steps: [Step]
        /// llama.cpp's detokenised continuation (special tokens' text included), as lowercase hex.
        let generatedTextHex: String

        enum CodingKeys: String, CodingKey {
            case name, steps, prompt
            case promptIds = "prompt_ids", generatedIds = "generated_ids", finalLogitsFile = "final_logits_file"
            case generatedTextHex = "generated_text_hex"
        }

        var generatedBytes: [UInt8] {
            var bytes: [UInt8] = []
            var i = generatedTextHex.startIndex
            while i < generatedTextHex.endIndex {
                let j = generatedTextHex.index(i, offsetBy: 2)
                bytes.append(UInt8(generatedTextHex[i..<j], radix: 16)!)
                i = j
            }
            return bytes
        }
    }

    struct Step: Decodable {
        let token: Int
        let logprob: Double
        let entropy: Double
        /// [token id, logprob, raw logit] × 10, most likely first.
        let top: [[Double]]

        var topIds: [Int] { top.map { Int($0[0]) } }
        /// Raw-logit margin between llama.cpp's first and second choice.
        var margin: Double { top[0][2] - top[1][2] }
    }

    let prompts: [Prompt]

    /// `../shared` resolved from the package root (the directory holding Package.swift above this file).
    static var sharedDirectory: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir.deletingLastPathComponent().appendingPathComponent("shared")
            }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent-shared")
    }

    static func directory(_ model: String) -> URL {
        sharedDirectory.appendingPathComponent("reference/engine/\(model)")
    }

    static func load(_ model: String) throws -> EngineReference {
        let url = directory(model).appendingPathComponent("forward.json")
        return try JSONDecoder().decode(EngineReference.self, from: Data(contentsOf: url))
    }

    /// A logits file: float32 little-endian values.
    static func logits(_ model: String, file: String) throws -> [Float] {
        let data = try Data(contentsOf: directory(model).appendingPathComponent(file))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}

extension Array where Element == Double {
    var median: Double {
        let s = sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
