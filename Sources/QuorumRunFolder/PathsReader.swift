import Foundation
import QuorumCore

/// Reads a paths file (JSON Lines, one ``ReasoningPath`` per line; spec formats.md) line by line and
/// groups the consecutive lines of each problem.
///
/// A group is complete when a line of another problem arrives or the input ends, so a streaming consumer can
/// act on each problem without waiting for the whole file. What can go wrong, and what happens:
/// - a line that is not JSON, with no newline after it, is the truncated last line of an interrupted
///   write: it is reported in ``warnings`` and ignored (formats.md);
/// - a line that is not a JSON object with a string `problem` anywhere else: ``PathsFileError`` (the line
///   cannot be pinned on a problem, so nothing after it can be trusted);
/// - a line of a known problem that is unusable (a field missing or of the wrong type, `mean_logprob`
///   NaN or above 0, a repeated path index, a gold that disagrees with the problem's other lines): a
///   ``Rejection`` in that problem's ``PathGroup/rejections``; consumers skip such problems and report them;
/// - a problem whose lines resume after another problem began: ``PathsFileError/interleaved(_:problem:firstLine:interruptedBy:)``.
///
/// Non-standard tokens written by Python's `json` (`-Infinity`, `NaN`) are read, so that a path with
/// zero probability (`mean_logprob: -Infinity`) is accepted and a NaN is reported as such. A line may carry
/// the problem's gold answer in an optional `"gold"` field (a string or a number).
public struct PathsReader: Sendable {
    /// The file name used in locations.
    public let file: String
    /// Lines reported and ignored (the truncated last line).
    public private(set) var warnings: [Rejection] = []
    private var current: PathGroup?
    /// First line of every problem seen so far.
    private var firstLines: [String: Int] = [:]
    private let decoder: JSONDecoder

    public init(file: String) {
        self.file = file
        self.decoder = JSONDecoder.pathsDecoder()
    }

    /// Reads one line; returns the previous problem's group when this line begins another problem.
    public mutating func read(_ line: NumberedLine) throws(PathsFileError) -> PathGroup? {
        let location = SourceLocation(file: file, line: line.number)
        // Read exactly as well: JSONDecoder keeps the last of two equal keys silently, turns numbers into
        // Double (a gold beyond 2^53 loses digits) and calls a number that does not fit an Int field
        // "not valid JSON" without naming the field.
        let bytes = [UInt8](line.bytes)
        var exact: ExactJSON?
        var duplicate: (key: String, location: SourceLocation, first: SourceLocation)?
        guard JSONDecoder.isUTF8(line.bytes) else {
            guard line.terminated else { return truncated(at: location) }
            throw .unreadableLine(location, reason: "not valid JSON: not UTF-8 text")
        }
        do throws(ExactJSON.Failure) {
            exact = try ExactJSON.parse(bytes, allowNonFinite: true)
        } catch {
            switch error.reason {
            case .duplicateKey(let key, let first):
                duplicate = (key, Self.column(error.offset, in: bytes, at: location), Self.column(first, in: bytes, at: location))
            case .syntax, .tooDeep:
                // The exact parser decides what is JSON, never Foundation's decoder: that one validates some
                // numbers only when a field asks for them, in dictionary order, so the same bad line could be
                // one problem's rejection in one read and the file's end in the next (found by make fuzz).
                guard line.terminated else { return truncated(at: location) }
                let detail: String
                switch error.reason {
                case .syntax(let text): detail = text
                default: detail = "more than \(ExactJSON.maximumDepth) levels of nesting"
                }
                throw .unreadableLine(Self.column(error.offset, in: bytes, at: location), reason: "not valid JSON: \(detail)")
            }
        }
        var parsed: DecodedPathLine
        do {
            parsed = try decoder.decodeUTF8(DecodedPathLine.self, from: line.bytes)
        } catch let error as DecodingError {
            var reason = Self.describe(error, malformed: "not valid JSON")
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let exact {
                reason = Self.integerProblem(in: exact) ?? "a value does not fit its field (valid JSON)"
            }
            // Valid JSON of a known problem that does not decode: a rejection of that problem, not the file's end.
            guard let exact, case .string(let problem)? = exact["problem"] else {
                throw .unreadableLine(location, reason: reason)
            }
            parsed = DecodedPathLine(problem: problem, failure: reason)
        } catch {
            throw .unreadableLine(location, reason: "not valid JSON")
        }
        if let duplicate {
            let reason = "duplicate key \"\(duplicate.key)\" (given at \(duplicate.first.line ?? 0):\(duplicate.first.column ?? 0)"
                + " and again at \(duplicate.location.line ?? 0):\(duplicate.location.column ?? 0))"
            guard duplicate.key != "problem", let problem = parsed.problem else {
                throw .unreadableLine(duplicate.location, reason: reason)
            }
            parsed = DecodedPathLine(problem: problem, failure: reason)
        } else if case .number(let text)? = exact?["gold"], parsed.goldError == nil, Self.isIntegerLiteral(text) {
            parsed.gold = text == "-0" ? "0" : text  // every digit, not a Double's
        }
        if case .failure(let failure) = parsed.path, failure.reason == "not valid JSON", let exact {
            parsed.path = .failure(DecodedPathLine.LineFailure(
                reason: Self.integerProblem(in: exact) ?? "a value does not fit its field (valid JSON)"))
        }
        guard let problem = parsed.problem else {
            throw .unreadableLine(location, reason: "no string field \"problem\": the line cannot be attributed")
        }
        var completed: PathGroup?
        if current?.problem != problem {
            if let firstLine = firstLines[problem] {
                throw .interleaved(
                    location, problem: problem, firstLine: firstLine, interruptedBy: current?.problem ?? "")
            }
            completed = current
            current = PathGroup(problem: problem, firstLine: line.number)
            firstLines[problem] = line.number
        }
        current!.add(parsed, location: location)
        return completed
    }

