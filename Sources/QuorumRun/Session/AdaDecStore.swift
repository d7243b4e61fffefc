import Foundation
import QuorumDecode
import QuorumEngine
import QuorumRunFolder

/// Stored AdaDec calibrations: `$QUORUM_HOME/adadec/SHA256-TEMPLATEHASH.json` for the full entropy,
/// `SHA256-TEMPLATEHASH-topK.json` for the top-K estimate.
public struct AdaDecStore: Sendable {
    /// What a calibration is stored under.
    public struct Key: Sendable {
        /// SHA-256 of the GGUF file.
        public let modelSHA256: String
        /// The first 16 hex digits of the SHA-256 of the template's text and stop strings.
        public let templateHash: String
        /// The entropy the calibration was learned on.
        public let entropy: EntropyEstimate
        /// The key of a model file and a template.
        public init(modelSHA256: String, template: PromptTemplate, entropy: EntropyEstimate = .full) {
            self.modelSHA256 = modelSHA256
            self.entropy = entropy
            var h = SHA256()
            h.update(Array((template.text + "\u{0}" + template.stop.joined(separator: "\u{0}")).utf8))
            templateHash = String(h.hexDigest().prefix(16))
        }
    }

    /// A stored calibration.
    public struct Entry: Codable, Sendable {
        public var model: String
        public var template: String
        public var taskSet: String
        public var offset: Int
        public var problems: Int
        public var skipped: Int
        public var calibration: AdaDecCalibration
        /// `full` or `topK` (absent in files written before the option: full).
        public var entropy: String?

        /// An entry; see the properties.
        public init(
            model: String, template: String, taskSet: String, offset: Int, problems: Int, skipped: Int,
            calibration: AdaDecCalibration, entropy: String?
        ) {
            self.model = model
            self.template = template
            self.taskSet = taskSet
            self.offset = offset
            self.problems = problems
            self.skipped = skipped
            self.calibration = calibration
            self.entropy = entropy
        }
    }

    /// The store under `$QUORUM_HOME/adadec`.
    public init() {}

    /// `$QUORUM_HOME/adadec`.
    public let directory = ModelStore().home + "/adadec"

    /// The file of `key`.
    public func file(_ key: Key) -> String {
        let kind = key.entropy == .full ? "" : "-\(key.entropy)"
        return "\(directory)/\(key.modelSHA256)-\(key.templateHash)\(kind).json"
    }

    /// Stores `entry` under `key` (atomically).
    public func save(_ entry: Entry, _ key: Key) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try RunFolder.writeAtomically(try encoder.encode(entry) + Data("\n".utf8), to: file(key))
    }

    /// The entry stored under `key`.
    /// - Throws: ``RunError/invalidSettings(_:)`` when there is none or it cannot be read.
    public func load(_ key: Key) throws(RunError) -> Entry {
        let path = file(key)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidSettings(
                "no AdaDec calibration for this model and template (\(path)); run `quorum adadec calibrate` or give --threshold")
        }
        do {
            return try JSONDecoder().decode(Entry.self, from: data)
        } catch {
            throw .invalidSettings("\(path): not an AdaDec calibration (\(error))")
        }
    }
}
