import Foundation
import Testing
@testable import QuorumCode

/// Shared material of the code suites: the package root, `../shared`, and one detected sandbox environment.
enum CodeTestSupport {
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

    /// A file under the shared read-only material, `../shared` relative to the package root.
    static func shared(_ relativePath: String) -> String {
        packageRoot.appendingPathComponent("../shared").appendingPathComponent(relativePath).standardizedFileURL.path
    }

    /// The environment every suite uses, detected once per test process with the default options.
    static let detected: Result<SandboxEnvironment, CodeError> = Result { () throws(CodeError) in
        try SandboxEnvironment.detect()
    }

    /// A sandbox with `limits` in the detected environment (the test fails with the reason when there is none).
    static func sandbox(_ limits: SandboxLimits = SandboxLimits()) throws -> Sandbox {
        Sandbox(environment: try detected.get(), limits: limits)
    }

    /// Whether this machine gives the sandbox its OS-level layers (root with namespaces).
    static var hasOSLayers: Bool {
        guard case .success(let environment) = detected else { return false }
        return environment.usesNamespaces && environment.dropsPrivileges
    }

    /// The problems of a shared task file, by id.
    static func problems(_ relativePath: String) throws -> [Problem] {
        try TaskLoader.load(file: shared(relativePath)).problems
    }
}