    /// Records the unterminated last line at `location` as truncated (an interrupted write) and ignores it.
    private mutating func truncated(at location: SourceLocation) -> PathGroup? {
        warnings.append(Rejection(
            location: location,
            reason: "truncated last line (no newline and not valid JSON: an interrupted write?); ignored"))
        return nil
    }

    /// Ends the input; returns the last problem's group, if any.
    public mutating func finish() -> PathGroup? {
        defer { current = nil }
        return current
    }

    /// Reads a whole file's bytes.
    public static func read(
        _ data: Data, file: String
    ) throws(PathsFileError) -> (groups: [PathGroup], warnings: [Rejection]) {
        var reader = PathsReader(file: file)
        var groups: [PathGroup] = []
        for line in JSONLines.lines(of: data) {
            if let group = try reader.read(line) { groups.append(group) }
        }
        if let group = reader.finish() { groups.append(group) }
        return (groups, reader.warnings)
    }

    /// Reads the file at `path`.
    public static func read(file path: String) throws(PathsFileError) -> (groups: [PathGroup], warnings: [Rejection]) {
        switch RegularFile.read(path) {
        case .success(let data): return try read(data, file: path)
        case .failure(let failure): throw .unreadable(file: path, reason: failure.reason)
        }
    }

    /// `location` with the line and column of byte `offset` of the line's `bytes` (columns in Unicode scalars).
    static func column(_ offset: Int, in bytes: [UInt8], at location: SourceLocation) -> SourceLocation {
        var column = 1
        for b in bytes.prefix(offset) where b & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(file: location.file, line: location.line, column: column)
    }

