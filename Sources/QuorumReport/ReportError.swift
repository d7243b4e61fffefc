/// Why a report or one of its plots could not be made. Each case says where.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A plotted value is NaN or infinite: `chart` and `series` name the plot and series, `index` the point.
    case nonFiniteValue(chart: String, series: String, index: Int, value: Double)
    /// A value on a logarithmic axis is not positive.
    case nonPositiveOnLogAxis(chart: String, series: String, index: Int, value: Double)
    /// Parallel arrays of a series differ in length.
    case lengthMismatch(chart: String, series: String, reason: String)
    /// An axis domain or histogram range is empty, reversed or not finite.
    case invalidRange(chart: String, reason: String)
    /// A histogram value lies outside the histogram's range.
    case outOfRange(chart: String, index: Int, value: Double, lower: Double, upper: Double)
    /// A run folder or one of its files cannot be used.
    case runFolder(path: String, reason: String)
    /// A run's file is malformed; `location` is `file:line[:column]` where one applies.
    case malformed(location: String, reason: String)
    /// Selection or evaluation of a run failed.
    case evaluation(run: String, reason: String)
    /// A problem asked for (e.g. `--rpc-problem`) is not in the run.
    case unknownProblem(run: String, problem: String)
    /// Writing the report failed.
    case io(path: String, operation: String, reason: String)
    /// No run was given.
    case noRuns

    public var description: String {
        switch self {
        case .nonFiniteValue(let chart, let series, let index, let value):
            "plot \"\(chart)\": series \"\(series)\" has a non-finite value (\(value)) at point \(index); NaN and infinity cannot be plotted"
        case .nonPositiveOnLogAxis(let chart, let series, let index, let value):
            "plot \"\(chart)\": series \"\(series)\" has \(value) at point \(index) on a logarithmic axis (values must be positive)"
        case .lengthMismatch(let chart, let series, let reason): "plot \"\(chart)\": series \"\(series)\": \(reason)"
        case .invalidRange(let chart, let reason): "plot \"\(chart)\": \(reason)"
        case .outOfRange(let chart, let index, let value, let lower, let upper):
            "plot \"\(chart)\": value \(value) at index \(index) is outside the histogram range [\(lower), \(upper)]"
        case .runFolder(let path, let reason): "\(path): \(reason)"
        case .malformed(let location, let reason): "\(location): \(reason)"
        case .evaluation(let run, let reason): "\(run): evaluation failed: \(reason)"
        case .unknownProblem(let run, let problem): "\(run): no evaluated problem \"\(problem)\""
        case .io(let path, let operation, let reason): "\(path): cannot \(operation): \(reason)"
        case .noRuns: "no run folder given"
        }
    }
}
