import Foundation
import QuorumTasks
import Testing

/// The regression corpus: real model outputs and the failure modes users report, each with the answer
/// (or the "no answer" outcome) that extraction must give. See Resources/README.md.
@Suite struct ExtractionCorpusTests {
    struct Case: Sendable {
        var id: String
        var kind: TaskKind
        var text: String
        var choices: [Choice]
        var expected: String?
    }

    /// The corpus, loaded once for all tests of the suite.
    static let corpus = Result { try readCorpus() }

    static func loadCases() throws -> [Case] { try corpus.get() }

    /// Reads the corpus, resolving texts and options that live in ../shared.
    static func readCorpus() throws -> [Case] {
        let data = try ExtractionTestSupport.resource("extraction-corpus.jsonl")
        var sharedFiles: [String: Data] = [:]
        var sharedLines: [String: [Data.SubSequence]] = [:]
        func sharedRecord(_ source: [String: Any]) throws -> Any {
            guard let file = source["file"] as? String else {
                throw ExtractionTestSupport.SupportError.malformed("source without file")
            }
            if sharedFiles[file] == nil { sharedFiles[file] = try ExtractionTestSupport.sharedData(file) }
            let bytes = sharedFiles[file]!
            if let line = source["line"] as? Int {
                if sharedLines[file] == nil {
                    sharedLines[file] = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                }
                let lines = sharedLines[file]!
                guard line >= 1, line <= lines.count else {
                    throw ExtractionTestSupport.SupportError.malformed("\(file):\(line)")
                }
                return try JSONSerialization.jsonObject(with: Data(lines[line - 1]))
            }
            return try JSONSerialization.jsonObject(with: bytes)
        }
        func follow(_ value: Any, _ path: [Any]) throws -> Any {
            var current = value
            for step in path {
                if let key = step as? String, let object = current as? [String: Any], let next = object[key] {
                    current = next
                } else if let index = step as? Int, let array = current as? [Any], array.indices.contains(index) {
                    current = array[index]
                } else {
                    throw ExtractionTestSupport.SupportError.malformed("path \(path)")
                }
            }
            return current
        }
        var cases: [Case] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["id"] as? String, let kindName = object["kind"] as? String,
                let kind = TaskKind(rawValue: kindName)
            else { throw ExtractionTestSupport.SupportError.malformed("corpus line \(number + 1)") }
            var record: Any?
            var text: String
            if let inline = object["text"] as? String {
                text = inline
            } else if let source = object["source"] as? [String: Any], let path = source["path"] as? [Any] {
                record = try sharedRecord(source)
                guard let found = try follow(record!, path) as? String else {
                    throw ExtractionTestSupport.SupportError.malformed("\(id): source is not a string")
                }
                text = found
            } else {
                throw ExtractionTestSupport.SupportError.malformed("\(id): no text")
            }
            if let cut = object["truncateBefore"] as? String {
                guard let range = text.range(of: cut) else { throw ExtractionTestSupport.SupportError.malformed("\(id): no \(cut)") }
                text = String(text[..<range.lowerBound])
            }
            var choices: [Choice] = []
            if let inline = object["choices"] as? [[String: String]] {
                choices = inline.map { Choice(label: $0["label"] ?? "", text: $0["text"] ?? "") }
            } else if let source = object["choicesSource"] as? [String: Any], let path = source["path"] as? [Any],
                let record, let table = try follow(record, path) as? [String: [String]],
                let labels = table["label"], let texts = table["text"]
            {
                choices = zip(labels, texts).map { Choice(label: $0, text: $1) }
            }
            cases.append(Case(id: id, kind: kind, text: text, choices: choices, expected: object["expected"] as? String))
        }
        return cases
    }

    @Test func everyCaseGivesItsExpectedAnswer() throws {
        let cases = try Self.loadCases()
        var failures: [String] = []
        for item in cases {
            let outcome = makeExtractor(kind: item.kind, choices: item.choices).extract(from: item.text)
            let got = outcome.answer?.normalized
            if got != item.expected {
                failures.append("\(item.id): expected \(item.expected ?? "no answer"), got \(got ?? "no answer")")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) cases fail:\n\(failures.joined(separator: "\n"))")
    }

    @Test func corpusIsLargeAndCoversEveryKindOfCase() throws {
        let cases = try Self.loadCases()
        #expect(cases.count >= 150)
        let real = cases.filter { !$0.id.hasPrefix("failure/") }
        #expect(real.count >= 100)
        #expect(cases.filter { $0.id.hasPrefix("engine/") }.count == 9)
        #expect(cases.contains { $0.expected == nil && $0.kind == .math })
        #expect(cases.contains { $0.expected == nil && $0.kind == .choice })
        #expect(Set(cases.map(\.id)).count == cases.count, "ids are unique")
    }

    @Test func numericAnswersCarryTheirValue() throws {
        for item in try Self.loadCases() where item.kind == .math {
            guard let answer = makeExtractor(kind: .math).extract(from: item.text).answer,
                let expected = item.expected, Double(expected) != nil
            else { continue }
            #expect(answer.numericValue == Double(expected), "\(item.id)")
        }
    }
}
