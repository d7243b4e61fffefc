import Foundation

extension JSONDecoder {
    /// Decodes `type` from `data` as ``decode(_:from:)`` does, but refuses bytes that are not UTF-8 first
    /// (JSON is UTF-8, RFC 8259), with the `DecodingError.dataCorrupted` the strict reader gives.
    ///
    /// Foundation's JSON5 scanner (`allowsJSON5`, which Quorum uses to read Python's `-Infinity` and `NaN`)
    /// stops the process on some bytes that are not UTF-8 instead of throwing: the 9 bytes `{ FF FF d": 1}`
    /// are a fatal error in `BufferView._decodeScalar` (swift-corelibs-foundation of Swift 6.3.1). Found by
    /// the `FuzzPaths` and `FuzzHTTP` targets (docs/fuzzing.md); every JSON5 read goes through here.
    public func decodeUTF8<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard Self.isUTF8(data) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "The given data was not valid JSON (not UTF-8)."))
        }
        return try decode(type, from: data)
    }

    /// Whether `data` is well-formed UTF-8.
    public static func isUTF8(_ data: Data) -> Bool {
        var codec = UTF8()
        var bytes = data.makeIterator()
        while true {
            switch codec.decode(&bytes) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}

extension JSONDecoder {
    /// The decoder of paths.jsonl lines: reads a log-probability of −∞ both as Quorum writes it, the JSON string
    /// `"-Infinity"` (strict JSON, docs/formats.md), and as Python's `json` writes it, a bare `-Infinity`
    /// (JSON5); `"Infinity"` and `"NaN"` are read too, so that the checks after decoding refuse them by name.
    public static func pathsDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }
}
