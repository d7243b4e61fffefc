// libFuzzer target: JSON Lines and JSON-array task files through TaskLoader.load(data:), as `quorum` loads a task file.
// An input whose first line is `#fields SPEC<TAB>SPEC…` is loaded with that --field mapping.
import Foundation
import QuorumCore
import QuorumTasks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTaskJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    var data = Data(buffer: bytes)
    var options = TaskLoadOptions()
    let header = Data("#fields ".utf8)
    if data.starts(with: header) {
        let end = data.firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
        let specs = String(decoding: data[header.count..<end], as: UTF8.self).split(separator: "\t").map(String.init)
        guard let mapping = try? FieldMapping(parsing: specs) else { return 0 }
        options.mapping = mapping
        data = Data(data[min(end + 1, data.endIndex)...])
    }
    guard let set = try? TaskLoader.load(data: data, source: "fuzz/task", options: options) else { return 0 }
    // What a run writes of a task set must be JSON.
    do { _ = try JSONEncoder().encode(set) } catch { preconditionFailure("a loaded task set does not encode: \(error)") }
    return 0
}
