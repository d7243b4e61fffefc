// libFuzzer target: a GGUF file through GGUFFile(path:) and what loading a model reads of it next
// (ModelInfo, ModelConfig, the tokenizer: encode and decode), then every tensor's byte range, which must lie in the file.
// GGUFFile maps a path, so each input is written to a scratch file first.
import Foundation
import QuorumEngine
#if canImport(Glibc)
import Glibc
#endif

let scratch = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/quorum-fuzz-gguf-\(getpid()).gguf"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot write \(scratch)")
    var written = 0
    while written < count {
        let n = write(fd, start! + written, count - written)
        precondition(n > 0, "cannot write \(scratch)")
        written += n
    }
    close(fd)
    guard let file = try? GGUFFile(path: scratch) else { return 0 }
    let mapped = file.file.bytes
    for tensor in file.tensors {
        let range = file.bytes(of: tensor)
        guard range.count > 0, let start = range.baseAddress, let base = mapped.baseAddress else { continue }
        precondition(start >= base && start + range.count <= base + mapped.count,
                     "tensor \(tensor.name) lies outside the file")
        _ = range[0]
        _ = range[range.count - 1]
    }
    _ = ModelInfo(gguf: file)
    _ = try? ModelConfig(file: file)
    if let tokenizer = try? Tokenizer(gguf: file) {
        // A tokenizer read from the file encodes text and decodes ids, known or not.
        let ids = tokenizer.encode("Q: 12 + 30 = ?\nA: 42 ü", parseSpecial: true)
        _ = tokenizer.decode(ids)
        _ = tokenizer.decode(Array(0..<min(tokenizer.vocabularySize, 64)) + [-1, tokenizer.vocabularySize])
    }
    return 0
}
