/// Collects a completion's bytes and finds the first stop string in them, also when a stop string spans
/// several tokens or a token boundary splits a UTF-8 character. Matching is on bytes, so it is exact.
public struct StopStringMatcher: Sendable {
    private let stops: [[UInt8]]
    private let longest: Int
    /// The completion's bytes so far.
    public private(set) var bytes: [UInt8] = []
    /// Where the first stop string begins, once one has appeared.
    public private(set) var cut: Int?

    /// A matcher for `stops`.
    public init(stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }
        longest = self.stops.map(\.count).max() ?? 0
    }

    /// Appends `new` and reports whether a stop string is now complete.
    public mutating func append(_ new: [UInt8]) -> Bool {
        guard cut == nil else { return true }
        let old = bytes.count
        bytes += new
        guard longest > 0 else { return false }
        // A stop string completed now ends in the new bytes, so it starts at most longest − 1 bytes earlier.
        let first = max(0, old - longest + 1)
        for start in first..<bytes.count {
            for stop in stops where start + stop.count <= bytes.count && start + stop.count > old {
                if bytes[start..<(start + stop.count)].elementsEqual(stop) {
                    cut = start
                    return true
                }
            }
        }
        return false
    }

    /// The text before the first stop string (all of it when none appeared).
    public var text: String { String(decoding: bytes[..<(cut ?? bytes.count)], as: UTF8.self) }
}
