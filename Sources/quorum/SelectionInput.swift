import ArgumentParser
import Foundation
import QuorumEval
import QuorumTasks

/// Options shared by `quorum select` and `quorum eval`: how answers are compared.
struct EquivalenceOptions: ParsableArguments {
    @Option(help: "The kind of answer, which decides how answers are compared.")
    var kind: AnswerKindArgument = .math

    @Option(help: "Which equality rules to use (reference reproduces the RPC paper's equality).")
    var equality: EquivalenceModeArgument = .default

    /// The equivalence of QuorumTasks for the chosen kind and rules.
    var equivalence: any AnswerEquivalence {
        makeEquivalence(kind: kind.taskKind, mode: equality.mode)
    }
}

extension SelectionMethod: ExpressibleByArgument {}

/// Reads a file, or standard input for "-", chunk by chunk.
struct ChunkReader {
    let handle: FileHandle
    let name: String

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardInput
            name = "<stdin>"
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CommandError.unopenable(path: path)
            }
            self.handle = handle
            name = path
        }
    }

    /// The next chunk; empty at the end of the input.
    func next() -> Data {
        handle.availableData
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether `path` names a file in the RPC release format (one JSON object, `.json`) rather than paths JSONL.
func isRPCRelease(_ path: String) -> Bool {
    path != "-" && path.lowercased().hasSuffix(".json")
}
