#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Opens input files (task files, paths files, models) only when they are regular files.
///
/// `open(2)` of a FIFO blocks until a writer appears, and reading `/dev/zero` never ends; Foundation's
/// `Data(contentsOf:)` does both and reports a FIFO or a device as "You don't have permission" and a
/// directory as "NSCocoaErrorDomain error 256". Here the file is opened with `O_NONBLOCK` (which never
/// blocks on a FIFO and does nothing to a regular file), checked with `fstat`, and refused with a reason
/// that names what it is.
public enum RegularFile {
    /// Why a path cannot be read as a regular file: `"no such file"`, `"is a directory"`, `"is not a
    /// regular file (a FIFO)"`, `"permission denied"` ….
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
        public init(reason: String) { self.reason = reason }
    }

    /// A read-only descriptor of the regular file at `path` (the caller closes it) and its size in bytes.
    public static func open(_ path: String) -> Result<(fd: Int32, size: Int), Failure> {
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #else
        let fd = Darwin.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #endif
        guard fd >= 0 else { return .failure(Failure(reason: reason(errno: errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let failure = Failure(reason: reason(errno: errno))
            close(fd)
            return .failure(failure)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .failure(Failure(reason: kind(mode: info.st_mode)))
        }
        return .success((fd, Int(info.st_size)))
    }

    /// The whole regular file at `path`.
    public static func read(_ path: String) -> Result<Data, Failure> {
        let opened: (fd: Int32, size: Int)
        switch open(path) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): opened = value
        }
        defer { close(opened.fd) }
        return readAll(opened.fd, sizeHint: opened.size)
    }

    /// Reads `fd` to its end.
    public static func readAll(_ fd: Int32, sizeHint: Int) -> Result<Data, Failure> {
        var data = Data()
        data.reserveCapacity(sizeHint)
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let got = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, chunk) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(reason: reason(errno: errno)))
            }
            if got == 0 { return .success(data) }
            data.append(contentsOf: buffer[0..<got])
        }
    }

    /// What a file of `mode` is, when it is not a regular file.
    static func kind(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "is a directory"
        case S_IFIFO: "is not a regular file (a FIFO)"
        case S_IFCHR: "is not a regular file (a character device)"
        case S_IFBLK: "is not a regular file (a block device)"
        case S_IFSOCK: "is not a regular file (a socket)"
        default: "is not a regular file"
        }
    }

    private static func reason(errno code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES: "permission denied"
        case EISDIR: "is a directory"
        case ENOTDIR: "a component of the path is not a directory"
        case ELOOP: "too many symbolic links"
        default: String(cString: strerror(code))
        }
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}
