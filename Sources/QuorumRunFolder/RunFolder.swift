import Foundation
import QuorumCore

/// A run folder (`--out`): `run.json`, `paths.jsonl`, and what selection and evaluation write
/// (`selections.jsonl`, `eval.json`, `eval.md`).
public struct RunFolder: Sendable, Hashable {
    /// The folder.
    public let path: String

    /// The folder at `path` (nothing is created until ``prepare(_:force:)``).
    public init(path: String) { self.path = path }

    /// `run.json`.
    public var runFile: String { path + "/run.json" }
    /// `paths.jsonl`.
    public var pathsFile: String { path + "/paths.jsonl" }
    /// `selections.jsonl`.
    public var selectionsFile: String { path + "/selections.jsonl" }
    /// `eval.json`.
    public var evalJSONFile: String { path + "/eval.json" }
    /// `eval.md`.
    public var evalMarkdownFile: String { path + "/eval.md" }
    /// `cost.json`: what the run's paths cost (``RunCostSummary``).
    public var costFile: String { path + "/cost.json" }

    /// Every file a run writes; `--force` removes these and nothing else.
    public var runFiles: [String] { [runFile, pathsFile, selectionsFile, evalJSONFile, evalMarkdownFile, costFile] }

    /// What ``prepare(_:force:)`` found.
    public enum Preparation: Sendable, Hashable {
        /// A new run: the folder was created (or was empty of run files) and `run.json` written.
        case created
        /// The folder holds this run already (same settings): sampling resumes.
        case resumed
        /// The folder held a run with other settings, which `--force` removed.
        case replaced
    }

    /// Creates the folder if needed and takes its lock (``RunFolderLock``) for as long as the returned value
    /// lives: call it before ``prepare(_:force:)`` and keep it until the run's last write. Another process
    /// holding the lock is an error at once (``RunError/folderLocked(folder:pid:)``).
    public func lock() throws(RunError) -> RunFolderLock {
        try createFolder()
        return try RunFolderLock(folder: path)
    }

    private func createFolder() throws(RunError) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .io(path: path, operation: "use it as the run folder", reason: "it is a file, not a folder")
        }
        do {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, operation: "create the run folder", reason: error.localizedDescription)
        }
    }

    /// Makes the folder ready for `manifest`: creates it and writes `run.json`, or checks that the run there
    /// has the same settings. A run with other settings is refused (``RunError/settingsDiffer(runFile:differences:)``)
    /// unless `force`, which removes that run's files (only those: other files in the folder, and the lock
    /// file, are kept). Hold the folder's ``lock()`` while calling it.
    public func prepare(_ manifest: RunManifest, force: Bool) throws(RunError) -> Preparation {
        let fm = FileManager.default
        try createFolder()
        let present = runFiles.filter { fm.fileExists(atPath: $0) }
        var replaced = false
        if !present.isEmpty {
            let problem: RunError
            if let stored = fm.contents(atPath: runFile) {
                do {
                    let differences = try manifest.differences(fromStored: stored, file: runFile)
                    if differences.isEmpty { return .resumed }
                    problem = .settingsDiffer(runFile: runFile, differences: differences)
                } catch {
                    problem = error
                }
            } else if fm.fileExists(atPath: runFile) {
                problem = .damagedRunFile(path: runFile, reason: "cannot be read")
            } else {
                problem = .damagedRunFile(
                    path: runFile,
                    reason: "missing, but the folder holds "
                        + present.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))
            }
            guard force else { throw problem }
            for file in present {
                do {
                    try fm.removeItem(atPath: file)
                } catch {
                    throw .io(path: file, operation: "remove (--force)", reason: error.localizedDescription)
                }
            }
            replaced = true
        }
        try Self.writeAtomically(manifest.encoded(), to: runFile)
        return replaced ? .replaced : .created
    }

    /// Writes `data` to a temporary file beside `path`, flushes it, and renames it over `path`.
    public static func writeAtomically(_ data: Data, to path: String) throws(RunError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: temporary, operation: "create", reason: String(cString: strerror(errno))) }
        do {
            try FileDescriptorIO.writeAll(fd, data, path: temporary)
            try FileDescriptorIO.sync(fd, path: temporary)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            throw .io(path: path, operation: "replace", reason: String(cString: strerror(errno)))
        }
        FileDescriptorIO.syncDirectory(of: path)
    }
}

/// Whole-buffer writes and flushes on a POSIX file descriptor (Foundation's FileHandle neither reports short
/// writes nor offers fsync errors as values).
enum FileDescriptorIO {
    /// Writes all of `data`, retrying after interrupted and short writes.
    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(RunError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var pointer = buffer.baseAddress else { return }
            var left = buffer.count
            while left > 0 {
                let n = write(fd, pointer, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                pointer += n
                left -= n
            }
        }
        if failure != 0 { throw .io(path: path, operation: "write", reason: String(cString: strerror(failure))) }
    }

    /// `fsync`.
    static func sync(_ fd: Int32, path: String) throws(RunError) {
        guard fsync(fd) == 0 else { throw .io(path: path, operation: "flush (fsync)", reason: String(cString: strerror(errno))) }
    }

    /// Flushes the directory holding `path` (so a rename survives a crash); best effort.
    static func syncDirectory(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
