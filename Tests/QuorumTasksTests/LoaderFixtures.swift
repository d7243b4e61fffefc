import Foundation
import QuorumTasks

/// Paths and temporary files for the loader tests.
enum LoaderFixtures {
    /// The package root: the nearest directory above this file that holds Package.swift.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    }()

    /// `../shared/tasks/<relative>` from the package root (a worktree needs `../shared` linked to it).
    static func sharedTask(_ relative: String) -> String {
        packageRoot.appendingPathComponent("../shared/tasks").appendingPathComponent(relative).standardized.path
    }

    /// A file of the repository, e.g. `tasks/arith-easy.jsonl`.
    static func repositoryFile(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }

    /// Writes `bytes` to a fresh temporary file named `name` and returns its path.
    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("quorum-loader-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        try temporaryFile(name, Array(text.utf8))
    }

    /// Loads `text` written to a temporary file `name`.
    static func load(_ name: String, _ text: String, fields: [String] = []) throws -> TaskSet {
        let path = try temporaryFile(name, text)
        return try TaskLoader.load(
            file: path, options: TaskLoadOptions(mapping: fields.isEmpty ? nil : try FieldMapping(parsing: fields)))
    }

    /// The error thrown by loading `text` from a temporary file, or `nil` when it loads.
    static func loadError(_ name: String, _ bytes: [UInt8], fields: [String] = []) -> TaskLoadError? {
        do throws(TaskLoadError) {
            let mapping = fields.isEmpty ? nil : try FieldMapping(parsing: fields)
            guard let path = try? temporaryFile(name, bytes) else { return nil }
            _ = try TaskLoader.load(file: path, options: TaskLoadOptions(mapping: mapping))
            return nil
        } catch {
            return error
        }
    }

    static func loadError(_ name: String, _ text: String, fields: [String] = []) -> TaskLoadError? {
        loadError(name, Array(text.utf8), fields: fields)
    }
}

extension TaskSet {
    /// The problem with this id.
    subscript(id: String) -> Problem? { problems.first { $0.id == id } }
}
