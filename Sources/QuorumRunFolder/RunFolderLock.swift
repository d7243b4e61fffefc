import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive claim of one process on a run folder, held for the whole run: an `flock(2)` on
/// `DIR/run.lock`, which holds the holder's process id as text.
///
/// Two runs writing one folder would each sample every missing (problem, path) pair and append it, leaving
/// every pair twice and the folder unresumable; so a second run is refused at once
/// (``RunError/folderLocked(folder:pid:)``) instead of waiting. The kernel releases the lock when the
/// holder's last descriptor closes, so a run killed with `kill -9` leaves no stale lock: the next run takes
/// it (the old pid in the file is only a hint and is overwritten). The descriptor is opened `O_CLOEXEC`, so
/// programs the run starts (the code sandbox) do not inherit the lock. The file is never removed: removing
/// it would let a waiting opener lock a deleted file while a third run locks a new one.
public final class RunFolderLock: Sendable {
    /// The lock file.
    public let path: String
    private let fd: Int32

    /// The name of the lock file inside a run folder.
    public static let fileName = "run.lock"

    /// Takes the lock of `folder` (which must exist), or throws ``RunError/folderLocked(folder:pid:)`` when
    /// another process holds it.
    public init(folder: String) throws(RunError) {
        path = folder + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io(path: path, operation: "open the run folder's lock file", reason: String(cString: strerror(errno)))
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            let holder = Self.readPID(fd)
            close(fd)
            if code == EWOULDBLOCK {
                throw .folderLocked(folder: folder, pid: holder)
            }
            throw .io(path: path, operation: "lock (flock)", reason: String(cString: strerror(code)))
        }
        let text = "\(getpid())\n"
        if ftruncate(fd, 0) != 0 || pwrite(fd, text, text.utf8.count, 0) != text.utf8.count {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .io(path: path, operation: "write the process id into the lock file", reason: reason)
        }
        self.fd = fd
    }

    /// Releases the lock (the kernel also does when the process ends, however it ends).
    deinit { close(fd) }

    /// The process id written in the lock file, when it holds one.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
