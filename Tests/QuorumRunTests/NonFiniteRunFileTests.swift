import Foundation
import QuorumCore
import QuorumRun
import Testing

/// No run file ever holds a number JSON cannot: paths.jsonl wrote bare `NaN` before issue 15, and run.json
/// and cost.json were written empty when encoding failed.
@Suite struct NonFiniteRunFileTests {
    static func path(mean: Double = -0.5, logprobs: [Double] = [-0.5, -0.5], score: Double? = nil) -> ReasoningPath {
        ReasoningPath(
            problem: "p/1", path: 3, text: "t", answer: "1", meanLogprob: mean, logprobs: logprobs, model: "m@1",
            score: score)
    }

    @Test(arguments: [
        (path(mean: .nan), "mean_logprob", "nan"), (path(logprobs: [-0.5, .nan]), "logprobs[1]", "nan"),
        (path(mean: .infinity), "mean_logprob", "inf"), (path(score: -.infinity), "score", "-inf"),
    ])
    func aPathWithANonFiniteNumberIsRefusedNamingProblemPathAndField(path: ReasoningPath, field: String, value: String) {
        do {
            let line = try PathLine.encode(path, gold: "1")
            Issue.record("written: \(line)")
        } catch {
            #expect(error.description.hasPrefix("problem p/1, path 3: \(field) is \(value) (model m@1), which JSON cannot hold"), "\(error)")
        }
    }

    /// −∞ (a token of probability 0, the mean of an empty completion) is written as the string "-Infinity": the
    /// line is strict JSON (a strict parser reads it), and Quorum's reader gives −∞ back.
    @Test func aLogProbabilityOfMinusInfinityIsWrittenAsStrictJSON() throws {
        let line = try PathLine.encode(Self.path(mean: -.infinity, logprobs: [-.infinity]), gold: nil)
        #expect(line.contains(#""logprobs":["-Infinity"],"mean_logprob":"-Infinity""#), "\(line)")
        #expect(!line.contains("NaN"))
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(line.utf8)) }
        let (groups, _) = try PathsReader.read(Data((line + "\n").utf8), file: "paths.jsonl")
        #expect(groups.first?.paths.first?.meanLogprob == -.infinity)
        #expect(groups.first?.paths.first?.logprobs == [-.infinity])
    }

    struct Figures: Encodable {
        struct Inner: Encodable { var eceMean: [Double] }
        var methods: [String: Inner]
    }

    @Test func theRunFileEncoderRefusesNonFiniteNumbersNamingFileAndKey() throws {
        let good = try RunFileJSON.encode(Figures(methods: ["sc": .init(eceMean: [0.5])]), for: "eval.json", formatting: [.sortedKeys], snakeCase: true)
        #expect(String(decoding: good, as: UTF8.self) == #"{"methods":{"sc":{"ece_mean":[0.5]}}}"#)
        do {
            _ = try RunFileJSON.encode(Figures(methods: ["sc": .init(eceMean: [0.5, .nan])]), for: "eval.json", formatting: [], snakeCase: true)
            Issue.record("NaN encoded")
        } catch {
            #expect(error == .nonFiniteField(file: "eval.json", key: "methods.sc.ece_mean[1]", value: "nan"))
            #expect(error.description == "eval.json: methods.sc.ece_mean[1] is nan, which JSON cannot hold; refusing to write it")
        }
    }
}
