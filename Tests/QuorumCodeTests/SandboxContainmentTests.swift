import Foundation
import Testing
@testable import QuorumCode

#if canImport(Glibc)
import Glibc
#endif

/// What a program must not be able to do to the test run: loop forever, fork without bound, eat memory,
/// flood the output, reach the network, write outside its directory, or leave processes behind.
///
/// Each threat runs with every layer on (the default), and — where this machine has the OS layers (root
/// with namespaces) — with the audit guard off, to show that the OS layers alone contain it; the network
/// and file-system threats also run with the OS layers off, to show the guard alone refuses them. Serialized:
/// the fork bomb and the loops use the CPU, and timings are measured.
@Suite(.serialized) struct SandboxContainmentTests {
    /// A sandbox with the guard and the OS layers (namespaces, own user id) as asked, or `nil` when the OS
    /// layers are asked for alone and this machine does not have them.
    func sandbox(_ label: String, guard auditGuard: Bool, osLayers: Bool = true, ids: Range<UInt32>, limits: SandboxLimits) throws -> Sandbox? {
        if !auditGuard && !CodeTestSupport.hasOSLayers { return nil }
        return Sandbox(environment: try CodeTestSupport.environment(userIDs: ids, auditGuard: auditGuard, osLayers: osLayers), limits: limits)
    }

    /// A normal program still runs, and no process of `ids` is left.
    func expectUnharmed(ids: Range<UInt32>, _ note: String) throws {
        #expect(CodeTestSupport.processes(withUserIDsIn: ids).isEmpty, "leftover processes after \(note)")
        let after = try CodeTestSupport.sandbox().run("assert sum(range(10)) == 45\n")
        #expect(after.status == .pass, "a normal run after \(note): \(after)")
    }

    @Test(arguments: [("all layers", true), ("OS layers only", false)])
    func infiniteLoopIsKilledAtTheWallClockLimit(label: String, auditGuard: Bool) throws {
        let ids: Range<UInt32> = 1_950_000_000..<1_950_000_010
        guard let sandbox = try sandbox(label, guard: auditGuard, ids: ids, limits: SandboxLimits(wallSeconds: 1.5, cpuSeconds: 10)) else { return }
        let busy = try sandbox.run("while True:\n    pass\n")
        #expect(busy.status == .timeout)
        #expect(busy.message == "wall-clock limit of 1.5 s reached")
        #expect(busy.seconds >= 1.5 && busy.seconds < 3, "\(busy.seconds)")
        let sleeping = try sandbox.run("import time\ntime.sleep(60)\n")
        #expect(sleeping.status == .timeout)
        #expect(sleeping.seconds < 3)
        try expectUnharmed(ids: ids, "an infinite loop (\(label))")
    }

    @Test func cpuLimitEndsABusyLoopBeforeTheWallClock() throws {
        let sandbox = try CodeTestSupport.sandbox(SandboxLimits(wallSeconds: 20, cpuSeconds: 1))
        let result = try sandbox.run("while True:\n    pass\n")
        #expect(result.status == .timeout)
        #expect(result.message == "CPU time limit of 1 s reached")
        #expect(result.seconds < 10)
    }

