import QuorumCore

/// A value found at a mapped path: text, or (JSON) an object that may be a labelled choice.
private enum MappedValue {
    case text(String)
    case choice(label: String?, text: String)
    case other(typeName: String)
}

extension FieldMapping {
    // MARK: JSON

    /// Reads one JSON record through the mapping.
    func problem(fromJSON r: JSONRecord) throws(TaskLoadError) -> RecordProblem {
        try problem(at: r.location) { path in Self.jsonValues(path, in: .object(r.fields)) }
    }

    /// The values at a dotted path; a path ending at an array yields its elements.
    private static func jsonValues(_ path: String, in root: TaskJSON) -> [MappedValue] {
        var current: [TaskJSON] = [root]
        for component in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            var next: [TaskJSON] = []
            for value in current {
                switch value {
                case .object(let fields):
                    if let field = fields[component], field != .null { next.append(field) }
                case .array(let items):
                    if let index = Int(component) {
                        if items.indices.contains(index) { next.append(items[index]) }
                    } else {
                        // A key applied to an array of objects applies to each of them.
                        for case .object(let fields) in items {
                            if let field = fields[component], field != .null { next.append(field) }
                        }
                    }
                default:
                    break
                }
            }
            current = next
        }
        return current.flatMap { value -> [TaskJSON] in
            if case .array(let items) = value { return items }
            return [value]
        }.map { value in
            if let text = value.scalarText { return .text(text) }
            if case .object(let fields) = value, let text = fields["text"]?.scalarText {
                return .choice(label: fields["label"]?.scalarText, text: text)
            }
            return .other(typeName: value.typeName)
        }
    }

    // MARK: XML

    /// The record elements of an XML document: every element named like the record element that is not
    /// inside another one, in document order.
    func records(inXML root: TaskXMLNode, file: String) throws(TaskLoadError) -> [ProblemSlot] {
        let name = try recordElement(root: root)
        var nodes: [TaskXMLNode] = []
        // Depth first in document order, with an explicit stack (no recursion over the tree).
        var pending = [root]
        while let node = pending.popLast() {
            if node.name == name {
                nodes.append(node)
            } else {
                pending.append(contentsOf: node.elements.reversed())
            }
        }
        return nodes.map { node in
            let location = XMLRecord.location(of: node, in: file)
            do throws(TaskLoadError) {
                let problem = try problem(at: location) { path in Self.xmlValues(path, in: node) }
                return ProblemSlot(location: location, result: .success(problem))
            } catch {
                return ProblemSlot(location: location, result: .failure(error))
            }
        }
    }

    /// `record=NAME`, or the element name that starts every path.
    private func recordElement(root: TaskXMLNode) throws(TaskLoadError) -> String {
        if let record {
            return String(record.split(separator: "/").last ?? Substring(record))
        }
        let firsts = Set(allSources.flatMap(\.paths).map { String($0.split(separator: "/").first ?? "") })
        guard firsts.count == 1, let first = firsts.first, !first.hasPrefix("@"), first != "" else {
            throw .invalidFieldMapping(
                spec: allSources.map(\.description).joined(separator: " "),
                detail: "for XML, start every path with the record element (e.g. Problem/Body, Problem/@ID)"
                    + " or give --field record=ELEMENT")
        }
        return first
    }

    /// The values at an element path relative to the record (which may be named first).
    private static func xmlValues(_ path: String, in record: TaskXMLNode) -> [MappedValue] {
        var components = path.split(separator: "/").map(String.init)
        if components.count > 1, components.first == record.name { components.removeFirst() }
        if components == [record.name] { return [.text(TaskText.trimmed(record.textContent))] }
        var current = [record]
        for (index, component) in components.enumerated() {
            if component.hasPrefix("@") {
                guard index == components.count - 1 else { return [] }
                let attribute = String(component.dropFirst())
                return current.compactMap { $0.attributes[attribute] }.map { .text(TaskText.trimmed($0)) }
            }
            current = current.flatMap { $0.elements(named: component) }
        }
        return current.map { .text(TaskText.trimmed($0.textContent)) }
    }

    // MARK: Both

    /// Builds a problem from the values the mapping finds through `values`.
    private func problem(
        at location: SourceLocation, values: (String) -> [MappedValue]
    ) throws(TaskLoadError) -> RecordProblem {
        func single(_ source: FieldSource, required: Bool) throws(TaskLoadError) -> String? {
            var parts: [String] = []
            for path in source.paths {
                let found = values(path)
                if found.isEmpty {
                    if required { throw .missingField(location, field: path) }
                    return nil
                }
                guard found.count == 1 else {
                    throw .invalidValue(location, field: path, detail: "\(found.count) values, expected one")
                }
                switch found[0] {
                case .text(let text): parts.append(TaskText.trimmed(text))
                case .choice: throw .wrongType(location, field: path, expected: "a string or a number", found: "an object")
                case .other(let typeName):
                    throw .wrongType(location, field: path, expected: "a string or a number", found: typeName)
                }
            }
            return parts.joined(separator: " ")
        }
        let kind = effectiveKind
        guard let question = try single(self.question, required: true), !question.isEmpty else {
            throw .invalidValue(location, field: self.question.description, detail: "empty")
        }
        var choices: [Choice] = []
        if let source = self.choices {
            var found: [(label: String?, text: String)] = []
            for path in source.paths {
                let matches = values(path)
                if matches.isEmpty { throw .missingField(location, field: path) }
                for match in matches {
                    switch match {
                    case .text(let text): found.append((nil, TaskText.trimmed(text)))
                    case .choice(let label, let text): found.append((label, TaskText.trimmed(text)))
                    case .other(let typeName):
                        throw .wrongType(location, field: path, expected: "strings or {label, text} objects", found: typeName)
                    }
                }
            }
            var labels: [String]
            if let labelSource = self.labels {
                labels = []
                for path in labelSource.paths {
                    for match in values(path) {
                        guard case .text(let label) = match else {
                            throw .wrongType(location, field: path, expected: "strings", found: "a structured value")
                        }
                        labels.append(TaskText.trimmed(label))
                    }
                }
                guard labels.count == found.count else {
                    throw .invalidValue(
                        location, field: labelSource.description,
                        detail: "\(labels.count) labels for \(found.count) choices")
                }
            } else if found.allSatisfy({ $0.label != nil }) {
                labels = found.map { $0.label! }
            } else {
                labels = found.indices.map { Self.defaultLabel($0) }
            }
            choices = zip(labels, found).map { Choice(label: $0, text: $1.text) }
            if Set(labels).count != labels.count {
                throw .invalidValue(location, field: source.description, detail: "repeated choice labels")
            }
        }
        var gold: String?
        if let source = answer, let text = try single(source, required: true) {
            guard !text.isEmpty else { throw .invalidValue(location, field: source.description, detail: "empty") }
            switch kind {
            case .math: gold = GoldAnswer.math(text)
            case .choice:
                guard choices.isEmpty || choices.contains(where: { $0.label == text }) else {
                    throw .invalidValue(
                        location, field: source.description,
                        detail: "'\(text)' is not one of the labels \(choices.map(\.label).joined(separator: ", "))")
                }
                gold = text
            case .text, .code: gold = text
            }
        }
        var metadata: [String: String] = [:]
        for (key, source) in self.metadata {
            let texts = source.paths.flatMap(values).compactMap { value -> String? in
                switch value {
                case .text(let text): text
                case .choice(_, let text): text
                case .other: nil
                }
            }
            if !texts.isEmpty { metadata[key] = texts.joined(separator: "\n") }
        }
        let nativeID = try id.flatMap { source throws(TaskLoadError) in try single(source, required: true) }
        return RecordProblem(
            nativeID: nativeID, question: question, kind: kind, gold: gold, choices: choices, metadata: metadata)
    }

    /// A, B, …, Z, then 27, 28 ….
    private static func defaultLabel(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : String(index + 1)
    }
}
