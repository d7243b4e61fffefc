import ArgumentParser
import Foundation
import QuorumCode
import QuorumEngine
import QuorumEval
import QuorumRun
import QuorumTasks

/// `quorum run`: the main job. Samples reasoning paths for a task set into a resumable run folder.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sample reasoning paths for a task set (resumably), select answers with PPL, SC, PC and RPC, evaluate.",
        discussion: """
            Writes OUT/run.json (task set and its SHA-256, model identity, decoder settings, template, seeds) and \
            OUT/paths.jsonl (one line per path: text, extracted answer, tokens, raw log-probabilities, cost). \
            Then selects an answer per problem with PPL, SC, PC and RPC (OUT/selections.jsonl, all paths), \
            evaluates accuracy, ECE, Brier, NLL and AUROC at K = 1, 2, 4, … up to --samples over 10 seeds \
            (OUT/eval.json, OUT/eval.md) and prints the tables, then a one-line summary.

            Every (problem, path) pair has its own seed, derived from --seed, the problem's index and the path \
            index, so the same command run again after an interruption (even kill -9) samples exactly the \
            missing paths: a truncated last line is removed with a message, nothing is duplicated or lost. A \
            folder holding a run with other settings is refused unless --force, which removes that run's files.

            Templates: fewshot-math (default for math; "Q: … A: Let's think step by step. … The answer is N." \
            exemplars, by default the 8 of tasks/arith-easy.fewshot.jsonl, or --fewshot FILE), fewshot-choice \
            (default for choice), chat (the model's ChatML format with its default system turn), or a template \
            file with the placeholders {question}, {choices}, {fewshot}, {tests}, {entry_point} (see docs/run.md).

            Code problems (HumanEval, MBPP): templates code-chat-continue (default: the chat format with the \
            answer begun as a ```python block holding the prompt, continued and cut at the HumanEval stops), \
            code-completion (the prompt continued, HumanEval stops; MBPP: [BEGIN] … [DONE]) and code-chat (the \
            fenced block of a chat answer). Every path's program runs in the sandbox against the task's tests as \
            it is sampled (its result is the line's "execution"); programs are equal when they behave alike on \
            the inputs of the task's tests, so SC, PC and RPC pick a behaviour cluster, and a selected program \
            is correct when it passes the tests. eval.md/eval.json add pass@k (unbiased estimator) next to the \
            methods' pass rates.
            """)

    @Argument(help: "The task file (any layout `quorum tasks inspect` reads).")
    var taskSet: String

    @OptionGroup(title: "Model")
    var modelOptions: RunModelOptions

    @OptionGroup(title: "Servers")
    var servers: ServerOptions

    @OptionGroup(title: "Sampling")
    var sampling: SamplingOptions

    @OptionGroup(title: "Decoder")
    var decoding: DecoderOptions

    @OptionGroup(title: "Code problems: the sandbox")
    var sandboxFlags: SandboxFlags

    @Option(help: "Paths per problem.")
    var samples: Int

    @Option(help: ArgumentHelp(
        "fewshot-math, fewshot-choice, chat, or a template file (default: fewshot-math for math, fewshot-choice "
            + "for choice, chat otherwise).", valueName: "name|file"))
    var template: String?

    @Option(help: ArgumentHelp(
        "Few-shot exemplars: a task file whose records carry a worked `solution`.", valueName: "file"))
    var fewshot: String?

    @Option(help: "Sample only the first P problems of the task file.")
    var limit: Int?

    @OptionGroup var taskFile: TaskFileFlags

    @Option(help: ArgumentHelp("The run folder.", valueName: "dir"))
    var out: String

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @Flag(help: "Discard a run with other settings in the folder and start over.")
    var force = false

    @Flag(help: "Also write a report of the run (HTML, Markdown, JSON with plots) into OUT/report (see `quorum report`).")
    var report = false

    /// The decoder settings; `adadec` is τ and where it came from (AdaDec only).
    func decoderSettings(adadec: (Double, String)? = nil) -> DecoderSettings {
        DecoderSettings(
            temperature: sampling.temperatureValue, topP: sampling.topP, topK: sampling.topK, minP: sampling.minP,
            maxTokens: sampling.maxTokens, foreal: decoding.foreal, adadec: decoding.adadec(tau: adadec),
            adaptive: decoding.adaptiveStopping)
    }

    /// The checks that span the option groups (each group checks its own options first).
    func validate() throws {
        if samples < 1 { throw ValidationError("--samples must be at least 1, not \(samples)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if report && decoding.adaptive {
            throw ValidationError(
                "--report does not take --adaptive runs yet: their problems have different numbers of paths, which the "
                    + "report's K-subset protocol cannot evaluate (eval.md selects over all paths of each problem)")
        }
        try servers.deadlines.validate(
            usesServers: decoding.decoder == .foreal
                ? [decoding.leader, decoding.draft].contains { $0.map(RunModel.isHTTP) == true }
                : modelOptions.usesServers)
        if !modelOptions.usesServers, servers.servedModel != nil {
            throw ValidationError("--served-model applies to servers (--model http://…)")
        }
        switch decoding.decoder {
        case .foreal:
            if servers.servedModel != nil {
                throw ValidationError("--served-model applies to --model; FoReaL's servers must each serve one model")
            }
        case .adadec:
            if modelOptions.usesServers, decoding.threshold == nil {
                throw ValidationError(
                    "--decoder adadec with servers needs --threshold: learn it with `quorum adadec calibrate --entropy top20` "
                        + "on the GGUF file the server runs (it prints τ)")
            }
        case .sample:
            break
        }
        do { try decoderSettings().validate() } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        do {
            try await execute()
        } catch let error as ExitCode {
            throw error
        } catch {
            RunProgressLine(quiet: true).finish()
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    private func execute() async throws {
        let set = try TaskLoader.load(file: taskSet, options: taskFile.options())
        if let first = set.rejections.first {
            note("warning: \(set.rejections.count) record(s) of \(taskSet) could not be read and are not sampled "
                + "(first: \(first)); `quorum tasks validate \(taskSet)` lists them")
        }
        let taskSHA256 = try SHA256.hex(ofFile: taskSet)
        let selected = Array(set.problems.prefix(limit ?? set.problems.count))
        let kind = try RunPlan.kind(of: selected, source: taskSet)

        if report && kind == .code {
            throw ValidationError(
                "--report does not take code runs yet: their programs are judged by execution (eval.md gives pass@k and "
                    + "the methods' pass rates)")
        }
        // The folder is locked before the model loads (a second run on it is refused at once) and stays locked
        // until the run's last write (the report included).
        let lock = try RunFolder(path: out).lock()
        defer { withExtendedLifetime(lock) {} }
        let sandbox: Sandbox? = kind == .code ? try codeSandbox() : nil
        let runModel: RunModel
        if RunModel.isHTTP(modelOptions.model) && decoding.decoder != .foreal {
            let builtIn = template.map { BuiltInTemplate(rawValue: $0) } ?? BuiltInTemplate.default(for: kind)
            if let builtIn, builtIn.usesChat {
                throw CommandError.failed(
                    "--template \(builtIn.rawValue) renders the chat format from a GGUF file's metadata, which a server "
                        + "does not give; with servers use "
                        + (kind == .code ? "code-completion" : "fewshot-math, fewshot-choice")
                        + " or a template file (chat: false)")
            }
            runModel = try await RunModel.http(
                modelOptions.model, servedModel: servers.servedModel, apiKeyVariable: servers.apiKeyEnv,
                requestsPerEndpoint: servers.requestsPerServer, samples: samples, timeouts: servers.deadlines.timeouts,
                adadec: decoding.decoder == .adadec)
        } else if decoding.decoder == .foreal, let leader = decoding.leader, let draft = decoding.draft {
            runModel = try await RunModel.foreal(
                leader: leader, draft: draft, threads: modelOptions.threadOptions.threads, kind: kind,
                apiKeyVariable: servers.apiKeyEnv, requestsPerEndpoint: servers.requestsPerServer,
                timeouts: servers.deadlines.timeouts)
        } else {
            runModel = try RunModel.engine(
                modelOptions.model, threads: modelOptions.threadOptions.threads, maxBatch: modelOptions.maxBatch ?? 16,
                adadec: decoding.decoder == .adadec)
        }
        do {
            try await sample(set: set, taskSHA256: taskSHA256, kind: kind, runModel: runModel, sandbox: sandbox)
            await runModel.shutdown()
        } catch {
            await runModel.shutdown()
            throw error
        }
    }

    /// The sandbox code paths run in, with the limits of --timeout and --memory.
    private func codeSandbox() throws -> Sandbox {
        do {
            let sandbox = try Sandbox.detect(sandboxFlags.options(), limits: sandboxFlags.limits)
            note("sandbox: \(sandbox.environment)")
            return sandbox
        } catch {
            throw CommandError.failed("\(error)")
        }
    }

    private func sample(
        set: TaskSet, taskSHA256: String, kind: TaskKind, runModel: RunModel, sandbox: Sandbox?
    ) async throws {
        var codeLayout: CodeTask.Layout?
        if kind == .code {
            let layouts = Set(set.problems.prefix(limit ?? set.problems.count).compactMap { try? CodeTask(problem: $0).layout })
            guard layouts.count <= 1 else {
                throw CommandError.failed("\(taskSet) mixes HumanEval and MBPP problems; run them separately")
            }
            codeLayout = layouts.first
        }
        let resolved = try ResolvedTemplate(
            name: template, fewShotFile: fewshot, kind: kind, chatTemplate: runModel.chatTemplate, model: runModel.name,
            codeLayout: codeLayout)
        var tau: (Double, String)?
        if decoding.decoder == .adadec {
            if let threshold = decoding.threshold {
                tau = (threshold, "given")
            } else {
                let key = AdaDecStore.Key(modelSHA256: runModel.record.sha256 ?? "", template: resolved.template)
                let stored = try AdaDecStore().load(key)
                tau = (stored.calibration.threshold, "calibrated: \(AdaDecStore().file(key))")
                note(String(format: "AdaDec τ = %.4f nats (from %@)", stored.calibration.threshold, AdaDecStore().file(key)))
            }
        }
        let plan = try RunPlan(
            taskSet: set, limit: limit, samples: samples, seed: sampling.seed, decoder: decoderSettings(adadec: tau),
            template: resolved.template)
        let execution = sandbox.map {
            RunManifest.ExecutionSettings(
                timeoutSeconds: sandboxFlags.timeout, memoryMib: sandboxFlags.memory, python: $0.environment.python,
                pythonVersion: $0.environment.pythonVersion, sandbox: $0.environment.description)
        }
        let manifest = RunManifest(
            tool: "quorum \(QuorumVersion.string)",
            taskSet: RunManifest.TaskSetRecord(
                path: taskSet, sha256: taskSHA256, name: set.name, layout: set.layout, kind: kind.rawValue,
                problems: set.problems.count, limit: limit),
            model: runModel.record, decoder: RunManifest.DecoderRecord(plan.decoder), samples: samples, seed: sampling.seed,
            template: RunManifest.TemplateRecord(resolved, kind: kind),
            equivalence: kind == .code ? "execution" : "default", execution: execution)

        let folder = RunFolder(path: out)
        switch try folder.prepare(manifest, force: force) {
        case .created: break
        case .resumed: note("resuming the run in \(out)")
        case .replaced: note("--force: removed the earlier run's files in \(out)")
        }
        // Every problem of the task set may be in the file: --limit may change between sittings.
        let log = try PathsLog(path: folder.pathsFile, problems: Set(set.problems.map(\.id)), samples: samples)
        for message in log.notes { note("note: \(message)") }

        let executionPool = ExecutionPool(width: sandboxFlags.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let grader = sandbox.map { CodeGrader(sandbox: $0, pool: executionPool) }
        let progress = RunProgressLine(quiet: quiet)
        let report = try await RunSampling.run(plan, sampler: runModel.sampler, log: log, grader: grader) {
            progress.show($0)
        }
        progress.finish()

        let cost = try RunCostSummary.summarize(pathsFile: folder.pathsFile, kind: kind)
        try RunFolder.writeAtomically(cost.encoded(), to: folder.costFile)
        let evaluation: RunEvaluation
        if let sandbox {
            evaluation = try await RunEvaluation.evaluateCode(
                pathsFile: folder.pathsFile, problems: plan.problems.map(\.id), tasks: plan.codeTasks, sandbox: sandbox,
                executionPool: executionPool)
        } else {
            guard plan.problems.contains(where: { $0.gold != nil }) else {
                note("no problem of \(taskSet) has a gold answer: nothing to select against or evaluate")
                print(Self.summary(report, evaluation: nil, cost: cost, folder: out))
                return
            }
            if plan.decoder.adaptive != nil {
                // Problems have different numbers of paths: judged by selecting over all paths of each.
                try RunFolder.writeAtomically(Data(cost.markdown.utf8), to: folder.evalMarkdownFile)
                print(cost.markdown)
                print(Self.summary(report, evaluation: nil, cost: cost, folder: out))
                return
            }
            evaluation = try RunEvaluation.evaluate(
                pathsFile: folder.pathsFile, problems: plan.problems.map(\.id), kind: kind)
        }
        for warning in evaluation.result.warnings { note("warning: \(warning)") }
        for skipped in evaluation.result.skipped { note(skipped.description) }
        for message in evaluation.notes.prefix(20) { note("note: \(message)") }
        if evaluation.notes.count > 20 { note("note: … and \(evaluation.notes.count - 20) more") }
        var markdown = EvalReport.markdown(evaluation.result, seeds: evaluation.seeds.count)
        if let code = evaluation.code {
            let largest = evaluation.ks.last ?? 1
            let selected = evaluation.methods.compactMap { method in
                evaluation.accuracy(method, k: largest).map { (method: method.rawValue, passRate: $0) }
            }
            markdown += "\n" + code.markdown(selected: selected)
        }
        markdown += "\n" + cost.markdown
        try write(evaluation, markdown: markdown, kind: kind, folder: folder)
        print(markdown)
        print(Self.summary(report, evaluation: evaluation, cost: cost, folder: out))
        if self.report {
            let output = try ReportCommand.make(
                runs: [out], out: out + "/report", tasks: taskSet, rpcProblem: nil, seeds: evaluation.seeds.count)
            print("report written to \(output.folder)/report.html (and report.md, report.json)")
        }
    }

    /// Writes selections.jsonl, eval.json and eval.md into the run folder.
    private func write(_ evaluation: RunEvaluation, markdown: String, kind: TaskKind, folder: RunFolder) throws {
        var selections = Data()
        for selection in evaluation.selections {
            selections += try RunFileJSON.encode(
                selection, for: "selections.jsonl", formatting: [.sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
        }
        try RunFolder.writeAtomically(selections, to: folder.selectionsFile)
        var report = EvalReport(
            result: evaluation.result, seeds: evaluation.seeds, ks: evaluation.ks, kind: kind.rawValue,
            equality: evaluation.code == nil ? "default" : "execution")
        report.code = evaluation.code
        let json = try RunFileJSON.encode(report, for: "eval.json", formatting: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try RunFolder.writeAtomically(json + Data("\n".utf8), to: folder.evalJSONFile)
        try RunFolder.writeAtomically(Data(markdown.utf8), to: folder.evalMarkdownFile)
    }

    /// The final one-line summary: what was sampled, how fast, the headline accuracies, where the results are.
    static func summary(_ r: SamplingReport, evaluation: RunEvaluation?, cost: RunCostSummary?, folder: String) -> String {
        let total = r.pathsWritten + r.pathsFound
        var text = "\(r.problems) problems × \(total / max(1, r.problems)) paths"
        if let cost, cost.fewestPaths != cost.mostPaths {
            text = String(format: "%d problems × %.2f paths (%d–%d)", r.problems, cost.pathsPerProblem, cost.fewestPaths, cost.mostPaths)
        }
        if r.pathsWritten > 0 {
            text += String(
                format: " (%d sampled in %@: %.2f paths/s, %.1f tokens/s", r.pathsWritten,
                RunProgressLine.duration(r.seconds), Double(r.pathsWritten) / r.seconds,
                Double(r.generatedTokens) / r.seconds)
            text += r.pathsFound > 0 ? "; \(r.pathsFound) were already there)" : ")"
        } else {
            text += " (all already sampled)"
        }
        if let cost {
            text += String(format: "; %.4g FLOPs", cost.flops)
            if let share = cost.leaderShare { text += String(format: ", leader share %.3f", share) }
            if let paused = cost.pausedFraction { text += String(format: ", paused %.4f", paused) }
            if let calls = cost.extraModelCalls, cost.generatedTokens > 0 {
                text += String(format: ", extra model calls %.1f %%", 100 * Double(calls) / Double(cost.generatedTokens))
            }
        }
        guard let evaluation else {
            if let cost, !cost.accuracyAllPaths.isEmpty {
                text += "; accuracy over all paths " + ["sc", "rpc"].compactMap { m in
                    cost.accuracyAllPaths[m].map { String(format: "%@ %.1f%%", m.uppercased(), $0) }
                }.joined(separator: ", ")
            }
            return text + "; results in \(folder)/ (cost.json, paths.jsonl, run.json)"
        }
        let largest = evaluation.ks.last ?? 1
        let accuracies = evaluation.methods.compactMap { method in
            evaluation.accuracy(method, k: largest).map { String(format: "%@ %.1f%%", method.rawValue.uppercased(), $0) }
        }
        if let code = evaluation.code, let single = code.passAtK["1"] {
            text += String(format: "; pass@1 %.1f%%", 100 * single) + ", selected at K=\(largest) "
                + accuracies.joined(separator: ", ")
        } else if let single = evaluation.accuracy(.sc, k: 1) {
            text += String(format: "; accuracy K=1 %.1f%%", single) + ", K=\(largest) " + accuracies.joined(separator: ", ")
        }
        return text + "; results in \(folder)/ (eval.md, eval.json, selections.jsonl, cost.json, paths.jsonl, run.json)"
    }
}
