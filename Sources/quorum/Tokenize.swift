import ArgumentParser
import Foundation
import QuorumCore
import QuorumEngine

/// `quorum tokenize`: a model's token ids and pieces for a text.
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the token ids and pieces a model's tokenizer gives for a text.")

    @OptionGroup var modelOptions: ModelOptions

    @Argument(help: "The text to tokenize (or use --file).")
    var text: String?

    @Option(name: .long, help: ArgumentHelp("Read the text from a file ('-' for standard input).", valueName: "path"))
    var file: String?

    @Flag(name: .long, help: "Print JSON: {\"ids\": […], \"pieces\": [{\"id\", \"piece\", \"piece_hex\"}, …]}.")
    var json = false

    @Flag(name: .long, help: "Let the text spell control tokens such as <|im_start|> (one token each).")
    var parseSpecial = false

    @Flag(name: .long, help: "Do not add the BOS/EOS tokens the model's metadata asks for.")
    var noAddSpecial = false

    @Flag(name: .long, help: "Print only the token count, the time taken and tokens per second (to stderr).")
    var stats = false

    func validate() throws {
        if (text == nil) == (file == nil) { throw ValidationError("give the text as an argument or with --file, not both") }
    }

    func run() throws {
        let input: String
        if let file {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let d = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                data = d
            }
            guard let s = String(data: data, encoding: .utf8) else { throw ValidationError("\(file) is not valid UTF-8") }
            input = s
        } else {
            input = text ?? ""
        }
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: modelOptions.resolvedPath()))
        let lost = tokenizer.unencodableBytes(in: input)
        if !lost.isEmpty {
            let bytes = Set(lost).sorted().map { String(format: "0x%02x", $0) }.joined(separator: ", ")
            FileHandle.standardError.write(Data("warning: this vocabulary has no token for byte(s) \(bytes); \(lost.count) byte(s) are left out, as llama.cpp does\n".utf8))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let ids = tokenizer.encode(input, addSpecial: !noAddSpecial, parseSpecial: parseSpecial)
        let elapsed = clock.now - start
        if stats {
            let seconds = elapsed.seconds
            let line = String(format: "%d tokens, %d bytes in %.3f s: %.0f tokens/s, %.1f MB/s\n",
                              ids.count, input.utf8.count, seconds, Double(ids.count) / seconds, Double(input.utf8.count) / seconds / 1e6)
            FileHandle.standardError.write(Data(line.utf8))
            return
        }
        if json {
            struct Piece: Encodable {
                let id: Int
                let piece: String?
                let piece_hex: String
            }
            struct Output: Encodable {
                let ids: [Int]
                let pieces: [Piece]
            }
            let pieces = ids.map { id in
                let bytes = tokenizer.tokenBytes(id)
                return Piece(id: id, piece: String(validating: bytes, as: UTF8.self),
                             piece_hex: bytes.map { String(format: "%02x", $0) }.joined())
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Output(ids: ids, pieces: pieces)), as: UTF8.self))
        } else {
            for id in ids { print("\(id)\t\(Self.quote(tokenizer.tokenBytes(id)))") }
        }
    }

    /// A piece as a quoted string: printable text as is, escapes for control characters, \xNN for bytes that
    /// are not valid UTF-8 on their own (part of a character split across tokens).
    static func quote(_ bytes: [UInt8]) -> String {
        var out = "\""
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0
            if length > 1, i + length <= bytes.count, let s = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                out += s
                i += length
                continue
            }
            switch b {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x20...0x7E: out.append(Character(Unicode.Scalar(b)))
            default: out += String(format: "\\x%02x", b)
            }
            i += 1
        }
        return out + "\""
    }
}
