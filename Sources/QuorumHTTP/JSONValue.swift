import Foundation
import QuorumCore

/// A parsed JSON document, walked by ``JSONCursor`` so that every complaint names where it is.
enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// Parses `bytes`. Strict JSON first; Python servers write `-Infinity` and `NaN` for extreme
    /// log-probabilities, so a document containing those words is read again with JSON5 number rules.
    static func parse(_ bytes: [UInt8]) throws(JSONCursor.Failure) -> JSONValue {
        let data = Data(bytes)
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let strictError {
            let text = String(decoding: bytes, as: UTF8.self)
            if text.contains("Infinity") || text.contains("NaN") {
                let decoder = JSONDecoder()
                decoder.allowsJSON5 = true
                if let value = try? decoder.decodeUTF8(JSONValue.self, from: data) { return value }
            }
            throw JSONCursor.Failure(path: "", reason: Self.describe(strictError, bytes: bytes))
        }
    }

    private static func describe(_ error: any Error, bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "empty body" }
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "not valid JSON" + (underlying.map { " (\($0))" } ?? "")
        }
        return "not valid JSON"
    }
}

/// A position in a ``JSONValue`` with its path (`choices[0].logprobs`), for typed reads with clear errors.
struct JSONCursor {
    /// A value that is missing or of the wrong type, with where.
    struct Failure: Error {
        var path: String
        var reason: String
    }

    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    var isNull: Bool { value == .null }

    func fail(_ reason: String) -> Failure { Failure(path: path, reason: reason) }

    private var typeName: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The member `key`, or `nil` when absent or null.
    subscript(key: String) -> JSONCursor? {
        guard case .object(let members) = value, let member = members[key], member != .null else { return nil }
        return JSONCursor(member, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func has(_ key: String) -> Bool { self[key] != nil }

    func required(_ key: String) throws(Failure) -> JSONCursor {
        guard case .object = value else { throw fail("expected an object, found \(typeName)") }
        guard let member = self[key] else { throw Failure(path: path.isEmpty ? key : "\(path).\(key)", reason: "missing") }
        return member
    }

    func object() throws(Failure) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw fail("expected an object, found \(typeName)") }
        return members
    }

    func array() throws(Failure) -> [JSONCursor] {
        guard case .array(let items) = value else { throw fail("expected an array, found \(typeName)") }
        return items.enumerated().map { JSONCursor($1, path: "\(path)[\($0)]") }
    }

    func string() throws(Failure) -> String {
        guard case .string(let s) = value else { throw fail("expected a string, found \(typeName)") }
        return s
    }

    func number() throws(Failure) -> Double {
        guard case .number(let d) = value else { throw fail("expected a number, found \(typeName)") }
        return d
    }

    /// Largest positive log-probability read as rounding noise around 0 (and read as 0): servers compute
    /// log-softmax in float32, which can overshoot 0 by a few ulps of the largest logit.
    static let logprobRoundingTolerance = 1e-4

    /// A log-probability: a number that is not NaN and not above 0 (−∞ is allowed; a value in
    /// (0, ``logprobRoundingTolerance``] is float rounding and reads as 0). Above that it is a probability
    /// above 1: malformed output, refused with where it is.
    func logprob() throws(Failure) -> Double {
        let d = try number()
        if d.isNaN || d == .infinity { throw fail("log-probability is \(d)") }
        if d > Self.logprobRoundingTolerance {
            throw fail("log-probability \(d) is above 0 (a probability above 1): the server's output is malformed")
        }
        return min(d, 0)
    }

    func int() throws(Failure) -> Int {
        let d = try number()
        guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else { throw fail("expected an integer, found \(d)") }
        return Int(d)
    }

    /// A byte array (`[226, 128, 153]`).
    func bytes() throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        for item in try array() {
            let v = try item.int()
            guard (0...255).contains(v) else { throw item.fail("byte value \(v) out of range") }
            out.append(UInt8(v))
        }
        return out
    }
}