    /// A linear bomb that reports what it got: no more than the process limit, and the sleeping children
    /// (30 s) die with the run instead of outliving it.
    @Test(arguments: [("all layers", true), ("OS layers only", false)])
    func forkingIsBounded(label: String, auditGuard: Bool) throws {
        let ids: Range<UInt32> = 1_950_000_010..<1_950_000_020
        let limits = SandboxLimits(wallSeconds: 10, cpuSeconds: 10, processes: 8)
        guard let sandbox = try sandbox(label, guard: auditGuard, ids: ids, limits: limits) else { return }
        let program = """
            import os, time
            children, refused = 0, 0
            for _ in range(100):
                try:
                    pid = os.fork()
                except OSError as error:
                    refused += 1
                    continue
                if pid == 0:
                    time.sleep(30)
                    os._exit(0)
                children += 1
            print(children, refused)
            """
        let result = try sandbox.run(program)
        #expect(result.status == .pass, "\(result)")
        let counts = result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(counts.count == 2)
        if counts.count == 2 {
            #expect(counts[0] < 8, "children: \(counts[0])")
            #expect(counts[0] + counts[1] == 100)
            if auditGuard { #expect(counts[0] == 0) }
        }
        #expect(result.seconds < 10, "the children must not keep the run alive: \(result.seconds)")
        try expectUnharmed(ids: ids, "a linear fork bomb (\(label))")
    }

    /// The classic exponential bomb: every process forks for ever.
    @Test(arguments: [("all layers", true), ("OS layers only", false)])
    func forkBombIsContained(label: String, auditGuard: Bool) throws {
        let ids: Range<UInt32> = 1_950_000_020..<1_950_000_030
        let limits = SandboxLimits(wallSeconds: 2, cpuSeconds: 2, processes: 16)
        guard let sandbox = try sandbox(label, guard: auditGuard, ids: ids, limits: limits) else { return }
        let result = try sandbox.run("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n")
        #expect(result.status == .timeout)
        #expect(result.seconds < 4, "\(result.seconds)")
        try expectUnharmed(ids: ids, "a fork bomb (\(label))")
    }

    @Test(arguments: [("all layers", true), ("OS layers only", false)])
    func memoryHogGetsAMemoryError(label: String, auditGuard: Bool) throws {
        let ids: Range<UInt32> = 1_950_000_030..<1_950_000_040
        let limits = SandboxLimits(memoryBytes: 512 << 20)
        guard let sandbox = try sandbox(label, guard: auditGuard, ids: ids, limits: limits) else { return }
        let big = try sandbox.run("x = bytearray(8 << 30)\n")
        #expect(big.status == .error)
        #expect(big.message?.hasPrefix("MemoryError") == true, "\(big.message ?? "")")
        let growing = try sandbox.run("chunks = []\nwhile True:\n    chunks.append(bytearray(16 << 20))\n")
        #expect(growing.status == .error)
        #expect(growing.message?.hasPrefix("MemoryError") == true, "\(growing.message ?? "")")
        if let peak = growing.maxResidentKilobytes { #expect(peak < 600 * 1024, "peak \(peak) KiB") }
        try expectUnharmed(ids: ids, "a memory hog (\(label))")
    }

    @Test func floodOfOutputIsCappedAndDrained() throws {
        let sandbox = try CodeTestSupport.sandbox(SandboxLimits(wallSeconds: 2, cpuSeconds: 2, outputBytes: 4096))
        let flood = try sandbox.run("import sys\nwhile True:\n    print('x' * 10000)\n    sys.stderr.write('y' * 10000)\n")
        #expect(flood.status == .timeout)
        #expect(flood.stdout.utf8.count == 4096)
        #expect(flood.stderr.utf8.count == 4096)
        #expect(flood.stdoutBytes > 1_000_000, "the flood is read (and dropped), not left to block: \(flood.stdoutBytes)")
        #expect(flood.seconds < 4)
        // A program that prints a lot and then passes is still a pass, with its output truncated.
        let chatty = try sandbox.run("for i in range(100000):\n    print(i)\nassert True\n")
        #expect(chatty.status == .pass)
        #expect(chatty.stdout.hasPrefix("0\n1\n2\n"))
        #expect(chatty.stdoutBytes > chatty.stdout.utf8.count)
        // A file cannot grow past RLIMIT_FSIZE.
        let file = try CodeTestSupport.sandbox(SandboxLimits(fileBytes: 1 << 20)).run(
            "with open('big.bin', 'wb') as f:\n    f.write(b'0' * (4 << 20))\n")
        #expect(file.status == .error)
        #expect(file.message?.contains("File too large") == true, "\(file.message ?? "")")
    }

    /// A listener of the test's own on the loopback, and the TEST-NET-1 address 192.0.2.1 (RFC 5737, never
    /// routed): the first must see no connection, the second must fail at once instead of sending packets.
    @Test(arguments: [("all layers", true, true), ("OS layers only", false, true), ("audit guard only", true, false)])
    func networkIsUnreachable(label: String, auditGuard: Bool, osLayers: Bool) throws {
        let ids: Range<UInt32> = 1_950_000_040..<1_950_000_050
        guard let sandbox = try sandbox(label, guard: auditGuard, osLayers: osLayers, ids: ids, limits: SandboxLimits()) else { return }
        let listener = try LoopbackListener()
        defer { listener.close() }
        for (host, port) in [("127.0.0.1", listener.port), ("192.0.2.1", 80)] {
            let program = """
                import socket, time
                start = time.time()
                try:
                    socket.create_connection(("\(host)", \(port)), timeout=3).close()
                    connected = True
                except OSError as error:
                    connected = False
                    print(type(error).__name__, error)
                print("elapsed %.3f" % (time.time() - start))
                assert not connected, "connected"
                """
            let result = try sandbox.run(program)
            #expect(result.status == .pass, "\(label) \(host): \(result)")
            let elapsed = result.stdout.split(separator: "\n").last { $0.hasPrefix("elapsed ") }
                .flatMap { Double($0.dropFirst(8)) }
            #expect((elapsed ?? 99) < 1, "\(label) \(host) must fail fast: \(result.stdout)")
        }
        #expect(!listener.hasPendingConnection(), "the loopback listener was reached (\(label))")
        try expectUnharmed(ids: ids, "network attempts (\(label))")
    }

    @Test(arguments: [("all layers", true, true), ("OS layers only", false, true), ("audit guard only", true, false)])
    func writingOutsideTheDirectoryFails(label: String, auditGuard: Bool, osLayers: Bool) throws {
        let ids: Range<UInt32> = 1_950_000_050..<1_950_000_060
        guard let sandbox = try sandbox(label, guard: auditGuard, osLayers: osLayers, ids: ids, limits: SandboxLimits()) else { return }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-outside-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try Data("keep".utf8).write(to: URL(fileURLWithPath: outside + "/keep.txt"))
        // The OS layers alone protect what the sandbox user may not write (this directory is root's, 0755);
        // only the guard protects world-writable places, so those are tried only with the guard on.
        let program = """
            import os
            attempts = {
                "create": lambda: open("\(outside)/evil.txt", "w").write("x"),
                "append": lambda: open("\(outside)/keep.txt", "a").write("x"),
                "remove": lambda: os.remove("\(outside)/keep.txt"),
                "rename": lambda: os.rename("\(outside)/keep.txt", "\(outside)/moved.txt"),
                "mkdir": lambda: os.mkdir("\(outside)/sub"),
                "os.open": lambda: os.open("\(outside)/raw.txt", os.O_WRONLY | os.O_CREAT),
            }
            \(auditGuard ? "attempts[\"world-writable\"] = lambda: open(\"\(outside)/../quorum-escaped-\(UUID().uuidString).txt\", \"w\")" : "")
            done = []
            for name, attempt in attempts.items():
                try:
                    attempt()
                    done.append(name)
                except OSError as error:
                    print(name, "refused:", type(error).__name__)
            with open("inside.txt", "w") as f:
                f.write("fine")
            print("cwd", os.getcwd())
            assert not done, done
            """
        let result = try sandbox.run(program)
        #expect(result.status == .pass, "\(label): \(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["keep.txt"])
        #expect(try String(contentsOfFile: outside + "/keep.txt", encoding: .utf8) == "keep")
        let escaped = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("quorum-escaped-") }
        #expect(escaped.isEmpty)
        // The run's own directory was writable, and is gone.
        let cwd = result.stdout.split(separator: "\n").first { $0.hasPrefix("cwd ") }.map { String($0.dropFirst(4)) }
        #expect(cwd?.contains("quorum-exec-") == true)
        if let cwd { #expect(!FileManager.default.fileExists(atPath: cwd)) }
        try expectUnharmed(ids: ids, "writes outside (\(label))")
    }

    /// Everything at once through the pool, next to normal programs, which still pass.
    @Test func threatsInParallelLeaveNormalRunsAlone() async throws {
        let sandbox = try CodeTestSupport.sandbox(SandboxLimits(wallSeconds: 2, cpuSeconds: 2, memoryBytes: 512 << 20))
        let programs = [
            "while True:\n    pass\n",
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
            "x = bytearray(1 << 40)\n",
            "while True:\n    print('z' * 4096)\n",
            "assert [i * i for i in range(5)] == [0, 1, 4, 9, 16]\n",
            "import json\nassert json.loads('[1, 2]') == [1, 2]\n",
        ]
        let results = try await ExecutionPool(width: 3).map(programs) { (program) throws(CodeError) in try sandbox.run(program) }
        #expect(results.map(\.status) == [.timeout, .timeout, .error, .timeout, .pass, .pass])
    }
}

/// A TCP listener on 127.0.0.1 at a free port, to see whether a sandboxed program reaches it.
final class LoopbackListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CodeTestSupport.Failure("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            _ = Glibc.close(fd)
            throw CodeTestSupport.Failure("bind/listen: errno \(errno)")
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a connection is waiting to be accepted.
    func hasPendingConnection() -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    func close() { _ = Glibc.close(descriptor) }
}
