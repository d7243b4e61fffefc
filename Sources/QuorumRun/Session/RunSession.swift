import Foundation
import QuorumCode
import QuorumCore
import QuorumEngine
import QuorumEval
import QuorumReport
import QuorumRunFolder
import QuorumTasks

/// A run, start to end: plan → sample → evaluate → write. Loads the task set, locks and prepares the run
/// folder (resuming what an earlier sitting wrote), loads the model or connects to the servers, samples the
/// missing paths into `paths.jsonl`, writes `cost.json`, selects and evaluates (`selections.jsonl`,
/// `eval.json`, `eval.md`), and with ``RunSettings/report`` writes the report. What it has to say goes to
/// the `observe` callback as ``RunEvent``s, in order; it prints nothing itself. `quorum run` is this plus
/// option parsing and printing.
public struct RunSession: Sendable {
    /// The settings.
    public let settings: RunSettings

    /// A session with `settings`.
    public init(_ settings: RunSettings) { self.settings = settings }

    /// Carries out the run.
    /// - Returns: what was sampled, evaluated and written.
    public func run(_ observe: @escaping @Sendable (RunEvent) -> Void) async throws -> RunOutcome {
        let s = settings
        let set = try TaskLoader.load(file: s.taskFile, options: s.taskLoadOptions)
        if let first = set.rejections.first {
            observe(.message(
                "warning: \(set.rejections.count) record(s) of \(s.taskFile) could not be read and are not sampled "
                    + "(first: \(first)); `quorum tasks validate \(s.taskFile)` lists them"))
        }
        let taskSHA256 = try SHA256.hex(ofFile: s.taskFile)
        let selected = Array(set.problems.prefix(s.limit ?? set.problems.count))
        let kind = try RunPlan.kind(of: selected, source: s.taskFile)
        if s.report, let refusal = ReportBuilder.refusal(kind: kind, adaptive: s.decoder.adaptive != nil) {
            throw RunError.invalidSettings("--report does not take this run: \(refusal)")
        }
        // The folder is locked before the model loads (a second run on it is refused at once) and stays locked
        // until the run's last write (the report included).
        let lock = try RunFolder(path: s.out).lock()
        defer { withExtendedLifetime(lock) {} }
        let sandbox: Sandbox? = kind == .code ? try codeSandbox(observe) : nil
        let runModel = try await makeModel(kind: kind)
        do {
            let outcome = try await sample(
                set: set, taskSHA256: taskSHA256, kind: kind, runModel: runModel, sandbox: sandbox, observe)
            await runModel.shutdown()
            return outcome
        } catch {
            await runModel.shutdown()
            throw error
        }
    }

    /// The model and sampler the settings ask for.
    private func makeModel(kind: TaskKind) async throws -> RunModel {
        let s = settings
        if let foreal = s.decoder.foreal {
            return try await RunModel.foreal(
                leader: foreal.leader, draft: foreal.draft, threads: s.threads, kind: kind, apiKeyVariable: s.apiKeyVariable,
                requestsPerEndpoint: s.requestsPerServer, timeouts: s.timeouts)
        }
        if RunModel.isHTTP(s.model) {
            let builtIn = s.template.map { BuiltInTemplate(rawValue: $0) } ?? BuiltInTemplate.default(for: kind)
            if let builtIn, builtIn.usesChat {
                throw RunError.invalidSettings(
                    "--template \(builtIn.rawValue) renders the chat format from a GGUF file's metadata, which a server "
                        + "does not give; with servers use "
                        + (kind == .code ? "code-completion" : "fewshot-math, fewshot-choice")
                        + " or a template file (chat: false)")
            }
            return try await RunModel.http(
                s.model, servedModel: s.servedModel, apiKeyVariable: s.apiKeyVariable,
                requestsPerEndpoint: s.requestsPerServer, samples: s.samples, timeouts: s.timeouts,
                adadec: s.decoder.adadec != nil)
        }
        return try RunModel.engine(s.model, threads: s.threads, maxBatch: s.maxBatch, adadec: s.decoder.adadec != nil)
    }

