import Foundation
import QuorumEval

/// A comma-separated list option, such as `quorum eval --methods ppl,sc` or `--k 1,2,4`: its items in the
/// order given. Items are trimmed of spaces and empty items are skipped; at least one item is required.
///
/// Parsed by a throwing `transform` (``parse(_:item:noun:)``), so a bad item is reported by ArgumentParser
/// with the reason: `The value 'sc,vote' is invalid for '--methods <methods>': unknown method "vote" (known: …)`.
struct CommaSeparatedList<Element: Sendable & Hashable>: Sendable, Hashable {
    /// The items, in order.
    var items: [Element]

    init(_ items: [Element]) { self.items = items }

    /// Why a list option could not be read; the message follows ArgumentParser's "is invalid for '--option'".
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses `argument`, each item with `item` (which throws ``ParseError`` for a bad one); `noun` names an
    /// item in "give at least one NOUN".
    static func parse(
        _ argument: String, noun: String, item: (String) throws(ParseError) -> Element
    ) throws(ParseError) -> Self {
        var items: [Element] = []
        for part in argument.split(separator: ",") {
            items.append(try item(String(part)))
        }
        if items.isEmpty { throw ParseError(description: "give at least one \(noun)") }
        return Self(items)
    }
}

extension CommaSeparatedList where Element == SelectionMethod {
    /// The list as written on the command line: `ppl,sc,pc,rpc`.
    var argument: String { items.map(\.rawValue).joined(separator: ",") }

    /// Parses `sc,ppl,…`.
    static func methods(_ argument: String) throws(ParseError) -> Self {
        try parse(argument, noun: "method") { (text) throws(ParseError) in
            let name = text.trimmingCharacters(in: .whitespaces)
            guard let method = SelectionMethod(rawValue: name) else {
                throw ParseError(
                    description: "unknown method \"\(name)\" (known: "
                        + SelectionMethod.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            return method
        }
    }
}

extension CommaSeparatedList where Element == Int {
    /// The list as written on the command line: `1,2,4`.
    var argument: String { items.map(String.init).joined(separator: ",") }

    /// Parses positive integers, `1,2,4,…`.
    static func positiveCounts(_ argument: String) throws(ParseError) -> Self {
        try parse(argument, noun: "K") { (text) throws(ParseError) in
            guard let k = Int(text.trimmingCharacters(in: .whitespaces)), k >= 1 else {
                throw ParseError(description: "\"\(text)\" is not a positive integer")
            }
            return k
        }
    }
}
