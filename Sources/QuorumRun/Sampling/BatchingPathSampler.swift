/// A ``PathSampler`` that samples the paths of many problems in one stream (the embedded engine's continuous
/// batching), so that the batch stays full across problems instead of draining at the end of each one.
/// ``RunSampling`` uses it in place of problem-at-a-time sampling when the sampler offers it.
public protocol BatchingPathSampler: PathSampler {
    /// Samples the paths `wanted` of every job, calling `onProblem(i, paths)` once per job as soon as all its
    /// paths are done (in the order the jobs finish, not in `jobs` order); `paths` are in `jobs[i].wanted`
    /// order. A path's content must not depend on which other jobs or paths share the batch.
    ///
    /// Throws ``PathSamplingError`` naming the job at fault when one can be named; completions delivered
    /// before a failure stay delivered.
    func sample(_ jobs: [SamplingJob], onProblem: (Int, [SampledPath]) async throws -> Void) async throws
}

/// A failure of ``BatchingPathSampler/sample(_:onProblem:)``: the index of the job it concerns (the first
/// job not yet delivered when the failure cannot be tied to one) and why.
public struct PathSamplingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job's index in the jobs given.
    public var job: Int
    /// What went wrong.
    public var reason: String

    /// A failure of job `job`.
    public init(job: Int, reason: String) {
        self.job = job
        self.reason = reason
    }

    public var description: String { reason }
}
