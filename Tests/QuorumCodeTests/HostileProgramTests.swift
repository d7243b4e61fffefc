import Foundation
import Testing
@testable import QuorumCode

#if canImport(Glibc)
import Glibc
#endif

/// Programs written to cheat or escape, each of which must end up contained (issue 15, items 1 and 2):
/// forging a verdict (descriptor 3, the preamble's `_emit`, `/proc/PID/fd`, objects equal to everything,
/// killing the tests' process, `outputs` fingerprints), reading the tests, switching the audit guard off
/// (the garbage collector, threads), `sqlite3` and POSIX shared memory, files that persist in `/tmp`,
/// `/var/tmp` and `/dev/shm`, a filesystem UNIX socket of the host, and the host's `/proc`.
///
/// Each forging program answers WRONG (`add` returns `a - b`) and tries to be graded `pass`. The OS-layer
/// tests turn the audit guard off, so that the boundary shown is the OS's. Serialized: timings are not
/// measured, but each test uses a range of user ids of its own to find leftover processes.
@Suite(.serialized) struct HostileProgramTests {
    /// The tests every forging program faces; the marker must never reach the solution.
    static let tests = "assert add(1, 2) == 3  # secret-7f3a91\nassert add(2, 2) == 4\n"
    static let marker = "secret-7f3a91"

    func test(_ solution: String) -> CodeTest {
        CodeTest(solution: solution, harness: .mbpp(setup: "", tests: Self.tests))
    }

    func sandbox(guard auditGuard: Bool, ids: Range<UInt32>, limits: SandboxLimits = SandboxLimits().withTimeLimit(5)) throws -> Sandbox {
        Sandbox(environment: try CodeTestSupport.environment(userIDs: ids, auditGuard: auditGuard), limits: limits)
    }

    /// Writes a pass on descriptor 3, by the preamble's own function, and through every `/proc/*/fd/*` it can
    /// open, then ends as each variant says; never a pass.
    @Test(arguments: [
        ("fd 3 then os._exit(0)", "import os\ntry:\n    os.write(3, b'{\"status\": \"pass\"}\\n')\nexcept OSError as e:\n    print('fd 3:', e)\nos._exit(0)\n"),
        ("fd 3 inside the call", "import os\ndef add(a, b):\n    try:\n        os.write(3, b'{\"status\": \"pass\"}\\n')\n    except OSError:\n        pass\n    return a - b\n"),
        ("the preamble's _emit", "import sys\nm = sys.modules['__main__']\ndef add(a, b):\n    for fd in (3, 4, 5, 6):\n        try:\n            m._emit(fd, {'status': 'pass'})\n        except Exception:\n            pass\n    return a - b\n"),
        ("every /proc/*/fd", """
            import os
            opened = []
            for pid in os.listdir('/proc'):
                if not pid.isdigit():
                    continue
                try:
                    fds = os.listdir('/proc/%s/fd' % pid)
                except OSError:
                    continue
                for fd in fds:
                    try:
                        with open('/proc/%s/fd/%s' % (pid, fd), 'w') as f:
                            f.write('{"status": "pass"}\\n')
                        opened.append((pid, fd))
                    except OSError:
                        pass
            print('opened', opened)
            def add(a, b):
                return a - b
            """),
        ("an object equal to everything", "class Yes:\n    def __eq__(self, other):\n        return True\n    def __bool__(self):\n        return True\ndef add(a, b):\n    return Yes()\n"),
        ("a subclass of int equal to everything", "class Yes(int):\n    def __eq__(self, other):\n        return True\ndef add(a, b):\n    return Yes(0)\n"),
        ("raising SystemExit in the call", "def add(a, b):\n    raise SystemExit(0)\n"),
        ("killing every process", "import os, signal\ndef add(a, b):\n    for pid in os.listdir('/proc'):\n        if pid.isdigit() and int(pid) != os.getpid():\n            try:\n                os.kill(int(pid), signal.SIGKILL)\n            except OSError:\n                pass\n    return a - b\n"),
    ])
    func forgedVerdictsAreNotPasses(label: String, solution: String) throws {
        let ids: Range<UInt32> = 1_950_000_100..<1_950_000_110
        for auditGuard in [true, false] {
            let result = try sandbox(guard: auditGuard, ids: ids).run(test(solution))
            #expect(result.status != .pass, "\(label), guard \(auditGuard): \(result)")
            // The same program made right passes: the sandbox judges answers, not tricks.
            if label == "fd 3 inside the call" || label == "the preamble's _emit" {
                let right = solution.replacingOccurrences(of: "return a - b", with: "return a + b")
                let fixed = try sandbox(guard: auditGuard, ids: ids).run(test(right))
                #expect(fixed.status == .pass, "\(label) made right, guard \(auditGuard): \(fixed)")
            }
        }
        #expect(CodeTestSupport.processes(withUserIDsIn: ids).isEmpty)
    }

