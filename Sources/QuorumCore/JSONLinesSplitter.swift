import Foundation

/// Splits a JSON Lines byte stream into numbered lines as chunks arrive, so that a reader can act on a line
/// as soon as it is complete (e.g. `quorum select -` reading from a pipe).
///
/// Gives the same lines as ``JSONLines/lines(of:)`` on the whole stream: blank lines are counted but not
/// returned, a `\r` before `\n` is dropped, and a last line without `\n` is marked unterminated.
public struct JSONLinesSplitter: Sendable {
    private var pending = Data()
    private var nextNumber = 1

    public init() {}

    /// The lines completed by `chunk`.
    public mutating func append(_ chunk: Data) -> [NumberedLine] {
        var lines: [NumberedLine] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if let line = Self.line(pending, number: nextNumber, terminated: true) { lines.append(line) }
                pending.removeAll(keepingCapacity: true)
                nextNumber += 1
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    /// The last line when the stream did not end with a newline.
    public mutating func finish() -> NumberedLine? {
        defer { pending.removeAll() }
        return Self.line(pending, number: nextNumber, terminated: false)
    }

    private static func line(_ bytes: Data, number: Int, terminated: Bool) -> NumberedLine? {
        var slice = bytes[...]
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        return NumberedLine(number: number, bytes: Data(slice), terminated: terminated)
    }
}
