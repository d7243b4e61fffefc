import Foundation
@testable import QuorumEngine

/// Builds wheels for tests with Python's zipfile, in a local wheelhouse that pip reads with
/// `--no-index --find-links`, so pulling is tested without any network.
struct FakeWheelhouse {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-wheels-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes `package-version-py3-none-any.whl` holding `member` with `contents`, plus minimal metadata.
    func addWheel(package: String, version: String, member: String, contents: Data) throws {
        let dist = package.replacingOccurrences(of: "-", with: "_")
        let payload = directory + "/\(dist)-payload.bin"
        try contents.write(to: URL(fileURLWithPath: payload))
        defer { try? FileManager.default.removeItem(atPath: payload) }
        let script = """
            import sys, zipfile
            out, dist, name, version, member, payload = sys.argv[1:7]
            info = dist + "-" + version + ".dist-info/"
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                z.write(payload, member)
                z.writestr(info + "METADATA", "Metadata-Version: 2.1\\nName: " + name + "\\nVersion: " + version + "\\n")
                z.writestr(info + "WHEEL", "Wheel-Version: 1.0\\nGenerator: quorum-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
                z.writestr(info + "RECORD", "")
            """
        let wheel = directory + "/\(dist)-\(version)-py3-none-any.whl"
        let result = try Subprocess.run(["python3", "-c", script, wheel, dist, package, version, member, payload], echo: false)
        guard result.status == 0 else { throw ModelStoreError.io(path: wheel, operation: "build test wheel", reason: result.output) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A fresh temporary Quorum home.
func temporaryQuorumHome() throws -> String {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-home-\(UUID())").path
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    return home
}
