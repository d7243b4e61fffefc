import Foundation

/// Files of the repository, found from this file's location (the directory holding Package.swift).
enum RepositoryFiles {
    static var root: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-run-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}

extension RepositoryFiles {
    /// A file of the shared read-only material (`../shared` beside the package root).
    static func shared(_ relative: String) -> String {
        root.appendingPathComponent("../shared").appendingPathComponent(relative).standardizedFileURL.path
    }
}
