/// Why a GGUF file could not be read. Every case names where in the file the problem is.
public enum GGUFError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notGGUF(path: String)
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ends before a field that the header says is there.
    case truncated(path: String, offset: Int, reading: String)
    case invalidString(path: String, offset: Int)
    case invalidValueType(path: String, offset: Int, key: String, type: UInt32)
    case duplicateKey(path: String, key: String)
    case invalidTensor(path: String, name: String, reason: String)
    case unsupportedTensorType(path: String, name: String, type: UInt32)
    case invalidMetadata(path: String, key: String, reason: String)
    /// The tokenizer named by `key` (`tokenizer.ggml.model` or `tokenizer.ggml.pre`) is not implemented.
    case unsupportedTokenizer(path: String, key: String, value: String, supported: [String])
    /// The model's architecture (`general.architecture`) is not one the engine can run.
    case unsupportedArchitecture(path: String, architecture: String, reason: String)
    /// A tensor the architecture needs is not in the file.
    case missingTensor(path: String, name: String)
    /// A float tensor decoded at load (a norm or bias vector) holds NaN or ±∞ at element `index`: the model
    /// is damaged and would only produce NaN.
    case nonFiniteTensor(path: String, name: String, index: Int, value: Float)
    /// Two tensors' data ranges (byte offsets from the start of the file) overlap: one tensor's bytes would be
    /// read as another's.
    case overlappingTensors(path: String, first: String, firstRange: Range<Int>, second: String, secondRange: Range<Int>)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "\(path): cannot open: \(reason)"
        case .notGGUF(let path):
            "\(path): not a GGUF file (the first four bytes are not \"GGUF\")"
        case .unsupportedVersion(let path, let version):
            "\(path): GGUF version \(version) is not supported (versions 2 and 3 are)"
        case .truncated(let path, let offset, let what):
            "\(path): truncated or corrupt: \(what) at byte \(offset) runs past the end of the file"
        case .invalidString(let path, let offset):
            "\(path): corrupt string at byte \(offset) (bad length or invalid UTF-8)"
        case .invalidValueType(let path, let offset, let key, let type):
            "\(path): metadata key '\(key)' at byte \(offset) has unknown value type \(type)"
        case .duplicateKey(let path, let key):
            "\(path): metadata key or tensor name '\(key)' appears twice"
        case .invalidTensor(let path, let name, let reason):
            "\(path): tensor '\(name)': \(reason)"
        case .unsupportedTensorType(let path, let name, let type):
            "\(path): tensor '\(name)' has GGML type \(type), which Quorum does not support"
        case .invalidMetadata(let path, let key, let reason):
            "\(path): metadata '\(key)': \(reason)"
        case .unsupportedTokenizer(let path, let key, let value, let supported):
            "\(path): \(key) = '\(value)' is not supported (Quorum supports: \(supported.joined(separator: ", ")))"
        case .unsupportedArchitecture(let path, let architecture, let reason):
            "\(path): architecture '\(architecture)' is not supported: \(reason)"
        case .missingTensor(let path, let name):
            "\(path): tensor '\(name)' is missing"
        case .nonFiniteTensor(let path, let name, let index, let value):
            "\(path): tensor '\(name)' holds \(value) at element \(index); a model with non-finite weights is "
                + "damaged (re-download or re-convert it)"
        case .overlappingTensors(let path, let first, let firstRange, let second, let secondRange):
            "\(path): corrupt tensor table: the data of '\(second)' (bytes \(secondRange.lowerBound)..<"
                + "\(secondRange.upperBound)) overlaps that of '\(first)' (bytes \(firstRange.lowerBound)..<"
                + "\(firstRange.upperBound))"
        }
    }
}