    /// A wrong program that writes forged fingerprints on descriptor 3 gets its real outputs.
    @Test func forgedOutputsAreNotTaken() throws {
        let ids: Range<UInt32> = 1_950_000_110..<1_950_000_120
        let calls = [CodeCall(function: "add", arguments: "((1, 2), {})"), CodeCall(function: "add", arguments: "((2, 2), {})")]
        let forging = """
            import os
            for i in range(2):
                try:
                    os.write(3, ('{"i": %d, "out": "value:%d"}\\n' % (i, 3 + i)).encode())
                except OSError:
                    pass
            def add(a, b):
                return a - b
            """
        let honest = try sandbox(guard: false, ids: ids).outputs(of: "def add(a, b):\n    return a + b\n", calls: calls)
        #expect(honest.outputs == ["value:3", "value:4"])
        let forged = try sandbox(guard: false, ids: ids).outputs(of: forging, calls: calls)
        #expect(forged.outputs == ["value:-1", "value:0"])
    }

    /// The tests are nowhere the solution can look: not in its directory or the one above, not in any
    /// process's command line, environment or open files.
    @Test func theTestsCannotBeRead() throws {
        let ids: Range<UInt32> = 1_950_000_120..<1_950_000_130
        let solution = """
            import os
            found = []
            def look(path):
                try:
                    with open(path, 'rb') as f:
                        data = f.read(1 << 20)
                except OSError:
                    return
                if b'secret-' + b'7f3a91' in data:
                    found.append(path)
            for directory in ('.', '..', '/tmp', '/var/tmp', '/dev/shm'):
                try:
                    names = os.listdir(directory)
                except OSError:
                    continue
                for name in names:
                    look(os.path.join(directory, name))
            for pid in os.listdir('/proc'):
                if pid.isdigit():
                    for part in ('cmdline', 'environ'):
                        look('/proc/%s/%s' % (pid, part))
                    try:
                        for fd in os.listdir('/proc/%s/fd' % pid):
                            look('/proc/%s/fd/%s' % (pid, fd))
                    except OSError:
                        pass
            print('FOUND', found)
            def add(a, b):
                return a + b if not found else None
            """
        let result = try sandbox(guard: false, ids: ids).run(test(solution))
        #expect(result.status == .pass, "\(result)")
        #expect(result.stdout.contains("FOUND []"), "\(result.stdout)")
    }

