import QuorumCore

/// Why a run could not be prepared, carried out or resumed. Every case names the file (and line) or the
/// setting at fault; nothing already written to a run folder is lost when one is thrown.
public enum RunError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A template file that cannot be used: an unknown placeholder, an unclosed brace, a bad header line.
    case template(SourceLocation, reason: String)
    /// A few-shot exemplar file that cannot be used (missing `solution`, wrong kind, no exemplars).
    case fewShot(SourceLocation, reason: String)
    /// The model's chat template is not one this code renders (only ChatML is), or the model has none.
    case chatTemplate(model: String, reason: String)
    /// Settings that cannot work together (a template for another kind of problem, a mixed task set …).
    case invalidSettings(String)
    /// The run folder holds a run with other settings; each difference reads `key: old → new`.
    case settingsDiffer(runFile: String, differences: [String])
    /// An existing `run.json` that cannot be read, or a folder that holds run files but no `run.json`.
    case damagedRunFile(path: String, reason: String)
    /// A line of an existing `paths.jsonl` (other than a truncated last line) that cannot be resumed from.
    case damagedPaths(SourceLocation, reason: String)
    /// Another process (its pid when the lock file names one) holds the run folder's lock
    /// (``RunFolderLock``): two runs on one folder would write every path twice.
    case folderLocked(folder: String, pid: Int32?)
    /// A value that JSON cannot hold (NaN, ±∞) where a run file needs a number: refused rather than written.
    case nonFiniteValue(problem: String, path: Int, field: String, value: Double, model: String?)
    /// A value JSON cannot hold (NaN, ±∞) in a run file's field (`key` as a dotted path): refused rather than
    /// written.
    case nonFiniteField(file: String, key: String, value: String)
    /// A file operation failed.
    case io(path: String, operation: String, reason: String)
    /// Sampling a problem's paths failed.
    case sampling(problem: String, reason: String)
    /// Selecting or evaluating the sampled paths failed.
    case evaluation(String)
    /// A server's answer that a decoder over HTTP (FoReaL, AdaDec) cannot continue from (QuorumHTTP's
    /// `HTTPBackendError.unusableAnswer`, as the run reports it).
    case serverAnswer(endpoint: String, reason: String)

    /// `error` of sampling `problem` as a run error: a ``RunError`` as it is (wrapping a `.sampling` error
    /// again repeated its prefix: "sampling problem P failed: sampling problem P failed: …"), anything else
    /// as ``sampling(problem:reason:)``. (The run layer maps an HTTP decoder's unusable server answer to
    /// ``serverAnswer(endpoint:reason:)`` first: QuorumRun's `RunError.ofSampling(_:problem:)`.)
    public static func wrapping(_ error: any Error, problem: String) -> RunError {
        if let error = error as? RunError { return error }
        return .sampling(problem: problem, reason: "\(error)")
    }

    /// A readable account of the failure.
    public var description: String {
        switch self {
        case .template(let location, let reason): "\(location): template: \(reason)"
        case .fewShot(let location, let reason): "\(location): few-shot exemplars: \(reason)"
        case .chatTemplate(let model, let reason): "chat template of \(model): \(reason)"
        case .invalidSettings(let reason): reason
        case .settingsDiffer(let file, let differences):
            "\(file) was written with other settings; refusing to mix the two runs (use --force to discard the "
                + "old run and start over, or choose another --out):\n  "
                + differences.joined(separator: "\n  ")
        case .damagedRunFile(let path, let reason):
            "\(path): \(reason); refusing to touch the run folder (use --force to start over, or choose another --out)"
        case .damagedPaths(let location, let reason):
            "\(location): \(reason); the run cannot be resumed from it (repair or remove that line, or use "
                + "--force to start over)"
        case .folderLocked(let folder, let pid):
            "another run (\(pid.map { "pid \($0)" } ?? "pid unknown")) holds \(folder); wait for it to end, or choose "
                + "another --out (two runs on one folder would write every path twice)"
        case .nonFiniteValue(let problem, let path, let field, let value, let model):
            "problem \(problem), path \(path): \(field) is \(value)\(model.map { " (model \($0))" } ?? ""), which JSON "
                + "cannot hold; refusing to write it into paths.jsonl (a model that gives non-finite log-probabilities "
                + "is damaged)"
        case .nonFiniteField(let file, let key, let value):
            "\(file): \(key) is \(value), which JSON cannot hold; refusing to write it"
        case .io(let path, let operation, let reason): "\(path): cannot \(operation): \(reason)"
        case .sampling(let problem, let reason): "sampling problem \(problem) failed: \(reason)"
        case .evaluation(let reason): "evaluation: \(reason)"
        case .serverAnswer(let endpoint, let reason): "\(endpoint): \(reason)"
        }
    }
}
