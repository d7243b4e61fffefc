import Foundation

/// Locates the project's shared read-only material (`../shared` beside the package root) from a test
/// file's `#filePath`.
public enum SharedFiles {
    /// The package root: the nearest directory above `filePath` that holds Package.swift.
    public static func packageRoot(from filePath: String = #filePath) -> URL {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        fatalError("no Package.swift above \(filePath)")
    }

    /// `../shared/<relative>` from the package root.
    public static func url(_ relative: String, from filePath: String = #filePath) -> URL {
        packageRoot(from: filePath).deletingLastPathComponent().appendingPathComponent("shared")
            .appendingPathComponent(relative)
    }

    /// Decodes a shared JSON file. `JSONDecoder` parses numbers exactly (Foundation's `JSONSerialization`
    /// on Linux goes through `NSDecimalNumber` and can be an ulp off), and JSON5 mode reads Python's `NaN`.
    public static func decode<T: Decodable>(
        _ type: T.Type, _ relative: String, from filePath: String = #filePath
    ) throws -> T {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        return try decoder.decode(type, from: Data(contentsOf: url(relative, from: filePath)))
    }
}
