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

    @Option(help: ArgumentHelp(
        "A catalogue model name (see `quorum models list`), the path of a .gguf file, or OpenAI-compatible "
            + "servers: http://HOST:PORT/v1[,URL2…] (requests go to the least busy one).",
        valueName: "name|file.gguf|urls"))
    var model: String = "smollm2-135m"

    @Option(help: ArgumentHelp(
        "With servers: the model name to request (default: the one model every server lists).", valueName: "name"))
    var servedModel: String?

    @Option(help: ArgumentHelp("With servers: the environment variable holding the API key.", valueName: "variable"))
    var apiKeyEnv = "OPENAI_API_KEY"

    @Option(help: "With servers: requests in flight per server at most.")
    var requestsPerServer = 8

    @OptionGroup var server: ServerTimeoutOptions

    @OptionGroup var taskFile: TaskFileFlags

    @Option(help: "Threads for the embedded engine's forward pass (default: the number of available cores).")
    var threads: Int?

    @Option(
        name: .customLong("batch"),
        help: "Most paths the embedded engine advances per forward step; paths of later problems join as paths end. Does not change what is sampled. (default: 16)")
    var maxBatch: Int?

    @Option(help: "Paths per problem.")
    var samples: Int

    @Option(help: "Sampling temperature (0 is greedy).")
    var temperature = 0.7

    @Option(help: "Nucleus sampling: keep the most likely tokens up to this probability mass (1 disables).")
    var topP = 1.0

    @Option(help: "Keep only the k most likely tokens (0 disables).")
    var topK = 0

    @Option(help: "Drop tokens less likely than this fraction of the most likely one (0 disables).")
    var minP = 0.0

    @Option(help: "Most tokens per path.")
    var maxTokens = 256

    @Option(help: "The run seed; every (problem, path) seed is derived from it.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp(
        "fewshot-math, fewshot-choice, chat, or a template file (default: fewshot-math for math, fewshot-choice "
            + "for choice, chat otherwise).", valueName: "name|file"))
    var template: String?

    @Option(help: ArgumentHelp(
        "Few-shot exemplars: a task file whose records carry a worked `solution`.", valueName: "file"))
    var fewshot: String?

    @Option(help: "Sample only the first P problems of the task file.")
    var limit: Int?

    @Option(help: "Code problems: seconds each program may run against its tests (wall clock and CPU).")
    var timeout: Double = 10

    @Option(help: "Code problems: address-space limit of each program, in MiB.")
    var memory: Int = 1024

    @Option(help: "Code problems: programs run at once (default: the number of processors).")
    var jobs: Int?

    @OptionGroup(title: "Code problems: the sandbox")
    var sandboxFlags: SandboxFlags

    @Option(help: ArgumentHelp("The run folder.", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp(
        "sample (temperature sampling; greedy at 0), foreal (--leader/--draft, GGUF models or servers; "
            + "docs/decoders.md) or adadec (entropy-triggered rerank; --threshold or a stored calibration; with "
            + "--model URLs the top-20 entropy estimate).", valueName: "sample|foreal|adadec"))
    var decoder: DecoderKind = .sample

    @Option(help: ArgumentHelp(
        "FoReaL: the leader model: catalogue name, .gguf file, or servers http://HOST:PORT/v1[,URL2…].",
        valueName: "model|urls"))
    var leader: String?

    @Option(help: ArgumentHelp(
        "FoReaL: the draft model: catalogue name, .gguf file, or servers http://HOST:PORT/v1[,URL2…].",
        valueName: "model|urls"))
    var draft: String?

    @Option(help: "FoReaL: n, tokens the leader writes at the start of a led sentence.")
    var leadTokens = 15

    @Option(help: "FoReaL: p, probability that the leader leads a sentence (seeded per sentence).")
    var leadProb = 1.0

    @Option(help: ArgumentHelp(
        "AdaDec: τ in nats (default on the engine: the value `quorum adadec calibrate` stored for this model and "
            + "template; required with servers, whose entropy is the top-20 estimate: calibrate with --entropy top20).",
        valueName: "nats"))
    var threshold: Double?

    @Option(help: "AdaDec: greedy look-ahead tokens per candidate.")
    var lookahead = 5

    @Option(help: "AdaDec: candidates reranked at a paused step.")
    var candidates = 3

    @Flag(help: ArgumentHelp(
        "Early stopping: draw each problem's paths in rounds (--round) and stop once its selection is settled "
            + "(--stop-rule); --samples is then the most paths per problem."))
    var adaptive = false

    @Option(help: ArgumentHelp(
        "With --adaptive: beta (Beta posterior that the leading answer beats the runner-up ≥ threshold, as "
            + "Adaptive-Consistency) or rpc (RPC's confidence in its answer ≥ threshold).", valueName: "beta|rpc"))
    var stopRule: AdaptiveStopping.Rule = .beta

    @Option(help: "With --adaptive: the stopping rule's threshold.")
    var stopThreshold = 0.95

    @Option(help: "With --adaptive: paths per round.")
    var round = 4

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
            temperature: temperature, topP: topP, topK: topK, minP: minP, maxTokens: maxTokens,
            foreal: decoder == .foreal
                ? FoReaLOptions(leader: leader ?? "", draft: draft ?? "", leadTokens: leadTokens, leadProbability: leadProb)
                : nil,
            adadec: decoder == .adadec
                ? AdaDecOptions(threshold: threshold ?? 0, lookahead: lookahead, candidates: candidates) : nil,
            adaptive: adaptive ? AdaptiveStopping(rule: stopRule, threshold: stopThreshold, round: round) : nil)
    }

    func validate() throws {
        if samples < 1 { throw ValidationError("--samples must be at least 1, not \(samples)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
        if let maxBatch, maxBatch < 1 { throw ValidationError("--batch must be at least 1, not \(maxBatch)") }
        if !(timeout > 0) { throw ValidationError("--timeout must be positive") }
        if report, adaptive, let refusal = ReportBuilder.refusal(kind: .math, adaptive: true) {
            throw ValidationError("--report does not take this run: \(refusal)")
        }
        if memory < 64 { throw ValidationError("--memory must be at least 64 (MiB)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if requestsPerServer < 1 { throw ValidationError("--requests-per-server must be at least 1, not \(requestsPerServer)") }
        try server.validate(
            usesServers: decoder == .foreal
                ? [leader, draft].contains { $0.map(RunModel.isHTTP) == true } : RunModel.isHTTP(model))
        if !RunModel.isHTTP(model) {
            if servedModel != nil { throw ValidationError("--served-model applies to servers (--model http://…)") }
        } else if threads != nil {
            throw ValidationError("--threads applies to the embedded engine, not to servers")
        } else if maxBatch != nil {
            throw ValidationError(
                "--batch applies to the embedded engine; servers batch requests themselves (see --requests-per-server)")
        }
        switch decoder {
        case .foreal:
            guard leader != nil, draft != nil else { throw ValidationError("--decoder foreal needs --leader and --draft") }
            if servedModel != nil {
                throw ValidationError("--served-model applies to --model; FoReaL's servers must each serve one model")
            }
        case .adadec:
            if RunModel.isHTTP(model), threshold == nil {
                throw ValidationError(
                    "--decoder adadec with servers needs --threshold: learn it with `quorum adadec calibrate --entropy top20` "
                        + "on the GGUF file the server runs (it prints τ)")
            }
        case .sample:
            if leader != nil || draft != nil { throw ValidationError("--leader and --draft apply to --decoder foreal") }
            if threshold != nil { throw ValidationError("--threshold applies to --decoder adadec") }
        }
        do { try decoderSettings().validate() } catch { throw ValidationError(error.description) }
    }

    /// The run's settings as the library takes them.
    func settings() -> RunSettings {
        RunSettings(
            taskFile: taskSet, taskLoadOptions: taskFile.options(), model: model, servedModel: servedModel,
            apiKeyVariable: apiKeyEnv, requestsPerServer: requestsPerServer, timeouts: server.timeouts, threads: threads,
            maxBatch: maxBatch ?? 16, samples: samples, decoder: decoderSettings(), adadecThreshold: threshold,
            seed: seed, template: template, fewshot: fewshot, limit: limit, sandbox: sandboxFlags.options(),
            timeout: timeout, memoryMib: memory, jobs: jobs, out: out, force: force, report: report,
            tool: "quorum \(QuorumVersion.string)")
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
extension AdaptiveStopping.Rule: ExpressibleByArgument {}

/// `--decoder`.
enum DecoderKind: String, ExpressibleByArgument, CaseIterable {
    case sample, foreal, adadec
}
