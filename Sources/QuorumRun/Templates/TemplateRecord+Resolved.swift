import QuorumCore
import QuorumRunFolder

extension RunManifest.TemplateRecord {
    /// The record of `resolved`; `kind` is the run's problems' kind.
    public init(_ resolved: ResolvedTemplate, kind: TaskKind? = nil) {
        self.init(
            name: resolved.file == nil ? resolved.template.name : "file", text: resolved.template.text,
            stop: resolved.template.stop, file: resolved.file, fewshotSource: resolved.fewShotSource,
            codeAnswer: kind == .code ? resolved.template.codeAnswer.rawValue : nil)
    }
}
