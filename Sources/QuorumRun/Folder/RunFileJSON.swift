import Foundation

/// The one JSON encoding of the run folder's JSON files (`run.json`, `cost.json`, `eval.json`,
/// `selections.jsonl`): a value JSON cannot hold (NaN, ±∞) is refused with
/// ``RunError/nonFiniteField(file:key:value:)`` naming the file and the key, never written as a bare `NaN`
/// nor swallowed into an empty file.
public enum RunFileJSON {
    /// `value` as JSON for `file` (named in errors), with `formatting`; keys snake_case when `snakeCase`.
    public static func encode<T: Encodable>(
        _ value: T, for file: String, formatting: JSONEncoder.OutputFormatting, snakeCase: Bool = false
    ) throws(RunError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.nonConformingFloatEncodingStrategy = .throw
        do {
            return try encoder.encode(value)
        } catch let EncodingError.invalidValue(bad, context) {
            throw .nonFiniteField(file: file, key: keyPath(context.codingPath, snakeCase: snakeCase), value: "\(bad)")
        } catch {
            throw .io(path: file, operation: "encode", reason: "\(error)")
        }
    }

    /// `a.b[2].c` for a coding path.
    static func keyPath(_ path: [any CodingKey], snakeCase: Bool) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += snakeCase ? snakeCased(key.stringValue) : key.stringValue
            }
        }
        return out.isEmpty ? "(top level)" : out
    }

    /// `meanLogprob` → `mean_logprob`, as JSONEncoder's `.convertToSnakeCase` writes keys.
    static func snakeCased(_ key: String) -> String {
        var out = ""
        for c in key {
            if c.isUppercase, !out.isEmpty { out += "_" }
            out += c.lowercased()
        }
        return out
    }
}
