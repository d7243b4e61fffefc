import ArgumentParser
import Foundation
import QuorumCode
import QuorumEngine
import QuorumEval
import QuorumReport
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

    /// The decoder settings; AdaDec's τ is `--threshold` (or, when not given, filled in by the run session from
    /// the stored calibration).
    func decoderSettings() -> DecoderSettings {
        DecoderSettings(
            temperature: sampling.temperatureValue, topP: sampling.topP, topK: sampling.topK, minP: sampling.minP,
            maxTokens: sampling.maxTokens, foreal: decoding.foreal, adadec: decoding.adadec,
            adaptive: decoding.adaptiveStopping)
    }

    /// The checks that span the option groups (each group checks its own options first).
    func validate() throws {
        if samples < 1 { throw ValidationError("--samples must be at least 1, not \(samples)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if report, decoding.adaptive, let refusal = ReportBuilder.refusal(kind: .math, adaptive: true) {
            throw ValidationError("--report does not take this run: \(refusal)")
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

    /// The run's settings as the library takes them.
    func settings() -> RunSettings {
        RunSettings(
            taskFile: taskSet, taskLoadOptions: taskFile.options(), model: modelOptions.model,
            servedModel: servers.servedModel, apiKeyVariable: servers.apiKeyEnv, requestsPerServer: servers.requestsPerServer,
            timeouts: servers.deadlines.timeouts, threads: modelOptions.threadOptions.threads,
            maxBatch: modelOptions.maxBatch ?? 16, samples: samples, decoder: decoderSettings(),
            adadecThreshold: decoding.threshold, seed: sampling.seed, template: template, fewshot: fewshot, limit: limit,
            sandbox: sandboxFlags.options(), timeout: sandboxFlags.timeout, memoryMib: sandboxFlags.memory,
            jobs: sandboxFlags.jobs, out: out, force: force, report: report, tool: "quorum \(QuorumVersion.string)")
    }

    func run() async throws {
        let progress = RunProgressLine(quiet: quiet)
        do {
            _ = try await RunSession(settings()).run { event in
                switch event {
                case .message(let line): FileHandle.standardError.write(Data((line + "\n").utf8))
                case .progress(let p): progress.show(p)
                case .samplingFinished: progress.finish()
                case .output(let text): print(text)
                }
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
