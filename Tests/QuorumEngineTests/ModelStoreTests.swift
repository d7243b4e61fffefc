import Foundation
import Testing
@testable import QuorumEngine

@Suite struct ModelStoreTests {
    @Test func homeComesFromArgumentEnvironmentOrDefault() {
        #expect(ModelStore(home: "/x").home == "/x")
        #expect(ModelStore(environment: ["QUORUM_HOME": "/q"]).home == "/q")
        #expect(ModelStore(environment: [:]).home == NSHomeDirectory() + "/.cache/quorum")
        #expect(ModelStore(home: "/q").path(for: "smollm2-135m") == "/q/models/smollm2-135m.gguf")
    }

    @Test func resolvesNamesAndFiles() throws {
        let home = try temporaryQuorumHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let store = ModelStore(home: home)
        #expect(throws: ModelStoreError.notPulled(name: "smollm2-135m", path: store.path(for: "smollm2-135m"))) {
            try store.resolve("smollm2-135m")
        }
        #expect(throws: ModelStoreError.unknownModel(name: "gpt-5", known: ModelCatalog.models.map(\.name))) {
            try store.resolve("gpt-5")
        }
        #expect(throws: ModelStoreError.fileNotFound(path: "/nonexistent/m.gguf")) { try store.resolve("/nonexistent/m.gguf") }
        try FileManager.default.createDirectory(atPath: store.modelsDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: store.path(for: "mine"), contents: Data("x".utf8))
        #expect(try store.resolve("mine") == store.path(for: "mine"))  // any file in the models directory
        #expect(try store.resolve(store.path(for: "mine")) == store.path(for: "mine"))
    }

    @Test func catalogueMatchesTheSpec() throws {
        let spec = try String(contentsOf: SharedFiles.url("spec/models.md"), encoding: .utf8)
        for m in ModelCatalog.models {
            #expect(spec.contains(m.sha256), "\(m.name) sha256")
            #expect(spec.contains(m.size.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))), "\(m.name) size")
            for part in m.parts { #expect(spec.contains(part.package) || spec.contains(part.package.dropLast(1)), "\(part.package)") }
        }
    }
}
