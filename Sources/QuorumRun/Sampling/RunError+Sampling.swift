import QuorumHTTP

extension RunError {
    /// `error` of sampling `problem` as a run error: an HTTP decoder's unusable server answer (QuorumHTTP's
    /// ``HTTPBackendError/unusableAnswer(endpoint:reason:)``) as ``serverAnswer(endpoint:reason:)``, anything
    /// else as ``wrapping(_:problem:)`` makes it.
    static func ofSampling(_ error: any Error, problem: String) -> RunError {
        if let error = error as? HTTPBackendError, case .unusableAnswer(let endpoint, let reason) = error {
            return .serverAnswer(endpoint: endpoint, reason: reason)
        }
        return wrapping(error, problem: problem)
    }
}