    /// The sandbox code paths run in, with the limits of the settings.
    private func codeSandbox(_ observe: @Sendable (RunEvent) -> Void) throws -> Sandbox {
        do {
            let limits = SandboxLimits(memoryBytes: settings.memoryMib << 20).withTimeLimit(settings.timeout)
            let sandbox = try Sandbox.detect(settings.sandbox, limits: limits)
            observe(.message("sandbox: \(sandbox.environment)"))
            return sandbox
        } catch {
            throw RunError.invalidSettings("\(error)")
        }
    }

    /// The run's prompt template: the one named in the settings (or the kind's default), for the task set's one
    /// code layout when it holds code problems.
    private func template(for set: TaskSet, kind: TaskKind, runModel: RunModel) throws -> ResolvedTemplate {
        let s = settings
        var codeLayout: CodeTask.Layout?
        if kind == .code {
            let layouts = Set(set.problems.prefix(s.limit ?? set.problems.count).compactMap { try? CodeTask(problem: $0).layout })
            guard layouts.count <= 1 else {
                throw RunError.invalidSettings("\(s.taskFile) mixes HumanEval and MBPP problems; run them separately")
            }
            codeLayout = layouts.first
        }
        return try ResolvedTemplate(
            name: s.template, fewShotFile: s.fewshot, kind: kind, chatTemplate: runModel.chatTemplate,
            model: runModel.name, codeLayout: codeLayout)
    }

    /// The decoder settings with AdaDec's τ filled in: the given threshold, or the stored calibration of the
    /// model and template (said in a message).
    private func decoderSettings(
        template: PromptTemplate, runModel: RunModel, _ observe: @escaping @Sendable (RunEvent) -> Void
    ) throws -> DecoderSettings {
        var decoder = settings.decoder
        guard var adadec = decoder.adadec else { return decoder }
        if let threshold = settings.adadecThreshold {
            adadec.threshold = threshold
            adadec.source = .given
        } else {
            let store = AdaDecStore()
            let key = AdaDecStore.Key(modelSHA256: runModel.record.sha256 ?? "", template: template)
            let stored = try store.load(key)
            adadec.threshold = stored.calibration.threshold
            adadec.source = .calibrated(file: store.file(key))
            observe(.message(String(
                format: "AdaDec τ = %.4f nats (from %@)", stored.calibration.threshold, store.file(key))))
        }
        decoder.adadec = adadec
        return decoder
    }

    /// The run.json of this run.
    private func manifest(
        set: TaskSet, taskSHA256: String, kind: TaskKind, runModel: RunModel, plan: RunPlan, template: ResolvedTemplate,
        sandbox: Sandbox?
    ) -> RunManifest {
        let s = settings
        return RunManifest(
            tool: s.tool,
            taskSet: RunManifest.TaskSetRecord(
                path: s.taskFile, sha256: taskSHA256, name: set.name, layout: TaskLayout(rawValue: set.layout) ?? .mapped,
                kind: kind, problems: set.problems.count, limit: s.limit),
            model: runModel.record, decoder: RunManifest.DecoderRecord(plan.decoder), samples: s.samples, seed: s.seed,
            template: RunManifest.TemplateRecord(template, kind: kind),
            equivalence: kind == .code ? .execution : .default,
            execution: sandbox.map {
                RunManifest.ExecutionSettings(
                    timeoutSeconds: s.timeout, memoryMib: s.memoryMib, python: $0.environment.python,
                    pythonVersion: $0.environment.pythonVersion, sandbox: $0.environment.description)
            })
    }

