import Foundation
import QuorumCore

/// The append-only `paths.jsonl` of a run folder, opened for resuming.
///
/// Opening reads what an earlier sitting wrote: a last line without its newline (a write cut short by a
/// crash or `kill -9`) is removed from the file and reported in ``notes`` (its path is sampled again);
/// any other line that is not a path of this run (malformed JSON, an unknown problem, a path index outside
/// `0..<samples`, a (problem, path) pair seen before) is an error, and nothing is changed.
///
/// Writing keeps the file's invariant: the lines of one problem are consecutive (readers rely on it).
/// ``add(problem:lines:)`` writes a problem's new lines with one `write(2)` and then `fsync`s, appending
/// when the problem is new or is the file's last problem; adding to an earlier problem (only after a crash
/// that cut a problem short in an unusual place) rewrites the file with the lines merged, through a
/// temporary file renamed over it. Not thread-safe: one task writes.
public final class PathsLog {
    /// The file.
    public let path: String
    /// What opening found and repaired, for the user (e.g. the removed truncated line).
    public private(set) var notes: [String] = []
    /// The problems in file order, each with its lines by path index.
    private var groups: [(problem: String, lines: [Int: String])] = []
    private var groupIndex: [String: Int] = [:]
    private var fd: Int32 = -1

    /// Opens (creating if needed) the paths file at `path` of a run whose problems are `problems` (ids) with
    /// `samples` paths each.
    public init(path: String, problems: Set<String>, samples: Int) throws(RunError) {
        self.path = path
        var data = FileManager.default.contents(atPath: path) ?? Data()
        if let last = data.last, last != UInt8(ascii: "\n") {
            let keep = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            let lineNumber = data[..<keep].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } + 1
            guard truncate(path, off_t(keep)) == 0 else {
                throw .io(path: path, operation: "remove the truncated last line", reason: String(cString: strerror(errno)))
            }
            notes.append(
                "\(path):\(lineNumber): removed a truncated last line (\(data.count - keep) bytes without a newline: "
                    + "an interrupted write); its path is sampled again")
            data = data.prefix(keep)
        }
        var interleaved = false
        let decoder = JSONDecoder.pathsDecoder()
        for line in JSONLines.lines(of: data) {
            let location = SourceLocation(file: path, line: line.number)
            let record: ReasoningPath
            do {
                record = try decoder.decodeUTF8(ReasoningPath.self, from: line.bytes)
            } catch {
                throw .damagedPaths(location, reason: "not a path record (\(Self.describe(error)))")
            }
            guard problems.contains(record.problem) else {
                throw .damagedPaths(location, reason: "problem \(record.problem) is not among this run's problems")
            }
            guard (0..<samples).contains(record.path) else {
                throw .damagedPaths(location, reason: "path index \(record.path) is outside 0..<\(samples)")
            }
            let text = String(decoding: line.bytes, as: UTF8.self)
            if let g = groupIndex[record.problem] {
                guard groups[g].lines[record.path] == nil else {
                    throw .damagedPaths(location, reason: "path \(record.path) of problem \(record.problem) appears twice")
                }
                if g != groups.count - 1 { interleaved = true }
                groups[g].lines[record.path] = text
            } else {
                groupIndex[record.problem] = groups.count
                groups.append((record.problem, [record.path: text]))
            }
        }
        if interleaved {
            try rewrite()
            notes.append("\(path): regrouped lines so that each problem's paths are consecutive (nothing removed)")
        }
        try reopen()
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// The path indices already in the file for `problem`.
    public func paths(of problem: String) -> Set<Int> {
        groupIndex[problem].map { Set(groups[$0].lines.keys) } ?? []
    }

    /// Number of path lines in the file.
    /// The records of `problem`'s written paths, by path index (lines that no longer decode are left out;
    /// every line was decoded when read or written).
    public func records(of problem: String) -> [Int: ReasoningPath] {
        guard let g = groupIndex[problem] else { return [:] }
        let decoder = JSONDecoder.pathsDecoder()
        var out: [Int: ReasoningPath] = [:]
        for (index, line) in groups[g].lines {
            if let record = try? decoder.decode(ReasoningPath.self, from: Data(line.utf8)) { out[index] = record }
        }
        return out
    }

    public var count: Int { groups.reduce(0) { $0 + $1.lines.count } }

    /// Writes `lines` (path index → line without newline) of `problem`, flushed to disk before returning.
    public func add(problem: String, lines: [Int: String]) throws(RunError) {
        guard !lines.isEmpty else { return }
        if let g = groupIndex[problem] {
            for p in lines.keys where groups[g].lines[p] != nil {
                throw .damagedPaths(SourceLocation(file: path), reason: "path \(p) of problem \(problem) is already written")
            }
            groups[g].lines.merge(lines) { old, _ in old }
            if g != groups.count - 1 {
                try rewrite()
                try reopen()
                return
            }
        } else {
            groupIndex[problem] = groups.count
            groups.append((problem, lines))
        }
        let text = lines.keys.sorted().map { lines[$0]! + "\n" }.joined()
        try FileDescriptorIO.writeAll(fd, Data(text.utf8), path: path)
        try FileDescriptorIO.sync(fd, path: path)
    }

    /// Replaces the file with its groups in order, each group's lines by path index.
    private func rewrite() throws(RunError) {
        let text = groups.map { g in g.lines.keys.sorted().map { g.lines[$0]! + "\n" }.joined() }.joined()
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        try RunFolder.writeAtomically(Data(text.utf8), to: path)
    }

    private func reopen() throws(RunError) {
        if fd >= 0 { close(fd) }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "open for appending", reason: String(cString: strerror(errno))) }
    }

    /// A short account of a decoding error.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        switch error {
        case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let name = context.codingPath.map(\.stringValue).joined(separator: ".")
            return name.isEmpty ? "not a JSON object" : "field \"\(name)\" has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is invalid"
        @unknown default: return "not valid JSON"
        }
    }
}
