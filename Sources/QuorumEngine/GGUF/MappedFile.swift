#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QuorumCore

/// A read-only memory mapping of a whole file. The bytes stay valid as long as the object lives.
///
/// Weights are read straight from the mapping: the kernel pages them in on first use and shares them
/// between processes, so loading a model costs no copy.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only and immutable after init, so sharing it across threads is safe.
    public let path: String
    /// The mapped bytes (`count` bytes; `nil` base only for an empty file).
    public let bytes: UnsafeRawBufferPointer

    /// Maps `path` read-only.
    public init(path: String) throws(GGUFError) {
        self.path = path
        // stat before open: open(2) of a FIFO waits for a writer forever. O_NONBLOCK covers a FIFO put in
        // its place between the two calls (it changes nothing for a regular file), and fstat checks again.
        var info = stat()
        guard stat(path, &info) == 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        if let kind = ModelStore.fileKind(info.st_mode) { throw .cannotOpen(path: path, reason: "it is \(kind), not a regular file") }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        if let kind = ModelStore.fileKind(info.st_mode) { throw .cannotOpen(path: path, reason: "it is \(kind), not a regular file") }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
