import Foundation
import QuorumReport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// report.html needs nothing but itself; report.md's plots are the SVG files written beside it.
@Suite struct SelfContainedTests {
    @Test func htmlReferencesNothingOutsideItselfAndMarkdownFiguresExist() throws {
        let fixture = try ReportFixture(problems: 5, paths: 4)
        defer { fixture.remove() }
        let second = try fixture.copy(named: "run-b")
        let report = try ReportBuilder(seedCount: 2).build(
            [try RunInput.load(folder: fixture.folder), try RunInput.load(folder: second)])
        let out = fixture.root.appendingPathComponent("report").path
        let output = try ReportWriter.write(report, to: out)

        let html = try XMLCheck.parse(file: out + "/report.html")
        #expect(try html.nodes(forXPath: "//*[local-name()='script' or local-name()='link' or local-name()='img' or local-name()='iframe']").isEmpty)
        #expect(try html.nodes(forXPath: "//@src").isEmpty)
        let hrefs = try html.nodes(forXPath: "//@href").compactMap(\.stringValue)
        #expect(!hrefs.isEmpty && hrefs.allSatisfy { $0.hasPrefix("#") }, "\(hrefs.filter { !$0.hasPrefix("#") })")
        // Every inline SVG is there (one per plot file), and every in-page link has its target.
        let svgs = output.files.filter { $0.hasSuffix(".svg") }
        #expect(try html.nodes(forXPath: "//*[local-name()='svg']").count == svgs.count)
        let ids = Set(try html.nodes(forXPath: "//@id").compactMap(\.stringValue))
        for href in hrefs { #expect(ids.contains(String(href.dropFirst())), "\(href)") }
        #expect(ids.count == (try html.nodes(forXPath: "//@id").count), "ids are unique")
        // Two runs side by side: a row each in the summary table, with QuorumEval's numbers at the largest K.
        for (index, run) in report.runs.enumerated() {
            for method in ["ppl", "sc", "pc", "rpc"] {
                let summary = try #require(run.methods.first { $0.method == method }?.points.last?.summary)
                let accuracy = try html.nodes(forXPath: "//*[local-name()='td'][@data-run='\(index)'][@data-method='\(method)'][@data-summary='accuracy']")
                let ece = try html.nodes(forXPath: "//*[local-name()='td'][@data-run='\(index)'][@data-method='\(method)'][@data-summary='ece']")
                #expect(accuracy.map(\.stringValue) == [String(format: "%.2f", summary.accuracyMean)])
                #expect(ece.map(\.stringValue) == [String(format: "%.2f", summary.eceMean)])
            }
        }
        // Per-run plots for both.
        for name in ["accuracy-vs-k-1.svg", "accuracy-vs-k-2.svg", "rpc-1.svg", "rpc-2.svg", "reliability-sc-2.svg"] {
            #expect(svgs.contains(name), "\(name)")
        }

        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        let images = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
        #expect(Set(images) == Set(svgs))
        for image in images { #expect(FileManager.default.fileExists(atPath: out + "/" + image), "\(image)") }
    }
}
