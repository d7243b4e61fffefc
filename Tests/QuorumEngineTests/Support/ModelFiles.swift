import Foundation
import QuorumEngine

/// Where the tests find the real embedded models (pulled by `make test` into the Quorum cache), resolved by the
/// same `ModelStore` the commands use.
enum ModelFiles {
    /// `$QUORUM_HOME` or `~/.cache/quorum`.
    static var home: String { ModelStore().home }

    /// The path of a pulled model; tests that need it fail loudly (never pass silently) when it is absent.
    static func path(_ name: String) -> String { ModelStore().path(for: name) }

    static func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    static let missingMessage = "model file missing: run `make test` (it pulls the models) or `quorum models pull NAME`"
}
