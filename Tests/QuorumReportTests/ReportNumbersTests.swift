import Foundation
import QuorumRunFolder
import QuorumEval
import QuorumReport
import QuorumTasks
import QuorumTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The numbers a report shows (HTML tables, Markdown tables, report.json, plot annotations) against QuorumEval's
/// results computed here, independently, from the same run's paths.
@Suite struct ReportNumbersTests {
    static let methods = ["ppl", "sc", "pc", "rpc"]

    /// Mirrors of report.json's numeric fields (decoded exactly with JSONDecoder).
    struct JSONReport: Decodable {
        var schemaVersion: Int
        var runs: [JSONRun]
        enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", runs }
    }
    struct JSONRun: Decodable {
        var ks: [Int]
        var methods: [JSONMethod]
        var cost: JSONCost
        var problemsEvaluated: Int
        enum CodingKeys: String, CodingKey { case ks, methods, cost, problemsEvaluated = "problems_evaluated" }
    }
    struct JSONMethod: Decodable {
        var method: String
        var points: [JSONPoint]
    }
    struct JSONPoint: Decodable {
        var k: Int
        var summary: Summary
    }
    struct JSONCost: Decodable {
        var generatedTokens: Int
        var paths: Int
        enum CodingKeys: String, CodingKey { case generatedTokens = "generated_tokens", paths }
    }

    @Test func tablesJSONAndMarkdownMatchQuorumEval() throws {
        let fixture = try ReportFixture(problems: 9, paths: 6)
        defer { fixture.remove() }
        let report = try ReportBuilder().build([try RunInput.load(folder: fixture.folder)])
        let out = fixture.root.appendingPathComponent("report").path
        _ = try ReportWriter.write(report, to: out)

        // Independently: the pool, the protocol, the default math equality.
        let pool = try PathPool.load(pathsFile: fixture.pathsFile)
        let expected = try EvaluationProtocol(ks: [1, 2, 4, 6], seeds: Array(0..<10)).run(
            pool, methods: SelectionMethod.reference.map(\.aggregator), equivalence: makeEquivalence(kind: .math, mode: .default))

        let html = try XMLCheck.parse(file: out + "/report.html")
        let allCells = try html.nodes(forXPath: "//*[local-name()='td'][@data-k]")
        #expect(allCells.count == 4 * 4 * 5)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        let json = try JSONDecoder().decode(JSONReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
        #expect(json.schemaVersion == 1)
        #expect(json.runs[0].ks == [1, 2, 4, 6])
        #expect(json.runs[0].problemsEvaluated == 9)

        for method in Self.methods {
            let curve = try #require(expected.curve(method))
            var accuracyRow = "| \(method.uppercased()) |"
            for point in curve.points {
                let s = point.summary
                let texts: [(String, String)] = [
                    ("accuracy", String(format: "%.2f ± %.2f", s.accuracyMean, s.accuracyStd)),
                    ("ece", String(format: "%.2f ± %.2f", s.eceMean, s.eceStd)),
                    ("brier", String(format: "%.4f", s.brierMean)),
                    ("nll", String(format: "%.4f", s.nllMean)),
                    ("auroc", s.aurocMean.map { String(format: "%.4f", $0) } ?? "—"),
                ]
                for (metric, text) in texts {
                    let cells = try html.nodes(
                        forXPath: "//*[local-name()='td'][@data-run='0'][@data-method='\(method)'][@data-k='\(point.k)'][@data-metric='\(metric)']")
                    #expect(cells.count == 1, "\(method) K=\(point.k) \(metric)")
                    #expect(cells.first?.stringValue == text, "\(method) K=\(point.k) \(metric)")
                }
                accuracyRow += " " + texts[0].1 + " |"
                // report.json carries QuorumEval's summary bit for bit.
                let reported = try #require(json.runs[0].methods.first { $0.method == method }?.points.first { $0.k == point.k })
                #expect(reported.summary == s, "\(method) K=\(point.k)")
            }
            #expect(markdown.contains(accuracyRow + "\n"), "Markdown accuracy row of \(method): \(accuracyRow)")
        }

        // Cost: the generated tokens of every line.
        let (groups, _) = try PathsReader.read(file: fixture.pathsFile)
        let tokens = groups.flatMap(\.paths).compactMap(\.cost).reduce(0) { $0 + $1.generatedTokens }
        #expect(json.runs[0].cost.generatedTokens == tokens)
        #expect(json.runs[0].cost.paths == 9 * 6)
        let cell = try html.nodes(forXPath: "//*[local-name()='td'][@data-run='0'][@data-metric='generated_tokens']")
        #expect(cell.first?.stringValue == "\(tokens)")
    }

