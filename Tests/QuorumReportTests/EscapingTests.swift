import Foundation
import QuorumReport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Hostile text (questions, model output) must come out as text in every format: never markup, never a
/// broken document.
@Suite struct EscapingTests {
    static let hostile = "<script>alert('x')</script> & \"quoted\" 'single' </details></pre> ]]> <!-- \u{1} -->"

    @Test func xmlEscapingKeepsEveryCharacterVisible() throws {
        let escaped = Markup.xml(Self.hostile)
        #expect(!escaped.contains("<") && !escaped.contains(">") && !escaped.contains("\""))
        let document = try XMLCheck.parse("<p>" + escaped + "</p>")
        // The control character, which XML cannot carry even as a reference, is shown as \u{1}.
        #expect(document.rootElement()?.stringValue == Self.hostile.replacingOccurrences(of: "\u{1}", with: "\\u{1}"))
        let attribute = try XMLCheck.parse("<p title=\"" + escaped + "\"/>")
        #expect(attribute.rootElement()?.attribute(forName: "title")?.stringValue
            == Self.hostile.replacingOccurrences(of: "\u{1}", with: "\\u{1}"))
    }

    @Test func markdownEscapingNeutralisesHTMLAndTableSyntax() {
        let escaped = Markup.markdown("a | b <script>x</script> *bold* [link](http://x) & `code`\nsecond line\r\nthird")
        #expect(!escaped.contains("<script>"))
        #expect(escaped.contains("&lt;script&gt;"))
        #expect(escaped.contains("\\|") && !escaped.replacingOccurrences(of: "\\|", with: "").contains("|"))
        #expect(escaped.contains("\\*bold\\*") && escaped.contains("\\[link\\]") && escaped.contains("&amp;"))
        #expect(!escaped.contains("\n") && !escaped.contains("\r"))
        #expect(escaped.components(separatedBy: "<br>").count == 3)
        // A fenced block outlasts any backtick run inside it.
        let block = Markup.markdownCodeBlock("before\n````\nafter")
        #expect(block.hasPrefix("`````text\n") && block.hasSuffix("\n`````\n"))
    }

    @Test func hostileQuestionIsTextInHTMLSVGAndMarkdown() throws {
        let fixture = try ReportFixture(problems: 4, paths: 4, questions: [0: Self.hostile, 2: "x < y && y > z; \"5\" & '6'"])
        defer { fixture.remove() }
        let report = try ReportBuilder(seedCount: 2, rpcProblem: "fixture/1").build([try RunInput.load(folder: fixture.folder)])
        let out = fixture.root.appendingPathComponent("report").path
        let output = try ReportWriter.write(report, to: out)

        let html = try XMLCheck.parse(file: out + "/report.html")
        // No script element anywhere, and the question is there as text.
        #expect(try html.nodes(forXPath: "//*[local-name()='script']").isEmpty)
        let questions = try html.nodes(forXPath: "//*[local-name()='p'][@class='question']").compactMap(\.stringValue)
        #expect(questions.contains(Self.hostile.replacingOccurrences(of: "\u{1}", with: "\\u{1}")))
        #expect(questions.contains("x < y && y > z; \"5\" & '6'"))
        // Model output with markup is text too.
        let pres = try html.nodes(forXPath: "//*[local-name()='pre']").compactMap(\.stringValue)
        #expect(pres.contains { $0.contains("<b>&amp;</b> \"quoted\"") })
        // The problem's id is in the RPC plot's title; every SVG parses.
        for file in output.files where file.hasSuffix(".svg") {
            _ = try XMLCheck.parse(file: out + "/" + file)
        }

        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(markdown.contains("x &lt; y &amp;&amp; y &gt; z"))
    }

    @Test func hostileTitlesAndLabelsInSVG() throws {
        let chart = Chart(
            id: "x\"><script>", title: Self.hostile, xAxis: Axis("<x>"), yAxis: Axis("&y"),
            marks: [.line(LineSeries(label: "</text><script>", points: [PlotPoint(x: 1, y: 1)], color: PlotColor("red\" onload=\"x")))])
        let document = try XMLCheck.parse(try chart.svg())
        #expect(try document.nodes(forXPath: "//*[local-name()='script']").isEmpty)
        let texts = try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("</text><script>") && texts.contains("<x>") && texts.contains("&y"))
        #expect(try document.nodes(forXPath: "//@onload").isEmpty)
    }
}
