import Foundation
import QuorumEngine
import QuorumRun

/// The model behind `quorum run --model`: the embedded engine on a GGUF file (a catalogue name or a path).
struct RunModel {
    /// Samples the paths.
    let sampler: any PathSampler
    /// The model's part of `run.json`.
    let record: RunManifest.ModelRecord
    /// The GGUF chat template, when the model has one.
    let chatTemplate: String?
    /// The model's short name, for messages.
    let name: String

    /// Loads the GGUF model `spec` (`smollm2-135m` or `FILE.gguf`) with `threads` forward-pass threads.
    static func engine(_ spec: String, threads: Int?) throws -> RunModel {
        let store = ModelStore()
        let path = try store.resolve(spec)
        let catalogue = ModelCatalog.model(named: spec)
        let sha256: String
        if let catalogue, store.status(of: catalogue) == .verified {
            sha256 = catalogue.sha256
        } else {
            sha256 = try SHA256.hex(ofFile: path)
        }
        let file = try GGUFFile(path: path)
        let model = try EngineModel(file: file, threads: threads)
        let name = catalogue?.name ?? model.name
        let identity = "\(name)@\(sha256.prefix(8))"
        let parameters = file.tensors.reduce(0) { $0 + $1.elementCount }
        return RunModel(
            sampler: LanguageModelPathSampler(model: model, identity: identity, name: name, parameterCount: parameters),
            record: RunManifest.ModelRecord(
                identity: identity, backend: "engine", file: path, sha256: sha256, parameters: parameters,
                threads: threads ?? ProcessInfo.processInfo.activeProcessorCount),
            chatTemplate: file["tokenizer.chat_template"]?.stringValue, name: name)
    }
}
