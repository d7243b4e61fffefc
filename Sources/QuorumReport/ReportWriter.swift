import Foundation

/// Writes a report folder: report.html, report.md, report.json and one SVG file per plot.
public enum ReportWriter {
    /// The files written, relative to the folder.
    public struct Output: Sendable, Hashable {
        public var folder: String
        public var files: [String]
    }

    /// report.json: the ``Report`` with snake_case keys, sorted, pretty-printed (docs/report.md).
    public static func json(_ report: Report) throws(ReportError) -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        do {
            return try encoder.encode(report) + Data("\n".utf8)
        } catch {
            throw .io(path: "report.json", operation: "encode", reason: "\(error)")
        }
    }

    /// Renders every format of `report` into `folder` (created if needed; existing report files replaced).
    public static func write(_ report: Report, to folder: String) throws(ReportError) -> Output {
        let figures = try Figures.all(report)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .io(path: folder, operation: "create the report folder", reason: error.localizedDescription)
        }
        var files: [(String, Data)] = [
            ("report.html", Data(HTMLReport.render(report, figures: figures).utf8)),
            ("report.md", Data(MarkdownReport.render(report, figures: figures).utf8)),
            ("report.json", try json(report)),
        ]
        for figure in figures {
            files.append((figure.file, Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + figure.svg).utf8)))
        }
        for (name, data) in files {
            let path = folder + "/" + name
            do {
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw .io(path: path, operation: "write", reason: error.localizedDescription)
            }
        }
        return Output(folder: folder, files: files.map(\.0))
    }
}
