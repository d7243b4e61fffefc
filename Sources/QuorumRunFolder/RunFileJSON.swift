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
        // Non-finite numbers become marked strings, found again below with their whole key path (the
        // encoder's own error loses the keys above a dictionary).
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: marker + "inf", negativeInfinity: marker + "-inf", nan: marker + "nan")
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw .io(path: file, operation: "encode", reason: "\(error)")
        }
        guard data.range(of: Data(markerText.utf8)) != nil else { return data }
        let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let (key, bad) = object.flatMap { firstMarked(in: $0, path: "") } ?? ("(unknown key)", "a non-finite number")
        throw .nonFiniteField(file: file, key: key.isEmpty ? "(top level)" : key, value: bad)
    }

    /// Text no real field holds: a control character, then a name.
    static let markerText = "quorum-non-finite:"
    static let marker = "\u{1}" + markerText

    /// The key path and value (`nan`, `inf`, `-inf`) of the first marked string in `object`, keys sorted.
    static func firstMarked(in object: Any, path: String) -> (String, String)? {
        if let s = object as? String, s.hasPrefix(marker) { return (path, String(s.dropFirst(marker.count))) }
        if let array = object as? [Any] {
            for (i, element) in array.enumerated() {
                if let found = firstMarked(in: element, path: path + "[\(i)]") { return found }
            }
        }
        if let dictionary = object as? [String: Any] {
            for key in dictionary.keys.sorted() {
                if let found = firstMarked(in: dictionary[key]!, path: path.isEmpty ? key : path + "." + key) { return found }
            }
        }
        return nil
    }
}