    @Test func reliabilityBinsAndPlotCountsMatchQuorumEval() throws {
        let fixture = try ReportFixture(problems: 12, paths: 5, seed: 11)
        defer { fixture.remove() }
        let report = try ReportBuilder(seedCount: 3).build([try RunInput.load(folder: fixture.folder)])
        let out = fixture.root.appendingPathComponent("report").path
        _ = try ReportWriter.write(report, to: out)
        let pool = try PathPool.load(pathsFile: fixture.pathsFile)
        let equivalence = makeEquivalence(kind: .math, mode: .default)
        for method in SelectionMethod.reference {
            let selections = try pool.problems.map { try method.aggregator.select($0, equivalence: equivalence) }
            let metrics = CalibrationMetrics.measure(selections)
            let calibration = try #require(report.runs[0].calibration.first { $0.method == method.rawValue })
            #expect(calibration.metrics == metrics)
            #expect(ReliabilityBin.expectedCalibrationError(calibration.bins) == metrics.ece)
            #expect(calibration.bins.count == 10)
            #expect(calibration.bins.map(\.problems).reduce(0, +) == selections.filter { ($0.candidates.map(\.confidence).max() ?? 0) > 0 }.count)
            // The plot writes each bin's count.
            let svg = try XMLCheck.parse(file: out + "/reliability-\(method.rawValue)-1.svg")
            let notes = try svg.nodes(forXPath: "//*[local-name()='text'][@class='bar-note']").compactMap(\.stringValue)
            #expect(notes == calibration.bins.map { "\($0.problems)" })
            // The caption's ECE.
            let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
            #expect(html.contains(String(format: "ECE %.2f (×100)", metrics.ece * 100)))
        }
    }

    @Test func rpcDiagnosticsMatchAnIndependentRPCSelection() throws {
        let fixture = try ReportFixture(problems: 10, paths: 8, seed: 3)
        defer { fixture.remove() }
        let report = try ReportBuilder(seedCount: 2).build([try RunInput.load(folder: fixture.folder)])
        let out = fixture.root.appendingPathComponent("report").path
        _ = try ReportWriter.write(report, to: out)
        let pool = try PathPool.load(pathsFile: fixture.pathsFile)
        let equivalence = makeEquivalence(kind: .math, mode: .default)
        let selections = try pool.problems.map { try ReasoningPruningConsistency().select($0, equivalence: equivalence) }
        let most = try #require(selections.map(\.pruned.count).max())
        let d = try #require(report.runs[0].rpcDiagnostics)
        // The default choice: the first problem where RPC pruned the most paths.
        let expected = try #require(selections.first { $0.pruned.count == most })
        #expect(most > 0)
        #expect(d.problem == expected.problem)
        #expect(d.pruned == expected.pruned)
        #expect(d.diagnostics == (expected.diagnostics ?? [:]))
        #expect(d.cut == expected.diagnostics?["cut"])
        let problem = try #require(pool.problems.first { $0.problem == expected.problem })
        #expect(d.probabilities == problem.paths.map(\.probability))
        #expect(d.mixture?.weight == expected.diagnostics?["w_high"])
        // The plot draws one red dot per pruned path and one green per kept path (plus one of each in the legend).
        let svg = try XMLCheck.parse(file: out + "/rpc-1.svg")
        let red = try svg.nodes(forXPath: "//*[local-name()='circle'][@fill='\(PlotColor.alert.svg)']").count
        let green = try svg.nodes(forXPath: "//*[local-name()='circle'][@fill='\(PlotColor.palette(2).svg)']").count
        #expect(red == expected.pruned.count + 1)
        #expect(green == problem.paths.count - expected.pruned.count + 1)
        // The cut is drawn.
        #expect(try svg.nodes(forXPath: "//*[local-name()='text'][.='cut (mean p)']").count == 1)
    }

    /// The committed report of two real smollm2-135m runs against the eval.json `quorum run` wrote for each
    /// (copies in docs/results/).
    @Test func committedReportAgreesWithTheRunsEvalJSON() throws {
        let root = SharedFiles.packageRoot()
        let reportFile = root.appendingPathComponent("reports/arith-easy-smollm2-135m/report.json")
        let report = try JSONDecoder().decode(JSONReport.self, from: Data(contentsOf: reportFile))
        struct Eval: Decodable { var methods: [String: [String: Summary]] }
        let evals = ["run-arith-easy-smollm2-135m", "run-arith-easy-t1.0-k8-smollm2-135m"]
        #expect(report.runs.count == evals.count)
        var compared = 0
        for (run, evalFolder) in zip(report.runs, evals) {
            let evalFile = root.appendingPathComponent("docs/results/\(evalFolder)/eval.json")
            let eval = try JSONDecoder().decode(Eval.self, from: Data(contentsOf: evalFile))
            #expect(run.problemsEvaluated == 40)
            for method in run.methods {
                for point in method.points {
                    let summary = try #require(eval.methods[method.method]?["\(point.k)"])
                    #expect(point.summary == summary, "\(evalFolder) \(method.method) K=\(point.k)")
                    compared += 1
                }
            }
        }
        #expect(compared == 4 * 5 + 4 * 4)
        // And every file of it is well-formed XML.
        let folder = root.appendingPathComponent("reports/arith-easy-smollm2-135m").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".svg") || $0.hasSuffix(".html") }
        #expect(files.count >= 12)
        for file in files { _ = try XMLCheck.parse(file: folder + "/" + file) }
    }
}
