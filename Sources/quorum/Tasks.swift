import ArgumentParser
import Foundation
import QuorumTasks

/// `quorum tasks …`: look at task files the way the rest of Quorum will read them.
struct Tasks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and validate task files (JSON Lines, JSON arrays, XML; gzipped or not).",
        subcommands: [Inspect.self, Validate.self])

    /// The file and how to read it, shared by the `tasks` subcommands.
    struct FileOptions: ParsableArguments {
        @Argument(help: "The task file (.jsonl, .json, .xml, optionally .gz).")
        var file: String

        @Option(
            name: .customLong("field"),
            help: ArgumentHelp(
                "Map a field of an unknown layout: TARGET=PATH[+PATH…], TARGET one of question, answer, id,"
                    + " choices, labels, kind, record, meta.NAME. JSON paths are dotted (question.stem); XML paths"
                    + " are element paths (Problem/Body, Problem/@ID). Repeat for each target.",
                valueName: "target=source"))
        var fields: [String] = []

        @Option(help: "The task set's name in problem ids (default: the layout's usual name or the file name).")
        var name: String?

        @OptionGroup var taskFile: TaskFileFlags

        /// Loads the file, or prints why not and exits 1.
        func load() throws -> TaskSet {
            do throws(TaskLoadError) {
                let mapping = fields.isEmpty ? nil : try FieldMapping(parsing: fields)
                return try TaskLoader.load(file: file, options: taskFile.options(name: name, mapping: mapping))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a task file's layout, counts, three problems with their gold answers, and rejections.")

        @OptionGroup var options: FileOptions

        @Option(help: "How many rejections to list (they are all counted).")
        var showRejections: Int = 10

        func run() throws {
            let set = try options.load()
            let layout = TaskLayout(rawValue: set.layout)
            print("file:        \(set.source)")
            print("layout:      \(set.layout)\(layout.map { " (\($0.signature))" } ?? "")")
            print("task set:    \(set.name)")
            let kinds = Dictionary(grouping: set.problems, by: \.kind)
                .sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value.count)" }
            print("problems:    \(set.problems.count)\(kinds.isEmpty ? "" : " (\(kinds.joined(separator: ", ")))")")
            let withGold = set.problems.filter { $0.gold != nil }.count
            print("with gold:   \(withGold)")
            print("rejections:  \(set.rejections.count)")
            if !set.problems.isEmpty {
                print("\nexamples:")
                for problem in set.problems.prefix(3) {
                    print("  \(problem.id)  [\(problem.kind.rawValue)]  gold: \(problem.gold ?? "(none)")")
                    print("    \(Self.oneLine(problem.question, limit: 300))")
                    if !problem.choices.isEmpty {
                        let choices = problem.choices.map { "(\($0.label)) \(Self.oneLine($0.text, limit: 60))" }
                        print("    choices: \(choices.joined(separator: "  "))")
                    }
                    if !problem.metadata.isEmpty {
                        print("    metadata: \(problem.metadata.keys.sorted().joined(separator: ", "))")
                    }
                }
            }
            if !set.rejections.isEmpty {
                print("\nrejections by reason:")
                let counts = Dictionary(grouping: set.rejections) { TaskLoadError.category(ofReason: $0.reason) }
                    .map { ($0.key, $0.value.count) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
                for (reason, count) in counts { print(String(format: "  %6d  ", count) + reason) }
                print("\nfirst rejections:")
                for rejection in set.rejections.prefix(max(0, showRejections)) { print("  \(rejection)") }
                if set.rejections.count > showRejections {
                    print("  … \(set.rejections.count - showRejections) more (quorum tasks validate lists them all)")
                }
            }
        }

        static func oneLine(_ text: String, limit: Int) -> String {
            let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
            return flat.count > limit ? String(flat.prefix(limit)) + " …" : flat
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every rejected record as file:line[:column]: reason; with --strict, fail on any.",
            discussion: "Exit status: 0 when the file loads (with --strict: and nothing is rejected), 1 otherwise.")

        @OptionGroup var options: FileOptions

        @Flag(help: "Exit with status 1 when any record is rejected.")
        var strict = false

        func run() throws {
            let set = try options.load()
            for rejection in set.rejections { print(rejection) }
            print("\(set.source): layout \(set.layout), problems: \(set.problems.count), rejected: \(set.rejections.count)")
            if strict, !set.rejections.isEmpty { throw ExitCode(1) }
        }
    }
}
