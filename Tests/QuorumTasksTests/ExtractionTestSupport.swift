import Foundation
import Testing

/// Locations of test data for the extraction and equivalence suites.
enum ExtractionTestSupport {
    /// The package root: the nearest directory above this file that holds Package.swift.
    static let packageRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    }()

    /// The shared read-only material, `../shared` relative to the package root.
    static var shared: URL { packageRoot.appendingPathComponent("../shared").standardizedFileURL }

    /// Reads a file under `../shared`, failing the test with the path when it is missing.
    static func sharedData(_ relativePath: String) throws -> Data {
        let url = shared.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SupportError.missing(url.path)
        }
        return data
    }

    /// Reads a file of the test target's `Resources` folder.
    static func resource(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"),
            let data = FileManager.default.contents(atPath: url.path)
        else { throw SupportError.missing("Resources/\(name)") }
        return data
    }

    enum SupportError: Error, CustomStringConvertible {
        case missing(String)
        case malformed(String)
        var description: String {
            switch self {
            case .missing(let path): "missing test data: \(path) (is ../shared linked next to the package?)"
            case .malformed(let what): "malformed test data: \(what)"
            }
        }
    }
}
