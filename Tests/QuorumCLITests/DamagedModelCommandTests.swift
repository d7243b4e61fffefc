import Foundation
import QuorumTestSupport
import Testing

/// `generate` and `run` on damaged copies of smollm2-135m. Before issue 15 a NaN norm weight loaded,
/// `generate` printed `mean logprob nan` and exited 0, and `run` wrote bare `NaN` into paths.jsonl.
@Suite(.serialized) struct DamagedModelCommandTests {
    static let model = "smollm2-135m"

    /// A copy of the model in a fresh directory, damaged by `patch` (given the tensor table), and the directory.
    static func damagedCopy(_ patch: (GGUFTensorTable) throws -> [(Int, [UInt8])]) throws -> (path: String, dir: String) {
        try CLI.requireModel(model)
        let source = CLI.home + "/models/\(model).gguf"
        let dir = try RunCommandTests.temporaryDirectory()
        let path = dir + "/damaged-smollm2.gguf"
        try GGUFTensorTable.damagedCopy(of: source, to: path, patches: try patch(GGUFTensorTable(file: source)))
        return (path, dir)
    }

    /// NaN at element 3 of blk.0.attn_norm.weight (an F32 vector decoded at load).
    static func nanNorm(_ table: GGUFTensorTable) throws -> [(Int, [UInt8])] {
        let t = try #require(table.entries["blk.0.attn_norm.weight"])
        #expect(t.type == 0)  // F32
        return [(t.dataOffset + 4 * 3, GGUFTensorTable.bytes(Float.nan))]
    }

    /// A NaN block scale in row 1000 of token_embd (Q8_0, also the output matrix): token 1000's logit is NaN.
    static func nanLogit(_ table: GGUFTensorTable) throws -> [(Int, [UInt8])] {
        let t = try #require(table.entries["token_embd.weight"])
        #expect(t.type == 8)  // Q8_0: 34-byte blocks of 32
        return [(t.dataOffset + 1000 * (t.dims[0] / 32) * 34, GGUFTensorTable.halfNaN)]
    }

    @Test func generateRefusesANonFiniteNormWeightNamingTensorAndModel() throws {
        let (path, dir) = try Self.damagedCopy(Self.nanNorm)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["generate", "--model", path, "--prompt", "2 + 2 =", "--greedy", "--max-tokens", "4"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(path): tensor 'blk.0.attn_norm.weight' holds nan at element 3"), "\(r.stderr)")
        #expect(!r.stdout.contains("nan"), "\(r.stdout)")
    }

    @Test func generateStopsAtTheFirstNonFiniteLogitNamingModelAndStep() throws {
        let (path, dir) = try Self.damagedCopy(Self.nanLogit)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for extra in [[String](), ["--json"]] {
            let r = try CLI.run(["generate", "--model", path, "--prompt", "2 + 2 =", "--greedy", "--max-tokens", "4"] + extra)
            #expect(r.status != 0, "\(extra)")
            #expect(r.stderr.contains("model damaged-smollm2 computed a non-finite logit (nan for token 1000) at step "), "\(r.stderr)")
            #expect(!r.stdout.lowercased().contains("nan"), "\(r.stdout)")
        }
    }

    @Test func runStopsAtANonFiniteLogitAndWritesNoNaN() throws {
        let (path, dir) = try Self.damagedCopy(Self.nanLogit)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/run"
        let r = try CLI.run(try RunCommandTests.arguments(out: out, in: dir, model: path, ["--quiet"]))
        #expect(r.status != 0)
        #expect(r.stderr.contains("computed a non-finite logit"), "\(r.stderr)")
        let paths = String(decoding: FileManager.default.contents(atPath: out + "/paths.jsonl") ?? Data(), as: UTF8.self)
        #expect(!paths.contains("NaN"))
        for line in paths.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
        let manifest = try #require(FileManager.default.contents(atPath: out + "/run.json"))
        #expect((try? JSONSerialization.jsonObject(with: manifest)) != nil)
    }
}

/// `--model` naming a FIFO, a directory or /dev/zero: refused at once with what it is. A FIFO used to hang
/// the command in open(2) until a writer came.
@Suite(.serialized) struct ModelFileKindCommandTests {
    @Test func aFIFOAsModelIsRefusedAtOnceByGenerateRunAndModelsInfo() throws {
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/model.gguf"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Releases a reader stuck in open(2) after 10 s, so that the bug fails the test instead of hanging it.
        let rescuer = Thread {
            while !Thread.current.isCancelled {
                Thread.sleep(forTimeInterval: 10)
                let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
            }
        }
        rescuer.start()
        defer { rescuer.cancel() }
        for arguments in [
            ["generate", "--model", fifo, "--prompt", "hi", "--max-tokens", "1"],
            ["models", "info", fifo],
            try RunCommandTests.arguments(out: dir + "/run", in: dir, model: fifo, ["--quiet"]),
        ] {
            let start = Date()
            let r = try CLI.run(arguments)
            #expect(Date().timeIntervalSince(start) < 8, "\(arguments[0]) waited on the FIFO")
            #expect(r.status != 0)
            #expect(r.stderr.contains("\(fifo): is a FIFO (named pipe), not a regular file"), "\(arguments[0]): \(r.stderr)")
        }
    }

    @Test func aDirectoryOrADeviceAsModelIsNamedForWhatItIs() throws {
        let dir = try RunCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (model, kind) in [(dir, "a directory"), ("/dev/zero", "a character device")] {
            let r = try CLI.run(["generate", "--model", model, "--prompt", "hi", "--max-tokens", "1"])
            #expect(r.status != 0)
            #expect(r.stderr.contains("\(model): is \(kind), not a regular file"), "\(r.stderr)")
        }
    }
}
