/// A place in an input file, for error messages: `file:line[:column]`.
public struct SourceLocation: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The file's path as the user gave it.
    public var file: String
    /// 1-based line number, or `nil` when the whole file is meant.
    public var line: Int?
    /// 1-based column number (XML), or `nil`.
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text
    }
}

/// A record that a loader could not turn into a value, with where it was and why.
public struct Rejection: Sendable, Codable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var reason: String

    public init(location: SourceLocation, reason: String) {
        self.location = location
        self.reason = reason
    }

    public var description: String { "\(location): \(reason)" }
}