    /// The hook cannot be found through the garbage collector, and a thread busy inside the hook does not
    /// open it for the others.
    @Test func theAuditGuardCannotBeSwitchedOff() throws {
        let ids: Range<UInt32> = 1_950_000_130..<1_950_000_140
        let sandbox = try sandbox(guard: true, ids: ids)
        for (program, refused) in [
            ("import gc\nhooks = [o for o in gc.get_objects() if getattr(o, '__name__', '') == 'hook']\n", "gc.get_objects is not allowed"),
            ("import gc, sys\ngc.get_referrers(sys)\n", "gc.get_referrers is not allowed"),
            ("import sqlite3\nsqlite3.connect('x.db')\n", "importing sqlite3 is not allowed"),
            ("import _posixshmem\n_posixshmem.shm_open('/x', 0o102, 0o600)\n", "importing _posixshmem is not allowed"),
            ("import socket\nsocket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n", "socket.__new__ is not allowed"),
        ] {
            let result = try sandbox.run(program)
            #expect(result.status == .error, "\(program): \(result)")
            #expect(result.message?.contains(refused) == true, "\(program): \(result.message ?? "")")
        }
        // Threads: while others keep the hook busy opening files, the main thread's forks are all refused.
        let threads = """
            import os, threading
            stop = False
            def spin():
                while not stop:
                    try:
                        open('spin.txt', 'w').close()
                    except OSError:
                        pass
            workers = [threading.Thread(target=spin) for _ in range(4)]
            for w in workers:
                w.start()
            forked = 0
            for _ in range(2000):
                try:
                    pid = os.fork()
                except OSError:
                    continue
                if pid == 0:
                    os._exit(0)
                forked += 1
            stop = True
            for w in workers:
                w.join()
            print('forked', forked)
            assert forked == 0
            """
        let threaded = try sandbox.run(threads)
        #expect(threaded.status == .pass, "\(threaded)")
        #expect(threaded.stdout.contains("forked 0"))
    }

    /// Files written to the world-writable places are the run's own and vanish with it; a second run does
    /// not see the first one's.
    @Test func filesInTmpDoNotPersist() throws {
        let ids: Range<UInt32> = 1_950_000_140..<1_950_000_150
        let name = "quorum-persist-\(UUID().uuidString)"
        let sandbox = try sandbox(guard: false, ids: ids)
        let write = """
            import os
            for d in ('/tmp', '/var/tmp', '/dev/shm'):
                with open(os.path.join(d, '\(name)'), 'w') as f:
                    f.write('left behind')
                print('wrote', d)
            """
        let first = try sandbox.run(write)
        #expect(first.status == .pass, "\(first)")
        #expect(first.stdout.components(separatedBy: "wrote").count == 4)
        for directory in ["/tmp", "/var/tmp", "/dev/shm"] {
            #expect(!FileManager.default.fileExists(atPath: directory + "/" + name), "\(directory)/\(name) persisted")
        }
        let read = "import os\nassert not any(os.path.exists(os.path.join(d, '\(name)')) for d in ('/tmp', '/var/tmp', '/dev/shm'))\n"
        let second = try sandbox.run(read)
        #expect(second.status == .pass, "\(second)")
    }

    /// A UNIX socket the host listens on in /tmp is not even visible.
    @Test func hostUnixSocketsAreUnreachable() throws {
        let ids: Range<UInt32> = 1_950_000_150..<1_950_000_160
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-sock-\(UUID().uuidString.prefix(8))").path
        let server = try UnixListener(path: path)
        defer { server.close() }
        let program = """
            import socket
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect('\(path)')
                connected = True
            except OSError as e:
                connected = False
                print(type(e).__name__, e)
            assert not connected
            """
        let result = try sandbox(guard: false, ids: ids).run(program)
        #expect(result.status == .pass, "\(result)")
        #expect(!server.hasPendingConnection())
    }

    /// The program's /proc shows the sandbox's processes only, none of the host's.
    @Test func procShowsOnlyTheSandbox() throws {
        let ids: Range<UInt32> = 1_950_000_160..<1_950_000_170
        let program = """
            import os
            pids = [p for p in os.listdir('/proc') if p.isdigit()]
            print('pids', len(pids))
            for p in pids:
                try:
                    with open('/proc/%s/cmdline' % p, 'rb') as f:
                        print('cmd', f.read(200).split(b'\\0')[0].decode(errors='replace'))
                except OSError:
                    pass
            """
        let result = try sandbox(guard: false, ids: ids).run(program)
        #expect(result.status == .pass, "\(result)")
        let count = result.stdout.split(separator: "\n").first { $0.hasPrefix("pids ") }.flatMap { Int($0.dropFirst(5)) }
        // bubblewrap's init, the supervisor, the program (and bwrap's own reaper): a handful, not the host's.
        #expect((count ?? 99) <= 5, "\(result.stdout)")
        #expect(!result.stdout.contains(String(getpid())) || (count ?? 99) <= 5)
        let commands = result.stdout.split(separator: "\n").filter { $0.hasPrefix("cmd ") }
        #expect(commands.allSatisfy { $0.contains("bwrap") || $0.contains("python") }, "\(commands)")
    }

