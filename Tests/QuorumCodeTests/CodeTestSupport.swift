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

    /// Whether this machine gives the sandbox its OS-level layers (root with bubblewrap or namespaces).
    static var hasOSLayers: Bool {
        guard case .success(let environment) = detected else { return false }
        return environment.usesNamespaces && environment.dropsPrivileges
    }

    /// A test precondition that does not hold.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The problems of a task file under `../shared/tasks`.
    static func problems(_ relativePath: String) throws -> [Problem] {
        try TaskLoader.load(file: shared("tasks/" + relativePath)).problems
    }
}

extension CodeTestSupport {
    /// The detected environment with its own range of user ids (so that leftover processes of one test can
    /// be counted without seeing other tests' runs) and the given guard setting; `osLayers: false` also
    /// turns namespaces and the own user id off, leaving the guard (and the rlimits) alone.
    static func environment(userIDs: Range<UInt32>, auditGuard: Bool, osLayers: Bool = true) throws -> SandboxEnvironment {
        var environment = try detected.get()
        if environment.dropsPrivileges { environment.userIDs = userIDs }
        environment.auditGuard = auditGuard
        if !osLayers {
            environment.isolation = .none
            environment.bubblewrap = nil
            environment.namespacePrefix = []
            environment.userIDs = nil
        }
        return environment
    }

    /// Processes alive now whose real user id is in `range` (read from `/proc/PID/status`).
    static func processes(withUserIDsIn range: Range<UInt32>) -> [Int] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int? in
            guard let pid = Int(entry),
                let status = try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
                let uid = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap({ UInt32($0) })
            else { return nil }
            return range.contains(uid) ? pid : nil
        }
    }
}
