import ArgumentParser
import QuorumCore

/// Why a `quorum` command stopped, as opposed to bad arguments (ArgumentParser's `ValidationError`): the one
/// error type of the executable, with a case per failure and the message each prints.
///
/// Where the message goes is the command's choice: thrown out of `run()` it is printed by ArgumentParser as
/// `Error: MESSAGE` (exit status 1); `quorum select` and `quorum eval` print it as `error: MESSAGE` with exit
/// status 2 (``reported(status:_:)``); `quorum run` prints every error as `error: MESSAGE` (status 1).
enum CommandError: Error, CustomStringConvertible {
    /// A failure told by its message: a library error's description, or the command's own words.
    case failed(String)
    /// A file could not be opened for reading.
    case unopenable(path: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A file could not be written.
    case unwritable(path: String, reason: String)
    /// A line is not a JSON object (invalid UTF-8, malformed or truncated JSON, not an object).
    case malformedLine(SourceLocation, JSONLines.LineError)
    /// A record has no `text` field (`quorum extract`).
    case missingText(SourceLocation)
    /// A record's `text` is not a string (`quorum extract`).
    case textNotString(SourceLocation)
    /// A record has no string `field` (`quorum exec`: "problem", "text" or "answer").
    case missingString(SourceLocation, field: String)
    /// A record names a problem the task file does not have (`quorum exec`).
    case unknownProblem(SourceLocation, problem: String, taskFile: String)
    /// A record that cannot be used, for `reason` (`quorum exec`: its problem is not a code task).
    case badRecord(SourceLocation, reason: String)
    /// A record's `choices` field has a shape that is not understood (`quorum extract`).
    case badChoices(SourceLocation, reason: String)
    /// A `--choices` value could not be used (`quorum extract`).
    case badChoiceOption(String)
    /// A file of records holds none.
    case noRecords(file: String)
    /// A problem has no reference solution (`quorum exec --canonical`).
    case noReferenceSolution(problem: String)
    /// Every record that could not be used, reported together; `outcome` says what was then not done.
    case rejected([CommandError], outcome: Withheld)

    /// What a command did not do because records were rejected.
    enum Withheld: String {
        /// Nothing was written (`quorum extract`).
        case written
        /// Nothing was run (`quorum exec`).
        case run
    }

    var description: String {
        switch self {
        case .failed(let message): message
        case .unopenable(let path): "\(path): cannot open for reading"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .unwritable(let path, let reason): "\(path): cannot write: \(reason)"
        case .malformedLine(let location, let error): "\(location): \(error)"
        case .missingText(let location): "\(location): no \"text\" field"
        case .textNotString(let location): "\(location): \"text\" is not a string"
        case .missingString(let location, let field): "\(location): no string \"\(field)\""
        case .unknownProblem(let location, let problem, let taskFile): "\(location): problem '\(problem)' is not in \(taskFile)"
        case .badRecord(let location, let reason): "\(location): \(reason)"
        case .badChoices(let location, let reason): "\(location): \"choices\": \(reason)"
        case .badChoiceOption(let reason): "--choices: \(reason)"
        case .noRecords(let file): "\(file): no records"
        case .noReferenceSolution(let problem): "\(problem): no reference solution"
        case .rejected(let failures, let outcome):
            (failures.map(\.description) + [
                (failures.count == 1 ? "1 record" : "\(failures.count) records")
                    + " could not be used; nothing was \(outcome.rawValue)"
            ]).joined(separator: "\n")
        }
    }

    /// Runs `body`, turning a `CommandError` into `error: MESSAGE` on standard error and exit status `status`.
    static func reported(status: Int32, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CommandError {
            printError("error: \(error)")
            throw ExitCode(status)
        }
    }
}
