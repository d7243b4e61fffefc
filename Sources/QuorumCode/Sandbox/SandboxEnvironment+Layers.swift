import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an isolation layer does not work here.
struct LayerFailure: Error {
    var reason: String
}

extension SandboxEnvironment {
    /// The OS boundary found for some options.
    struct Layers {
        var isolation: SandboxOptions.Isolation
        var bubblewrap: String?
        var namespacePrefix: [String]
    }

    /// The strongest boundary up to `options.isolation` that works here; a weaker one only with
    /// ``SandboxOptions/allowFewerLayers``.
    static func isolationLayers(_ options: SandboxOptions, asRoot: Bool) throws(CodeError) -> Layers {
        var reasons: [String] = []
        if options.isolation >= .bubblewrap {
            switch bubblewrapWorks(options.bubblewrap, asRoot: asRoot) {
            case .success(let path): return Layers(isolation: .bubblewrap, bubblewrap: path, namespacePrefix: [])
            case .failure(let failure): reasons.append(failure.reason)
            }
            if !options.allowFewerLayers {
                throw .layerUnavailable(
                    layer: "bubblewrap",
                    reason: reasons.joined(separator: "; ")
                        + " (install it: apt-get install bubblewrap, or `make deps` as root; or pass --unsafe-no-sandbox"
                        + " to run untrusted code with fewer layers)")
            }
        }
        if options.isolation >= .namespaces {
            switch unshareCommand(asRoot: asRoot) {
            case .success(let prefix): return Layers(isolation: .namespaces, bubblewrap: nil, namespacePrefix: prefix)
            case .failure(let failure): reasons.append(failure.reason)
            }
            if !options.allowFewerLayers {
                throw .layerUnavailable(
                    layer: "namespaces",
                    reason: reasons.joined(separator: "; ") + " (or pass --unsafe-no-sandbox to run untrusted code without them)")
            }
        }
        return Layers(isolation: .none, bubblewrap: nil, namespacePrefix: [])
    }

    /// The command that starts the sandbox's supervisor for a run in `directory`.
    func command(directory: String, tmpfsBytes: Int) -> [String] {
        let interpreter = [python, "-s", "-c", SandboxPreamble.source, directory]
        switch isolation {
        case .none: return interpreter
        case .namespaces: return namespacePrefix + interpreter
        case .bubblewrap:
            return Self.bubblewrapArguments(
                bwrap: bubblewrap ?? "bwrap", asRoot: geteuid() == 0, directory: directory,
                readOnly: Self.interpreterDirectories(python), tmpfsBytes: tmpfsBytes) + interpreter
        }
    }

    /// `bwrap` and its options for a run in `directory`: namespaces, a root of nothing but `/usr`, the
    /// top-level links into it (`/bin`, `/lib`, …), `readOnly`, `/proc`, `/dev`, three empty tmpfs and the
    /// run's directory.
    static func bubblewrapArguments(
        bwrap: String, asRoot: Bool, directory: String, readOnly: [String], tmpfsBytes: Int
    ) -> [String] {
        var arguments = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                         "--die-with-parent", "--hostname", "sandbox"]
        if asRoot {
            // The supervisor starts the tests and the solution under their own user ids and kills the
            // solution's process when the tests are over; nothing else.
            arguments += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
        } else {
            arguments += ["--unshare-user"]
        }
        arguments += ["--ro-bind", "/usr", "/usr"]
        let manager = FileManager.default
        for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            if let target = try? manager.destinationOfSymbolicLink(atPath: top) {
                arguments += ["--symlink", target, top]
            } else {
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: top, isDirectory: &isDirectory), isDirectory.boolValue {
                    arguments += ["--ro-bind", top, top]
                }
            }
        }
        for path in readOnly where !path.hasPrefix("/usr/") {
            arguments += ["--ro-bind", path, path]
        }
        arguments += ["--proc", "/proc", "--dev", "/dev"]
        for tmp in ["/tmp", "/var/tmp", "/dev/shm"] {
            arguments += ["--perms", "1777", "--size", String(tmpfsBytes), "--tmpfs", tmp]
        }
        arguments += ["--bind", directory, directory, "--chdir", directory]
        return arguments
    }

    /// What an interpreter outside `/usr` needs to be visible: the directory above its `bin/` (a
    /// virtual environment or an installation prefix), and that of the file it links to.
    static func interpreterDirectories(_ python: String) -> [String] {
        var found: [String] = []
        for path in [python, URL(fileURLWithPath: python).resolvingSymlinksInPath().path] {
            let bin = URL(fileURLWithPath: path).deletingLastPathComponent()
            let prefix = bin.lastPathComponent == "bin" ? bin.deletingLastPathComponent() : bin
            let text = prefix.path
            if text != "/", !text.hasPrefix("/usr"), !found.contains(text) { found.append(text) }
        }
        return found
    }

    /// The `bwrap` executable, if it runs `/bin/sh -c 'exit 0'` with the sandbox's options here.
    static func bubblewrapWorks(_ name: String, asRoot: Bool) -> Result<String, LayerFailure> {
        guard let bwrap = executablePath(name) else { return .failure(LayerFailure(reason: "no '\(name)' command (Debian package bubblewrap)")) }
        let directory = FileManager.default.temporaryDirectory.path
        let arguments = bubblewrapArguments(bwrap: bwrap, asRoot: asRoot, directory: directory, readOnly: [], tmpfsBytes: 1 << 20)
            + ["/bin/sh", "-c", "exit 0"]
        do {
            let outcome = try ChildProcess.run(
                executable: arguments[0], arguments: Array(arguments.dropFirst()),
                environment: ["PATH": "/usr/bin:/bin"], caps: [4096, 4096, 0, 0], wallSeconds: 10)
            guard !outcome.timedOut, outcome.waitStatus == 0 else {
                let message = String(decoding: outcome.streams[1].bytes, as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(LayerFailure(reason: "'\(bwrap)' does not run here: \(message.isEmpty ? "wait status \(outcome.waitStatus)" : message)"))
            }
        } catch {
            return .failure(LayerFailure(reason: "'\(bwrap)' cannot start: \(error)"))
        }
        return .success(bwrap)
    }

    /// `unshare` with new network and PID namespaces, if it works here (tried with `/bin/sh -c 'exit 0'`).
    static func unshareCommand(asRoot: Bool) -> Result<[String], LayerFailure> {
        guard let unshare = executablePath("unshare") else { return .failure(LayerFailure(reason: "no 'unshare' command (util-linux)")) }
        let prefix = [unshare] + (asRoot ? [] : ["--user", "--map-root-user"]) + ["--net", "--pid", "--fork", "--kill-child"]
        do {
            let outcome = try ChildProcess.run(
                executable: prefix[0], arguments: Array(prefix.dropFirst()) + ["/bin/sh", "-c", "exit 0"],
                environment: ["PATH": "/usr/bin:/bin"], caps: [4096, 4096, 0, 0], wallSeconds: 10)
            guard !outcome.timedOut, outcome.waitStatus == 0 else {
                let message = String(decoding: outcome.streams[1].bytes, as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(LayerFailure(reason: "'\(prefix.joined(separator: " "))' failed: \(message)"))
            }
        } catch {
            return .failure(LayerFailure(reason: "\(error)"))
        }
        return .success(prefix)
    }
}
