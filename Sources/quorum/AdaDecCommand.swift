import ArgumentParser
import Foundation
import QuorumDecode
import QuorumEngine
import QuorumRun
import QuorumTasks

/// `quorum adadec`: AdaDec's threshold calibration.
struct AdaDecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adadec", abstract: "AdaDec (entropy-triggered rerank): learn and show its threshold τ.",
        subcommands: [Calibrate.self])

    struct Calibrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn τ for a model and prompt template from teacher-forced gold solutions.",
            discussion: """
                Renders each problem's prompt with the template (as quorum run does) and teacher-forces its gold \
                solution (GSM8K worked solutions, code tasks' canonical solutions); at every position records the \
                full-vocabulary entropy and whether the greedy token differs from the gold one; fits a class-balanced \
                one-feature logistic regression, picks the probability cut-off with the best accuracy on a held-out \
                20 % and converts it to an entropy τ. Stores it under $QUORUM_HOME/adadec/ keyed by the model's \
                SHA-256, the template's text and the entropy kind, where `quorum run --decoder adadec` finds it.

                --entropy top20 records instead the estimate a server allows: the full distribution reduced to its \
                20 most likely tokens and passed through the same lower bound (EntropyBounds) that AdaDec over HTTP \
                uses, so τ learned on the GGUF file applies to a server running it; give it to \
                `quorum run --model http://… --decoder adadec --threshold τ`.
                """)

        @Argument(help: "A task file whose problems carry gold solutions.")
        var taskSet: String

        @OptionGroup var modelOptions: ModelOptions

        @Option(help: "fewshot-math, fewshot-choice, chat, or a template file (default as quorum run).")
        var template: String?

        @Option(help: ArgumentHelp("Few-shot exemplars file.", valueName: "file"))
        var fewshot: String?

        @OptionGroup var taskFile: TaskFileFlags

        @Option(help: "Skip the first K problems (keep calibration problems apart from evaluated ones).")
        var offset = 0

        @Option(help: "Use at most N problems.")
        var limit = 40

        @Option(help: "Seed of the class balancing and the held-out split.")
        var seed: UInt64 = 0

        @OptionGroup var threadOptions: ThreadOptions

        @Option(help: ArgumentHelp(
            "full (the engine's full-vocabulary entropy) or topK, e.g. top20 (the top-K lower-bound estimate AdaDec "
                + "over HTTP uses).", valueName: "full|topK"))
        var entropy: String = "full"

        func validate() throws {
            if EntropyEstimate(name: entropy) == nil { throw ValidationError("--entropy must be full or topK (e.g. top20), not \(entropy)") }
        }

        func run() async throws {
            let estimate = EntropyEstimate(name: entropy) ?? .full
            let set = try TaskLoader.load(file: taskSet, options: taskFile.options())
            let problems = Array(set.problems.dropFirst(offset).prefix(limit))
            let kind = try RunPlan.kind(of: problems, source: taskSet)
            let m = try RunModel.load(modelOptions.model, threads: threadOptions.threads)
            let resolved = try ResolvedTemplate(
                name: template, fewShotFile: fewshot, kind: kind, chatTemplate: m.chatTemplate, model: m.name)
            let (positions, used, skipped) = try await AdaDecTeacherForcing.positions(
                model: m.model, problems: problems, template: resolved.template, entropy: estimate)
            guard used > 0 else { throw CommandError.failed("\(taskSet): none of the \(problems.count) problems carries a gold solution") }
            let calibration = try AdaDecCalibration.fit(positions, seed: seed)
            let key = AdaDecStore.Key(modelSHA256: m.sha256, template: resolved.template, entropy: estimate)
            let store = AdaDecStore()
            try store.save(
                AdaDecStore.Entry(
                    model: m.identity, template: resolved.template.name, taskSet: taskSet, offset: offset,
                    problems: used, skipped: skipped, calibration: calibration, entropy: estimate.description), key)
            print(String(
                format: "τ = %.4f nats (%@ entropy) for %@ with template %@ (%d problems, %d positions, greedy wrong %.1f %%; "
                    + "logistic w %.3f, b %.3f; cut-off %.3f, held-out accuracy %.3f on %d balanced positions); stored in %@",
                calibration.threshold, estimate.description, m.identity, resolved.template.name, used, calibration.positions,
                100 * calibration.wrongFraction, calibration.weight, calibration.bias, calibration.cutoff,
                calibration.heldOutAccuracy, calibration.heldOutPositions, store.file(key)))
        }
    }
}

