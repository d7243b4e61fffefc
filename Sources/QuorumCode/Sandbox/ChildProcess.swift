import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one child process in a session (and process group) of its own, with standard input from
/// `/dev/null`, four output pipes (descriptors 1–4), a wall-clock deadline, and bounded capture.
///
/// Written by hand on `posix_spawn` because Foundation's `Process` can neither hand the child extra
/// descriptors (3 and 4) nor put it in a new session, and cannot kill a process group.
///
/// Every run ends with `SIGKILL` to the child's whole process group, sent before the child is reaped so
/// that the group id cannot have been reused; descendants that left the group are the sandbox's business
/// (its PID namespace dies with the child).
struct ChildProcess {
    /// What the child wrote and how it ended.
    struct Outcome {
        /// Descriptors 1–4, in order: standard output, standard error, the worker channel, the supervisor
        /// channel.
        var streams: [CappedBytes]
        /// Whether the deadline passed before the child exited (it was then killed).
        var timedOut: Bool
        /// The raw `wait` status of the child.
        var waitStatus: Int32
        /// Wall-clock seconds from spawn to reaping.
        var seconds: Double
    }

    /// The first `cap` bytes of a stream, and how many there were in all.
    struct CappedBytes {
        var cap: Int
        var bytes: [UInt8] = []
        var total = 0
        var truncated: Bool { total > bytes.count }

        mutating func append(_ buffer: UnsafeRawBufferPointer) {
            total += buffer.count
            let room = cap - bytes.count
            if room > 0 { bytes.append(contentsOf: buffer.prefix(room)) }
        }
    }

    /// `posix_spawn` and the creation of close-on-exec pipes happen under this lock, so that no child this
    /// process spawns can inherit a pipe in the moment before its close-on-exec flag is set (`pipe2` is not
    /// available to Swift on Linux). The file-descriptor table is process-wide, hence a process-wide lock.
    private static let spawnLock = NSLock()

    /// Runs `executable` with `arguments` and exactly `environment`.
    ///
    /// - Parameters:
    ///   - caps: bytes kept of descriptors 1–4 (4 values).
    ///   - wallSeconds: the deadline from spawn; reaching it kills the process group.
    /// - Throws: ``CodeError/systemCall(name:errno:)`` when the child cannot be started.
    static func run(
        executable: String, arguments: [String], environment: [String: String], caps: [Int], wallSeconds: Double
    ) throws(CodeError) -> Outcome {
        let start = DispatchTime.now().uptimeNanoseconds
        var readEnds: [Int32] = []
        var writeEnds: [Int32] = []
        var devNull: Int32 = -1
        var pid: pid_t = 0
        defer {
            for fd in writeEnds where fd >= 0 { close(fd) }
            if devNull >= 0 { close(devNull) }
        }

        spawnLock.lock()
        do throws(CodeError) {
            defer { spawnLock.unlock() }
            for _ in 0..<4 {
                let (read, write) = try makePipe()
                readEnds.append(read)
                writeEnds.append(write)
            }
            devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard devNull >= 0 else { throw .systemCall(name: "open /dev/null", errno: errno) }
            pid = try spawn(
                executable: executable, arguments: arguments, environment: environment,
                descriptors: [devNull] + writeEnds)
        } catch {
            for fd in readEnds { close(fd) }
            throw error
        }
        for fd in writeEnds { close(fd) }
        writeEnds = []

        var streams = caps.map { CappedBytes(cap: $0) }
        var open = readEnds
        for fd in open { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let deadline = start + UInt64(max(0, wallSeconds) * 1e9)
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 1 << 16)

        // Reads what is available on the open descriptors; closes those at end of file.
        func drain(waitingMilliseconds: Int32) {
            var polls = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polls, nfds_t(polls.count), waitingMilliseconds)
            guard ready > 0 else { return }
            for entry in polls where entry.revents != 0 {
                let index = readEnds.firstIndex(of: entry.fd)!
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                    if count > 0 {
                        buffer.withUnsafeBytes { streams[index].append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                        continue
                    }
                    if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                        close(entry.fd)
                        open.removeAll { $0 == entry.fd }
                    }
                    break
                }
            }
        }

        // Until the child exits or the deadline passes. Poll in slices of at most 50 ms so that an exit is
        // noticed even while something else still holds a pipe open.
        while !hasExited(pid) {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline {
                timedOut = true
                break
            }
            let slice = Int32(min(50, (deadline - now) / 1_000_000 + 1))
            if open.isEmpty {
                usleep(UInt32(min(slice, 5)) * 1000)
            } else {
                drain(waitingMilliseconds: slice)
            }
        }
        // The child is a zombie or still running: its id is still its group's, so this kill reaches only
        // its group.
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let reaped = DispatchTime.now().uptimeNanoseconds
        // What is left in the pipes: up to 200 ms for writers outside the group to go.
        let drainDeadline = reaped + 200_000_000
        while !open.isEmpty {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= drainDeadline { break }
            drain(waitingMilliseconds: Int32(min(20, (drainDeadline - now) / 1_000_000 + 1)))
        }
        for fd in open { close(fd) }
        return Outcome(
            streams: streams, timedOut: timedOut, waitStatus: status, seconds: Double(reaped - start) / 1e9)
    }

    /// A pipe whose two ends are close-on-exec and numbered 10 or above (so that moving them onto
    /// descriptors 0–4 in the child never overwrites one another).
    private static func makePipe() throws(CodeError) -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .systemCall(name: "pipe", errno: errno) }
        defer {
            close(fds[0])
            close(fds[1])
        }
        let read = fcntl(fds[0], F_DUPFD_CLOEXEC, 10)
        guard read >= 0 else { throw .systemCall(name: "fcntl", errno: errno) }
        let write = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
        guard write >= 0 else {
            let code = errno
            close(read)
            throw .systemCall(name: "fcntl", errno: code)
        }
        return (read, write)
    }

    /// `posix_spawn` with `descriptors[i]` moved onto descriptor `i`, a new session, default signal
    /// dispositions and an empty signal mask.
    private static func spawn(
        executable: String, arguments: [String], environment: [String: String], descriptors: [Int32]
    ) throws(CodeError) -> pid_t {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        // <spawn.h>'s POSIX_SPAWN_SETSID (glibc and musl), a GNU extension Swift does not import.
        let setSession: Int32 = 0x80
        #else
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        let setSession = Int32(POSIX_SPAWN_SETSID)
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        for (target, source) in descriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, source, Int32(target))
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Int32(1)..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes, Int16(setSession | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted(by: { $0.key < $1.key }).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw .systemCall(name: "posix_spawn \(executable)", errno: result) }
        return pid
    }

    /// Whether `pid` has exited, without reaping it.
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return true }
        #if canImport(Glibc)
        return info._sifields._sigchld.si_pid == pid
        #else
        return info.si_pid == pid
        #endif
    }
}
