import Foundation
import QuorumCode
import QuorumCore
import QuorumEval
import QuorumSelect
import QuorumTasks

/// The selection and evaluation of a run's paths: SC, PPL, PC and RPC on every problem, accuracy and
/// calibration versus K (the RPC paper's protocol, ``EvaluationProtocol``), and each method's selections
/// on all of a problem's paths.
public struct RunEvaluation: Sendable {
    /// Accuracy, ECE, Brier, NLL and AUROC per method and K (mean over ``seeds``).
    public var result: EvaluationResult
    /// Every method's selection for every evaluated problem over all its paths (in sampling order), method by
    /// method in ``methods`` order, problems in task order.
    public var selections: [Selection]
    /// The methods, in the paper's order (PPL, SC, PC, RPC).
    public var methods: [SelectionMethod]
    /// The K grid: powers of two up to the samples per problem, and the samples per problem itself.
    public var ks: [Int]
    /// The shuffling seeds of the protocol, 0..<10.
    public var seeds: [Int]
    /// Code runs: pass@k and execution statistics (``CodeEvaluation``); `nil` for other kinds.
    public var code: CodeEvaluation?
    /// Things the evaluation noticed that do not stop it (e.g. a program that could not be compared).
    public var notes: [String] = []


    /// Evaluates the paths file of a run.
    /// - Parameters:
    ///   - pathsFile: the run's `paths.jsonl` (lines carry the gold).
    ///   - problems: the run's problem ids in task order (the order of selections and of evaluation).
    ///   - kind: the problems' kind, which decides answer equality.
    ///   - mode: the answer-equality rules (default: ``EquivalenceMode/default``).
    ///   - seedCount: shuffling seeds of the protocol (default 10, as the paper).
    public static func evaluate(
        pathsFile: String, problems: [String], kind: TaskKind, mode: EquivalenceMode = .default, seedCount: Int = 10
    ) throws(RunError) -> RunEvaluation {
        let pool = try loadPool(pathsFile: pathsFile, problems: problems)
        let equivalence = makeEquivalence(kind: kind, mode: mode)
        let tables = pool.problems.map {
            AnswerTable(answers: $0.paths.map(\.answer), gold: $0.gold, equivalence: equivalence)
        }
        return try evaluate(pool: pool, tables: tables, seedCount: seedCount)
    }

    /// Evaluates the paths file of a code run: programs are equal when they behave alike on the inputs of
    /// the task's tests (``ExecutionEquivalence``, run in `sandbox`, `executionPool.width` at once), a
    /// program is correct when its line's `execution` record says it passed the tests, and ``code`` gets
    /// pass@k for the K grid.
    /// - Parameters:
    ///   - pathsFile: the run's `paths.jsonl`; every line must carry `execution`.
    ///   - problems: the run's problem ids in task order.
    ///   - tasks: the code tasks by problem id (``RunPlan/codeTasks``).
    public static func evaluateCode(
        pathsFile: String, problems: [String], tasks: [String: CodeTask], sandbox: Sandbox,
        executionPool: ExecutionPool, seedCount: Int = 10
    ) async throws(RunError) -> RunEvaluation {
        let pool = try loadPool(pathsFile: pathsFile, problems: problems)
        let groups: [PathGroup]
        do {
            groups = try PathsReader.read(file: pathsFile).groups
        } catch {
            throw .evaluation(error.description)
        }
        let (tables, code, notes) = try await CodeEvaluation.tables(
            pool: pool, groups: groups, tasks: tasks, ks: EvaluationProtocol.ks(samples: pool.size), sandbox: sandbox,
            executionPool: executionPool)
        var evaluation = try evaluate(pool: pool, tables: tables, seedCount: seedCount)
        evaluation.code = code
        evaluation.notes = notes
        return evaluation
    }

    /// The run's pool, problems in task order; throws when no problem can be evaluated.
    static func loadPool(pathsFile: String, problems: [String]) throws(RunError) -> PathPool {
        var pool: PathPool
        do {
            pool = try PathPool.load(pathsFile: pathsFile)
        } catch {
            throw .evaluation(error.description)
        }
        let order = Dictionary(problems.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // Problems of the file beyond this sitting's --limit are kept in the file and not evaluated.
        pool.problems = pool.problems.filter { order[$0.problem] != nil }
        pool.skipped = pool.skipped.filter { order[$0.problem] != nil }
        pool.problems.sort { (order[$0.problem] ?? .max) < (order[$1.problem] ?? .max) }
        guard !pool.problems.isEmpty else {
            throw .evaluation(
                "\(pathsFile): no problem can be evaluated"
                    + (pool.skipped.isEmpty ? "" : " (" + pool.skipped.map(\.description).joined(separator: "; ") + ")"))
        }
        return pool
    }

    /// Selection and the K protocol over `pool` with each problem's answer table.
    static func evaluate(pool: PathPool, tables: [AnswerTable], seedCount: Int) throws(RunError) -> RunEvaluation {
        let methods = SelectionMethod.reference
        let seeds = Array(0..<seedCount)
        let ks = EvaluationProtocol.ks(samples: pool.size)
        let evaluation = EvaluationProtocol(ks: ks, seeds: seeds)
        do {
            let result = try evaluation.run(pool, methods: methods.map(\.aggregator), tables: tables)
            var selections: [Selection] = []
            for method in methods {
                selections += try evaluation.select(
                    pool, tables: tables, positions: Array(0..<pool.size), method: method.aggregator)
            }
            return RunEvaluation(
                result: result, selections: selections, methods: methods, ks: ks, seeds: seeds, code: nil)
        } catch {
            throw .evaluation(error.description)
        }
    }

    /// Mean accuracy (%) of `method` at `k`, when evaluated.
    public func accuracy(_ method: SelectionMethod, k: Int) -> Double? {
        result.curve(method.rawValue)?.point(k)?.summary.accuracyMean
    }
}
