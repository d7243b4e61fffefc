import Foundation

/// Where models live: `$QUORUM_HOME/models/NAME.gguf` (QUORUM_HOME defaults to `~/.cache/quorum`), and how a
/// `--model NAME|FILE.gguf` argument becomes a file path. Every command that takes `--model` resolves it here.
///
/// A pulled model has a stamp beside it, `NAME.gguf.sha256`, holding the verified SHA-256, the size and the
/// modification time; a file whose size and time still match its stamp counts as verified without hashing again.
public struct ModelStore: Sendable {
    /// The Quorum home directory.
    public let home: String

    /// `home`, or else `$QUORUM_HOME`, or else `~/.cache/quorum`.
    public init(home: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let home, !home.isEmpty {
            self.home = home
        } else if let env = environment["QUORUM_HOME"], !env.isEmpty {
            self.home = env
        } else {
            self.home = NSHomeDirectory() + "/.cache/quorum"
        }
    }

    public var modelsDirectory: String { home + "/models" }

    /// The path a catalogue model is stored at once pulled.
    public func path(for name: String) -> String { modelsDirectory + "/\(name).gguf" }

    func stampPath(for name: String) -> String { path(for: name) + ".sha256" }

    /// The file a `--model` argument names: a path (anything containing `/` or ending in `.gguf`), which must
    /// exist, or a model name, which must have been pulled (or at least be present in the models directory).
    public func resolve(_ spec: String) throws(ModelStoreError) -> String {
        if spec.contains("/") || spec.hasSuffix(".gguf") {
            guard FileManager.default.fileExists(atPath: spec) else { throw .fileNotFound(path: spec) }
            try Self.requireRegularFile(spec)
            return spec
        }
        let file = path(for: spec)
        if FileManager.default.fileExists(atPath: file) {
            try Self.requireRegularFile(file)
            return file
        }
        if ModelCatalog.model(named: spec) != nil { throw .notPulled(name: spec, path: file) }
        throw .unknownModel(name: spec, known: ModelCatalog.models.map(\.name))
    }

    /// What is on disk for a catalogue model.
    public enum Status: Sendable, Hashable {
        case absent
        /// Present, and its stamp says it was verified and it has not changed since.
        case verified
        /// Present but not (or no longer) known to match the catalogue checksum.
        case unverified
    }

    public func status(of model: CatalogModel) -> Status {
        let file = path(for: model.name)
        guard let info = Self.fileInfo(file) else { return .absent }
        guard info.size == model.size,
              let stamp = try? String(contentsOfFile: stampPath(for: model.name), encoding: .utf8),
              stamp.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) == [model.sha256, String(info.size), String(info.mtime)]
        else { return .unverified }
        return .verified
    }

    /// Records that the file of `model` has the catalogue checksum (written atomically).
    func writeStamp(for model: CatalogModel) throws(ModelStoreError) {
        let file = path(for: model.name)
        guard let info = Self.fileInfo(file) else { throw .fileNotFound(path: file) }
        let stamp = "\(model.sha256) \(info.size) \(info.mtime)\n"
        do {
            try stamp.write(toFile: stampPath(for: model.name), atomically: true, encoding: .utf8)
        } catch {
            throw .io(path: stampPath(for: model.name), operation: "write", reason: "\(error)")
        }
    }

    /// Throws ``ModelStoreError/notARegularFile(path:kind:)`` unless `path` (symbolic links followed) is a
    /// regular file. Checked with stat(2) before anything opens it: open(2) on a FIFO blocks until a writer comes.
    public static func requireRegularFile(_ path: String) throws(ModelStoreError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .io(path: path, operation: "stat", reason: String(cString: strerror(errno))) }
        if let kind = fileKind(st.st_mode) { throw .notARegularFile(path: path, kind: kind) }
    }

    /// What a file of mode `mode` is, in words, or `nil` for a regular file.
    public static func fileKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    static func fileInfo(_ path: String) -> (size: Int, mtime: Int)? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
        let mtime = Int(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int(st.st_mtimespec.tv_nsec)
        #else
        let mtime = Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec)
        #endif
        return (Int(st.st_size), mtime)
    }
}
