/// Preparation of a model's completion before answer extraction.
enum CompletionText {
    /// End-of-turn markers of common chat templates; text after them is not the model's answer.
    static let stopMarkers = [
        "<|im_end|>", "<|endoftext|>", "<end_of_turn>", "<|eot_id|>", "<|end|>", "</s>", "<|im_start|>",
        "<start_of_turn>",
    ]

    /// Line starts that open a new few-shot exchange: a base model that keeps writing after its answer
    /// invents the next question (`\n\nQ: A bat and a ball …`), whose numbers must not be read.
    static let continuationLineStarts = [
        "q:", "question:", "problem:", "human:", "user:", "### instruction", "### question", "### problem",
    ]

    /// The part of `text` that answers the prompt: cut at the first stop marker and at the first line
    /// that opens a new few-shot exchange after some content; GSM8K calculator notes `<<6*4=24>>` removed.
    static func prepared(_ text: String) -> String {
        var s = text
        for marker in stopMarkers {
            if let range = s.range(of: marker) { s = String(s[..<range.lowerBound]) }
        }
        s = cutAtContinuation(s)
        s = removingCalculatorNotes(s)
        return s
    }

    static func cutAtContinuation(_ text: String) -> String {
        var offset = text.startIndex
        var sawContent = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "*" })
            let lowered = trimmed.lowercased()
            if sawContent, continuationLineStarts.contains(where: { lowered.hasPrefix($0) }) {
                return String(text[..<offset])
            }
            if line.contains(where: { !$0.isWhitespace }) { sawContent = true }
            offset = text.index(line.endIndex, offsetBy: line.endIndex < text.endIndex ? 1 : 0)
        }
        return text
    }

    /// Removes `<<expression=value>>` notes (GSM8K's calculator annotations).
    static func removingCalculatorNotes(_ text: String) -> String {
        guard text.contains("<<") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<<") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let close = after.range(of: ">>"), !after[..<close.lowerBound].contains("\n") {
                rest = after[close.upperBound...]
            } else {
                out += "<<"
                rest = after
            }
        }
        out += rest
        return out
    }
}
