import QuorumCore

extension TaskLayout {
    /// Reads the records of an XML document of this (XML) layout.
    ///
    /// Returns the set name the document gives (Quorum's `<taskset name>`) and one slot per record; an
    /// element that is not a record of the layout is a rejected slot of its own, never skipped.
    func problems(fromXML root: TaskXMLNode, file: String) throws(TaskLoadError) -> (name: String?, slots: [ProblemSlot]) {
        switch self {
        case .asdivXML:
            // <Machine-Reading-Corpus-File><ProblemSet><Problem>…; a bare <ProblemSet> root is read too.
            let sets = root.name == "ProblemSet" ? [root] : root.elements
            var slots: [ProblemSlot] = []
            for set in sets {
                guard set.name == "ProblemSet" else {
                    slots.append(unexpected(set, in: root, file: file))
                    continue
                }
                for element in set.elements {
                    slots.append(
                        element.name == "Problem"
                            ? slot(element, file: file, read: asdivProblem) : unexpected(element, in: set, file: file))
                }
            }
            return (nil, slots)
        case .copa:
            let slots = root.elements.map { element in
                element.name == "item" ? slot(element, file: file, read: copaItem) : unexpected(element, in: root, file: file)
            }
            return (nil, slots)
        case .quorumXML:
            let record = XMLRecord(node: root, file: file)
            for name in root.attributes.keys where name != "name" && name != "kind" {
                throw .unexpectedAttribute(record.location, attribute: name, element: root.name)
            }
            var setKind = TaskKind.math
            if let kindText = root.attributes["kind"] {
                setKind = try Self.kind(kindText, at: record.location)
            }
            let slots = root.elements.map { element in
                element.name == "problem"
                    ? slot(element, file: file) { r throws(TaskLoadError) in try quorumProblem(r, setKind: setKind) }
                    : unexpected(element, in: root, file: file)
            }
            let name = root.attributes["name"].map(TaskText.trimmed)
            return (name?.isEmpty == false ? name : nil, slots)
        default:
            preconditionFailure("\(rawValue) is not an XML layout")
        }
    }

    private func slot(
        _ node: TaskXMLNode, file: String, read: (XMLRecord) throws(TaskLoadError) -> RecordProblem
    ) -> ProblemSlot {
        let record = XMLRecord(node: node, file: file)
        do throws(TaskLoadError) {
            return ProblemSlot(location: record.location, result: .success(try read(record)))
        } catch {
            return ProblemSlot(location: record.location, result: .failure(error))
        }
    }

    private func unexpected(_ node: TaskXMLNode, in parent: TaskXMLNode, file: String) -> ProblemSlot {
        let location = XMLRecord.location(of: node, in: file)
        return ProblemSlot(
            location: location, result: .failure(.unexpectedElement(location, element: node.name, parent: parent.name)))
    }

    /// ASDiv: `<Problem ID Grade Source><Body/><Question/><Solution-Type/><Answer>9 (apples)</Answer><Formula/>`.
    private func asdivProblem(_ r: XMLRecord) throws(TaskLoadError) -> RecordProblem {
        let question = try r.text("Body") + " " + r.text("Question")
        let gold = GoldAnswer.math(try r.text("Answer"))
        return RecordProblem(
            nativeID: r.node.attributes["ID"].map(TaskText.trimmed), question: question, kind: .math, gold: gold,
            metadata: r.metadata(excludingElements: ["Body", "Question", "Answer"], attributes: ["ID"]))
    }

    /// Balanced COPA: `<item id asks-for="cause|effect" most-plausible-alternative="1|2"><p/><a1/><a2/></item>`;
    /// the question is the premise followed by "What was the cause?" or "What happened as a result?".
    private func copaItem(_ r: XMLRecord) throws(TaskLoadError) -> RecordProblem {
        let asksFor = try r.attribute("asks-for")
        let prompt: String
        switch asksFor {
        case "cause": prompt = "What was the cause?"
        case "effect": prompt = "What happened as a result?"
        default:
            throw .invalidValue(r.location, field: "@asks-for", detail: "'\(asksFor)' is neither cause nor effect")
        }
        let choices = [Choice(label: "1", text: try r.text("a1")), Choice(label: "2", text: try r.text("a2"))]
        let gold = try r.attribute("most-plausible-alternative")
        guard gold == "1" || gold == "2" else {
            throw .invalidValue(r.location, field: "@most-plausible-alternative", detail: "'\(gold)' is neither 1 nor 2")
        }
        var metadata = r.metadata(excludingElements: ["p", "a1", "a2"], attributes: ["id", "most-plausible-alternative"])
        metadata["premise"] = try r.text("p")
        return RecordProblem(
            nativeID: try r.attribute("id"), question: try r.text("p") + " " + prompt, kind: .choice, gold: gold,
            choices: choices, metadata: metadata)
    }

    /// Quorum's schema (see docs/formats.md): `<problem id kind><question/><choice label/>*<answer/>?<meta name/>*`.
    private func quorumProblem(_ r: XMLRecord, setKind: TaskKind) throws(TaskLoadError) -> RecordProblem {
        for name in r.node.attributes.keys where name != "id" && name != "kind" {
            throw .unexpectedAttribute(r.location, attribute: name, element: "problem")
        }
        let kind = try r.node.attributes["kind"].map { text throws(TaskLoadError) in
            try Self.kind(text, at: r.location)
        } ?? setKind
        var choices: [Choice] = []
        var metadata: [String: String] = [:]
        for child in r.node.elements {
            let at = XMLRecord.location(of: child, in: r.file)
            switch child.name {
            case "question", "answer":
                continue
            case "choice":
                guard let label = child.attributes["label"].map(TaskText.trimmed), !label.isEmpty else {
                    throw .missingField(at, field: "choice/@label")
                }
                choices.append(Choice(label: label, text: TaskText.trimmed(child.textContent)))
            case "meta":
                guard let name = child.attributes["name"], !name.isEmpty else {
                    throw .missingField(at, field: "meta/@name")
                }
                metadata[name] = TaskText.trimmed(child.textContent)
            default:
                throw .unexpectedElement(at, element: child.name, parent: "problem")
            }
        }
        if kind == .choice, choices.isEmpty { throw .missingField(r.location, field: "<choice>") }
        var gold: String?
        if let answer = try r.optionalChild("answer") {
            let text = TaskText.trimmed(answer.textContent)
            let at = XMLRecord.location(of: answer, in: r.file)
            guard !text.isEmpty else { throw .invalidValue(at, field: "<answer>", detail: "empty") }
            switch kind {
            case .math: gold = GoldAnswer.math(text)
            case .choice:
                guard choices.contains(where: { $0.label == text }) else {
                    throw .invalidValue(
                        at, field: "<answer>",
                        detail: "'\(text)' is not one of the labels \(choices.map(\.label).joined(separator: ", "))")
                }
                gold = text
            case .text, .code: gold = text
            }
        }
        let question = kind == .code ? try r.text("question", raw: true) : try r.text("question")
        return RecordProblem(
            nativeID: r.node.attributes["id"].map(TaskText.trimmed), question: question, kind: kind, gold: gold,
            choices: choices, metadata: metadata)
    }

    private static func kind(_ text: String, at location: SourceLocation) throws(TaskLoadError) -> TaskKind {
        guard let kind = TaskKind(rawValue: text) else {
            throw .invalidValue(
                location, field: "@kind",
                detail: "'\(text)' is not one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}