    private func sample(
        set: TaskSet, taskSHA256: String, kind: TaskKind, runModel: RunModel, sandbox: Sandbox?,
        _ observe: @escaping @Sendable (RunEvent) -> Void
    ) async throws -> RunOutcome {
        let s = settings
        let resolved = try template(for: set, kind: kind, runModel: runModel)
        let decoder = try decoderSettings(template: resolved.template, runModel: runModel, observe)
        let plan = try RunPlan(
            taskSet: set, limit: s.limit, samples: s.samples, seed: s.seed, decoder: decoder, template: resolved.template)
        let folder = RunFolder(path: s.out)
        let manifest = self.manifest(
            set: set, taskSHA256: taskSHA256, kind: kind, runModel: runModel, plan: plan, template: resolved, sandbox: sandbox)
        switch try folder.prepare(manifest, force: s.force) {
        case .created: break
        case .resumed: observe(.message("resuming the run in \(s.out)"))
        case .replaced: observe(.message("--force: removed the earlier run's files in \(s.out)"))
        }
        // Every problem of the task set may be in the file: --limit may change between sittings.
        let log = try PathsLog(path: folder.pathsFile, problems: Set(set.problems.map(\.id)), samples: s.samples)
        for message in log.notes { observe(.message("note: \(message)")) }

        let executionPool = ExecutionPool(width: s.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let grader = sandbox.map { CodeGrader(sandbox: $0, pool: executionPool) }
        let sampling = try await RunSampling.run(plan, sampler: runModel.sampler, log: log, grader: grader) {
            observe(.progress($0))
        }
        observe(.samplingFinished)

        let cost = try RunCostSummary.summarize(pathsFile: folder.pathsFile, kind: kind)
        try folder.writeCost(cost)
        var outcome = RunOutcome(sampling: sampling, cost: cost, evaluation: nil, folder: s.out)
        let evaluation: RunEvaluation
        if let sandbox {
            evaluation = try await RunEvaluation.evaluateCode(
                pathsFile: folder.pathsFile, problems: plan.problems.map(\.id), tasks: plan.codeTasks, sandbox: sandbox,
                executionPool: executionPool)
        } else {
            guard plan.problems.contains(where: { $0.gold != nil }) else {
                observe(.message("no problem of \(s.taskFile) has a gold answer: nothing to select against or evaluate"))
                observe(.output(outcome.summary))
                return outcome
            }
            if plan.decoder.adaptive != nil {
                // Problems have different numbers of paths: judged by selecting over all paths of each.
                try folder.writeEvalMarkdown(cost.markdown)
                observe(.output(cost.markdown))
                observe(.output(outcome.summary))
                return outcome
            }
            evaluation = try RunEvaluation.evaluate(
                pathsFile: folder.pathsFile, problems: plan.problems.map(\.id), kind: kind)
        }
        for warning in evaluation.result.warnings { observe(.message("warning: \(warning)")) }
        for skipped in evaluation.result.skipped { observe(.message(skipped.description)) }
        for message in evaluation.notes.prefix(20) { observe(.message("note: \(message)")) }
        if evaluation.notes.count > 20 { observe(.message("note: … and \(evaluation.notes.count - 20) more")) }
        let markdown = evaluation.markdown(cost: cost)
        try folder.writeSelections(evaluation.selections)
        try folder.writeEvaluation(evaluation.report(kind: kind), markdown: markdown)
        outcome.evaluation = evaluation
        observe(.output(markdown))
        observe(.output(outcome.summary))
        if s.report {
            let input = try RunInput.load(folder: s.out, tasksFile: s.taskFile)
            for note in input.notes { observe(.message("note: \(input.name): \(note)")) }
            let builder = ReportBuilder(seedCount: evaluation.seeds.count, tool: s.tool)
            let written = try ReportWriter.write(try builder.build([input]), to: s.out + "/report")
            outcome.reportFolder = written.folder
            observe(.output("report written to \(written.folder)/report.html (and report.md, report.json)"))
        }
        return outcome
    }
}
