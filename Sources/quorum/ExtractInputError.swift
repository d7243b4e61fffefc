import QuorumCore

/// Why `quorum extract` could not use a record or its input.
enum ExtractInputError: Error, CustomStringConvertible {
    /// The input file could not be read.
    case unreadable(path: String, reason: String)
    /// A line is not a JSON object (invalid UTF-8, malformed or truncated JSON, not an object).
    case malformedLine(SourceLocation, JSONLines.LineError)
    /// A record has no `text` field.
    case missingText(SourceLocation)
    /// A record's `text` is not a string.
    case textNotString(SourceLocation)
    /// A record's `choices` field has a shape that is not understood.
    case badChoices(SourceLocation, reason: String)
    /// A `--choices` value could not be used.
    case badChoiceOption(String)
    /// Every record that could not be used, reported together (nothing was written).
    case rejected([ExtractInputError])

    var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .malformedLine(let location, let error): "\(location): \(error)"
        case .missingText(let location): "\(location): no \"text\" field"
        case .textNotString(let location): "\(location): \"text\" is not a string"
        case .badChoices(let location, let reason): "\(location): \"choices\": \(reason)"
        case .badChoiceOption(let reason): "--choices: \(reason)"
        case .rejected(let failures):
            (failures.map(\.description) + [
                failures.count == 1
                    ? "1 record could not be used; nothing was written"
                    : "\(failures.count) records could not be used; nothing was written"
            ]).joined(separator: "\n")
        }
    }
}
