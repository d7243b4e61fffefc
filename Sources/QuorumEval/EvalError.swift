import QuorumCore

/// Why an evaluation could not run. Each case carries where the problem is.
public enum EvalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file could not be read.
    case unreadable(file: String, reason: String)
    /// The RPC release file is not the documented object of parallel arrays; `field` names the key and
    /// index where it goes wrong (e.g. `predict[3][7]`).
    case invalidRelease(SourceLocation, field: String, reason: String)
    /// A paths file could not be read as a whole.
    case pathsFile(PathsFileError)
    /// A K of the grid is larger than the pool or not positive.
    case invalidK(k: Int, poolSize: Int)
    /// No problem is left to evaluate (all were skipped, or the input is empty).
    case noProblems(source: String)
    /// A method cannot run on this input; `reason` says why.
    case methodFailed(method: String, SelectError)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .invalidRelease(let location, let field, let reason): "\(location): \(field): \(reason)"
        case .pathsFile(let error): error.description
        case .invalidK(let k, let poolSize):
            "K = \(k) is not in 1...\(poolSize) (the number of paths per problem in the pool)"
        case .noProblems(let source): "\(source): no problem to evaluate"
        case .methodFailed(let method, let error): "\(method): \(error)"
        }
    }
}
