// libFuzzer target: a run's paths.jsonl through PathsReader, whole and line by line as `quorum` reads it.
import Foundation
import QuorumCore
import QuorumRunFolder

/// A group with its rejections' reasons left out: which bad field of a `params` object Foundation names first
/// depends on its dictionary order, which differs between two decodings of the same bytes.
func comparable(_ group: PathGroup) -> PathGroup {
    var copy = group
    copy.rejections = group.rejections.map { Rejection(location: $0.location, reason: "") }
    return copy
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPaths(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    let data = Data(buffer: bytes)
    let whole = try? PathsReader.read(data, file: "fuzz/paths.jsonl")
    // The streaming reader, fed in two chunks split at the first byte's value, must agree with the whole read.
    var splitter = JSONLinesSplitter()
    let cut = count == 0 ? 0 : Int(bytes[0]) % (count + 1)
    var lines = splitter.append(data.prefix(cut))
    lines += splitter.append(data.dropFirst(cut))
    if let last = splitter.finish() { lines.append(last) }
    var reader = PathsReader(file: "fuzz/paths.jsonl")
    var groups: [PathGroup] = []
    do {
        for line in lines { if let group = try reader.read(line) { groups.append(group) } }
        if let group = reader.finish() { groups.append(group) }
        precondition(whole != nil, "the streaming read succeeded where the whole read failed")
        precondition(whole!.groups.map(comparable) == groups.map(comparable), "the streaming read differs from the whole read")
    } catch {
        precondition(whole == nil, "the streaming read failed where the whole read succeeded: \(error)")
    }
    for group in groups { _ = group.pathsInSamplingOrder; _ = group.isUsable }
    return 0
}