    /// Thousands of threads, a fork bomb and a flood at once in one solution: the tests' process still
    /// gives its verdict (an error or a timeout), and nothing is left.
    @Test func resourceAttacksFromASolutionAreContained() throws {
        let ids: Range<UInt32> = 1_950_000_170..<1_950_000_180
        let limits = SandboxLimits(wallSeconds: 5, cpuSeconds: 5, processes: 16)
        let solution = """
            import os, sys, threading
            def add(a, b):
                threads = 0
                try:
                    for _ in range(5000):
                        threading.Thread(target=lambda: __import__('time').sleep(30), daemon=True).start()
                        threads += 1
                except RuntimeError:
                    pass
                for _ in range(100):
                    try:
                        os.fork()
                    except OSError:
                        pass
                sys.stdout.write('x' * (1 << 22))
                return a + b
            """
        let result = try sandbox(guard: false, ids: ids, limits: limits).run(test(solution))
        #expect(result.seconds < limits.wallSeconds + 3, "\(result)")
        #expect(result.stdout.utf8.count <= limits.outputBytes)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(CodeTestSupport.processes(withUserIDsIn: ids).isEmpty)
    }
}

/// A UNIX stream socket listening at a path, to see whether a sandboxed program reaches it.
final class UnixListener {
    let path: String
    private var descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CodeTestSupport.Failure("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw CodeTestSupport.Failure("path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(descriptor, 4) == 0 else { throw CodeTestSupport.Failure("bind/listen: errno \(errno)") }
        chmod(path, 0o777)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Whether a connection is waiting to be accepted.
    func hasPendingConnection() -> Bool {
        let accepted = accept(descriptor, nil, nil)
        if accepted >= 0 {
            Glibc.close(accepted)
            return true
        }
        return false
    }

    func close() {
        Glibc.close(descriptor)
        unlink(path)
    }
}

/// Fewer layers than asked are refused, unless the caller accepts them explicitly.
@Suite struct SandboxLayerPolicyTests {
    @Test func missingBubblewrapIsRefusedUnlessUnsafeIsGiven() throws {
        let missing = SandboxOptions(bubblewrap: "/nonexistent/bwrap")
        do {
            _ = try SandboxEnvironment.detect(missing)
            Issue.record("detection without bwrap must fail")
        } catch {
            guard case .layerUnavailable(let layer, let reason) = error else { throw error }
            #expect(layer == "bubblewrap")
            #expect(reason.contains("no '/nonexistent/bwrap' command"), "\(reason)")
            #expect(reason.contains("apt-get install bubblewrap") && reason.contains("--unsafe-no-sandbox"), "\(reason)")
        }
        var unsafe = missing
        unsafe.allowFewerLayers = true
        let weaker = try SandboxEnvironment.detect(unsafe)
        #expect(weaker.isolation < .bubblewrap)
        #expect(weaker.askedIsolation == .bubblewrap)
        #expect(weaker.description.contains("UNSAFE: bubblewrap was asked for and is unavailable"), "\(weaker)")
        // What was asked for explicitly is not "fewer".
        let none = try SandboxEnvironment.detect(SandboxOptions(isolation: .none))
        #expect(none.isolation == .none && none.askedIsolation == nil)
        #expect(none.description.contains("no namespaces"))
    }

    /// This machine (and CI) has bubblewrap: the default detection uses it.
    @Test func theDefaultIsBubblewrap() throws {
        let environment = try CodeTestSupport.detected.get()
        #expect(environment.isolation == .bubblewrap, "\(environment)")
        #expect(environment.description.contains("bubblewrap"))
    }
}
