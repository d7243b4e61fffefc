import Foundation
import QuorumCore

/// Imports the RPC paper's released sampled paths (the Hugging Face `*-Reasoning-Paths` layout, also
/// fixtures/rpc/fixture.json) as a ``PathPool``, so that the paper's data can be evaluated unchanged.
///
/// The file is one JSON object of parallel arrays over n problems and m paths:
///
///     predict[n][m]            extracted answer of path j of problem i ("" when none)
///     answer[n]                gold answer (a string; a number is accepted and written as text)
///     completion[n][m]         full completion text
///     mean_logprob[n][m]       mean token log-probability
///     cumulative_logprob[n][m], prompt[n], temperature, top_p, accuracy[m][n]   (not needed; ignored)
///
/// Problem i is named `"\(i)"`; path j has label j. Every problem must have the same m. Errors name the
/// field and index (e.g. `mean_logprob[3][7]`). Python's `-Infinity` is read (probability 0); NaN is an error.
public enum RPCRelease {
    /// Reads the release file at `path`.
    public static func load(file path: String) throws(EvalError) -> PathPool {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try parse(data, file: path)
    }

    /// Parses a release file's bytes.
    public static func parse(_ data: Data, file: String) throws(EvalError) -> PathPool {
        let location = SourceLocation(file: file)
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let release: ReleaseFile
        do {
            release = try decoder.decodeUTF8(ReleaseFile.self, from: data)
        } catch let error as DecodingError {
            let (field, reason) = describe(error)
            throw .invalidRelease(location, field: field, reason: reason)
        } catch {
            throw .invalidRelease(location, field: "(file)", reason: "not valid JSON")
        }
        let n = release.predict.count
        for (name, count) in [
            ("answer", release.answer.count), ("completion", release.completion.count),
            ("mean_logprob", release.meanLogprob.count),
        ] where count != n {
            throw .invalidRelease(location, field: name, reason: "has \(count) problems but predict has \(n)")
        }
        guard n > 0 else { throw .invalidRelease(location, field: "predict", reason: "no problems") }
        let m = release.predict[0].count
        var problems: [ProblemPaths] = []
        problems.reserveCapacity(n)
        for i in 0..<n {
            for (name, count) in [
                ("predict", release.predict[i].count), ("completion", release.completion[i].count),
                ("mean_logprob", release.meanLogprob[i].count),
            ] where count != m {
                throw .invalidRelease(
                    location, field: "\(name)[\(i)]", reason: "has \(count) paths but predict[0] has \(m)")
            }
            var texts: [String: Int] = [:]
            var paths: [PathSummary] = []
            paths.reserveCapacity(m)
            for j in 0..<m {
                let meanLogprob = release.meanLogprob[i][j]
                if meanLogprob.isNaN || meanLogprob > 0 {
                    throw .invalidRelease(
                        location, field: "mean_logprob[\(i)][\(j)]",
                        reason: "\(meanLogprob) is not a log-probability (NaN or above 0)")
                }
                let text = release.completion[i][j]
                let completion = texts[text] ?? texts.count
                texts[text] = completion
                paths.append(PathSummary(
                    label: j, answer: release.predict[i][j], completion: completion, meanLogprob: meanLogprob))
            }
            problems.append(ProblemPaths(problem: String(i), gold: release.answer[i].text, paths: paths))
        }
        return PathPool(source: file, problems: problems)
    }

    private static func describe(_ error: DecodingError) -> (field: String, reason: String) {
        func name(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text.isEmpty ? "(file)" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return (name(context.codingPath + [key]), "missing")
        case .typeMismatch(let type, let context):
            return (name(context.codingPath), "wrong type: expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (name(context.codingPath), "expected \(typeName(type)), found null")
        case .dataCorrupted(let context):
            return (name(context.codingPath), context.codingPath.isEmpty ? "not valid JSON" : context.debugDescription)
        @unknown default: return ("(file)", "unreadable")
        }
    }

    /// "a string", "a number" …: the JSON type a Swift type is read from, for messages.
    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type: "an integer"
        case is GoldValue.Type: "a string or a number"
        default: type is any Collection.Type ? "an array" : "\(type)"
        }
    }

    private struct ReleaseFile: Decodable {
        var predict: [[String]]
        var answer: [GoldValue]
        var completion: [[String]]
        var meanLogprob: [[Double]]

        enum CodingKeys: String, CodingKey {
            case predict, answer, completion
            case meanLogprob = "mean_logprob"
        }
    }

    /// A gold answer written as a string or a number.
    private struct GoldValue: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                // Not the Double decode's "expected Double": a gold may be either.
                throw DecodingError.valueNotFound(
                    GoldValue.self, .init(codingPath: decoder.codingPath, debugDescription: "gold is null"))
            }
            if let string = try? container.decode(String.self) {
                text = string
            } else if let integer = try? container.decode(Int.self) {
                text = String(integer)
            } else {
                let number = try container.decode(Double.self)
                guard number.isFinite else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "gold is not finite")
                }
                text = String(number)
            }
        }
    }
}