    /// Whether `text` is a JSON integer literal (digits with an optional `-`).
    static func isIntegerLiteral(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The first integer field of a path line (`path`, `tokens[i]`, the token counts of `cost`) whose number
    /// is not an integer that fits in 64 bits, described: `field "path" is 1e30, not an integer (…)`.
    static func integerProblem(in line: ExactJSON) -> String? {
        func check(_ value: ExactJSON?, _ name: String) -> String? {
            guard case .number(let text)? = value else { return nil }
            if isIntegerLiteral(text), Int(text) != nil { return nil }
            return "field \"\(name)\" is \(text), not an integer between -2^63 and 2^63-1"
        }
        if let problem = check(line["path"], "path") { return problem }
        if case .array(let tokens)? = line["tokens"] {
            for (i, token) in tokens.enumerated() {
                if let problem = check(token, "tokens[\(i)]") { return problem }
            }
        }
        if let cost = line["cost"] {
            for key in ["prompt_tokens", "generated_tokens", "switches", "extra_forward_passes", "changed_steps",
                "requests", "extra_model_calls"]
            {
                if let problem = check(cost[key], "cost.\(key)") { return problem }
            }
            if case .object(let models)? = cost["per_model"] {
                for model in models {
                    for key in ["generated", "prefilled", "prompt"] {
                        if let problem = check(model.value[key], "cost.per_model.\(model.key).\(key)") { return problem }
                    }
                }
            }
        }
        return nil
    }

    /// A readable account of a decoding error: which field, and what is wrong with it.
    static func describe(_ error: DecodingError, malformed: String) -> String {
        func name(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \"\(name(context.codingPath + [key]))\""
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return "not a JSON object" }
            return "field \"\(name(context.codingPath))\" is not \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "field \"\(name(context.codingPath))\" is null, expected \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return malformed }
            return "field \"\(name(context.codingPath))\": \(context.debugDescription)"
        @unknown default:
            return malformed
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        default: "of the expected type"
        }
    }
}

extension PathGroup {
    /// Adds a decoded line of this problem, or records why it cannot be used.
    mutating func add(_ line: DecodedPathLine, location: SourceLocation) {
        func reject(_ reason: String) { rejections.append(Rejection(location: location, reason: reason)) }
        if let goldError = line.goldError { return reject(goldError) }
        if let lineGold = line.gold {
            if let gold, gold != lineGold {
                return reject("gold \"\(lineGold)\" differs from this problem's earlier gold \"\(gold)\"")
            }
            gold = lineGold
        }
        let path: ReasoningPath
        switch line.path {
        case .failure(let failure): return reject(failure.reason)
        case .success(let value): path = value
        }
        if path.meanLogprob.isNaN { return reject("mean_logprob is NaN") }
        if path.meanLogprob > 0 {
            return reject("mean_logprob \(path.meanLogprob) is above 0, so it is not a log-probability")
        }
        if path.path < 0 { return reject("path index \(path.path) is negative") }
        if let score = path.score, !score.isFinite { return reject("score \(score) is not finite") }
        if let earlier = paths.firstIndex(where: { $0.path == path.path }) {
            return reject("path \(path.path) appears twice in problem \(problem) (lines \(lines[earlier]) and \(location.line ?? 0))")
        }
        paths.append(path)
        lines.append(location.line ?? 0)
    }
}

/// One decoded line: the problem it belongs to, the path or why it is unusable, and the optional gold.
struct DecodedPathLine: Decodable {
    var problem: String?
    var path: Result<ReasoningPath, LineFailure>
    var gold: String?
    var goldError: String?

    struct LineFailure: Error { var reason: String }

    /// A line of `problem` that cannot be used, for `reason`.
    init(problem: String, failure reason: String) {
        self.problem = problem
        self.path = .failure(LineFailure(reason: reason))
    }

    enum Key: String, CodingKey { case problem, gold }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        problem = try? container.decode(String.self, forKey: .problem)
        if container.contains(.gold), !((try? container.decodeNil(forKey: .gold)) ?? false) {
            if let text = try? container.decode(String.self, forKey: .gold) {
                gold = text
            } else if let number = try? container.decode(Double.self, forKey: .gold), number.isFinite {
                gold = number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
            } else {
                goldError = "field \"gold\" is neither a string nor a finite number"
            }
        }
        do {
            path = .success(try ReasoningPath(from: decoder))
        } catch let error as DecodingError {
            path = .failure(LineFailure(reason: PathsReader.describe(error, malformed: "not valid JSON")))
        }
    }
}
