import Foundation
import QuorumCore
import QuorumRun
import Testing

/// Templates render exactly (golden strings), read the model's ChatML format, and template files are parsed
/// with located errors.
@Suite struct TemplateTests {
    static let tomExemplar = FewShotExemplar(
        question: "Tom has 2 pens and buys 3 more. How many pens does he have?",
        solution: "2 + 3 = 5. The answer is 5.")
    static let ann = Problem(
        id: "t/1", question: "Ann has 4 cups and breaks 1. How many cups are left?", kind: .math, gold: "3")
    static let floats = Problem(
        id: "t/2", question: "Which one floats?", kind: .choice, gold: "2",
        choices: [Choice(label: "1", text: "a stone"), Choice(label: "2", text: "a leaf")])

    static let smolLM2Template =
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n"
        + "You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>'"
        + " + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt"
        + " %}{{ '<|im_start|>assistant\n' }}{% endif %}"

    /// The shape of Qwen2.5's template: escaped newlines, a tools branch whose system literal is not a whole
    /// turn, then the default system turn.
    static let qwenLikeTemplate = """
        {%- if tools %}
            {{- '<|im_start|>system\\n' }}
            {%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}{%- else %}{{- 'You are Qwen.' }}{%- endif %}
        {%- else %}
            {%- if messages[0]['role'] == 'system' %}
                {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
            {%- else %}
                {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
            {%- endif %}
        {%- endif %}
        {%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}
        """

    @Test func fewShotMathRendersExactly() throws {
        let t = try BuiltInTemplate.fewShotMath.template(kind: .math, exemplars: [Self.tomExemplar], chat: nil)
        #expect(t.render(Self.ann) == """
            Q: Tom has 2 pens and buys 3 more. How many pens does he have?
            A: Let's think step by step. 2 + 3 = 5. The answer is 5.

            Q: Ann has 4 cups and breaks 1. How many cups are left?
            A: Let's think step by step.
            """)
        #expect(t.stop == ["\nQ:"])
        #expect(t.text.hasSuffix("\n\nQ: {question}\nA: Let's think step by step."))
    }

    @Test func fewShotChoiceRendersExactly() throws {
        let hot = FewShotExemplar(
            question: "Which is hot?", choices: [Choice(label: "A", text: "ice"), Choice(label: "B", text: "fire")],
            solution: "Fire burns. The answer is B.")
        let t = try BuiltInTemplate.fewShotChoice.template(kind: .choice, exemplars: [hot], chat: nil)
        #expect(t.render(Self.floats) == """
            Question: Which is hot?
            (A) ice
            (B) fire
            Answer: Let's think step by step. Fire burns. The answer is B.

            Question: Which one floats?
            (1) a stone
            (2) a leaf
            Answer: Let's think step by step.
            """)
        #expect(t.stop == ["\nQuestion:"])
    }

    @Test func chatRendersSmolLM2sChatMLWithItsDefaultSystemTurn() throws {
        let chat = try ChatMLFormat(chatTemplate: Self.smolLM2Template, model: "smollm2-135m")
        #expect(chat.systemMessage == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        let t = try BuiltInTemplate.chat.template(kind: .math, exemplars: [], chat: chat)
        let problem = Problem(id: "t/3", question: "What is 2 + 3?", kind: .math, gold: "5")
        #expect(t.render(problem) == """
            <|im_start|>system
            You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>
            <|im_start|>user
            What is 2 + 3?
            Think step by step, then give the final number as "The answer is N."<|im_end|>
            <|im_start|>assistant

            """)
        #expect(t.stop.isEmpty)
    }

    @Test func chatFindsTheWholeSystemTurnOfAQwenStyleTemplate() throws {
        let chat = try ChatMLFormat(chatTemplate: Self.qwenLikeTemplate, model: "qwen")
        #expect(chat.systemMessage == "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
        let t = try BuiltInTemplate.chat.template(kind: .choice, exemplars: [], chat: chat)
        #expect(t.render(Self.floats) == """
            <|im_start|>system
            You are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>
            <|im_start|>user
            Which one floats?
            (1) a stone
            (2) a leaf
            Think step by step, then give the label of the correct option as "The answer is X."<|im_end|>
            <|im_start|>assistant

            """)
    }

    @Test func aChatMLTemplateWithoutASystemLiteralGetsNoSystemTurn() throws {
        let chat = try ChatMLFormat(
            chatTemplate: "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n'}}{% endfor %}",
            model: "m")
        #expect(chat.systemMessage == nil)
        #expect(PromptTemplate(name: "x", segments: chat.wrap([.question]), stop: []).render(Self.ann)
            == "<|im_start|>user\n\(Self.ann.question)<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test func otherChatTemplatesAreRefusedClearly() {
        let llama3 = "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' }}"
        #expect(throws: RunError.self) { try ChatMLFormat(chatTemplate: llama3, model: "llama3") }
        do throws(RunError) {
            _ = try ChatMLFormat(chatTemplate: llama3, model: "llama3")
        } catch {
            #expect(error.description.contains("only ChatML chat templates"))
            #expect(error.description.contains("llama3"))
        }
        do throws(RunError) {
            _ = try ChatMLFormat(chatTemplate: nil, model: "gemma3-270m")
        } catch {
            #expect(error.description.contains("has no chat template"))
        }
    }

    @Test func theBuiltInMathExemplarsAreThoseOfTheTasksFile() throws {
        let file = RepositoryFiles.path("tasks/arith-easy.fewshot.jsonl")
        #expect(try FewShotExemplars.load(file: file, kind: .math) == FewShotExemplars.arithEasy)
        #expect(FewShotExemplars.arithEasy.count == 8)
    }

    @Test func exemplarFilesNeedSolutionsAndTheRunsKind() throws {
        let dir = try RepositoryFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/shots.jsonl"
        try #"{"id": "1", "kind": "math", "question": "1 + 1?", "answer": "2"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: RunError.fewShot(
            SourceLocation(file: file),
            reason: "exemplar shots/1 has no \"solution\" field (a worked solution ending in \"The answer is …\")")
        ) { try FewShotExemplars.load(file: file, kind: .math) }
        #expect(throws: RunError.self) { try FewShotExemplars.load(file: file, kind: .choice) }
    }

    @Test func templateFilesFillPlaceholdersAndReadTheirHeader() throws {
        let text = """
            ---
            # a comment
            stop: "\\nQ:"
            stop: "###"
            chat: false
            ---
            {fewshot}Q: {question} {{literal}}
            {choices}
            A:

            """
        let file = try TemplateFile(text: text, file: "mine.txt")
        #expect(file.template.stop == ["\nQ:", "###"])
        #expect(file.chat == false)
        #expect(file.template.needsFewShot)
        let t = file.template.fillingFewShot("SHOTS\n")
        #expect(t.render(Self.floats) == "SHOTS\nQ: Which one floats? {literal}\n(1) a stone\n(2) a leaf\nA:")
        #expect(t.text == "SHOTS\nQ: {question} {{literal}}\n{choices}\nA:")
        let round = try TemplateFile(text: t.text, file: "again.txt")
        #expect(round.template.render(Self.floats) == t.render(Self.floats))
    }

    @Test func templateFileErrorsAreLocated() {
        func failure(_ text: String) -> String {
            do throws(RunError) {
                _ = try TemplateFile(text: text, file: "t.txt")
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(failure("Q: {questoin}") == "t.txt:1:4: template: unknown placeholder {questoin} (known: {question}, {choices}, {fewshot}, {tests}, {entry_point}; write {{ and }} for literal braces)")
        #expect(failure("---\nstop: \"x\"\n---\nQ: {question}\nA: }") == "t.txt:5:4: template: a lone } (write }} for a literal brace)")
        #expect(failure("Q: {question\n}") == "t.txt:1:4: template: { is never closed on its line (write {{ for a literal brace)")
        #expect(failure("---\nstops: \"x\"\n---\n{question}") == "t.txt:2: template: unknown header key \"stops\" (known: stop, chat, code)")
        #expect(failure("---\nstop: x\n---\n{question}") == "t.txt:2: template: stop must be a JSON string literal such as \"\\nQ:\", not x")
        #expect(failure("---\nstop: \"x\"\n{question}") == "t.txt:1: template: the header opened by --- is never closed")
        #expect(failure("Q: nothing to ask") == "t.txt:1: template: the template has no {question}")
    }

    @Test func resolvingRefusesMismatchedSettings() throws {
        #expect(throws: RunError.self) {
            try ResolvedTemplate(name: "fewshot-math", fewShotFile: nil, kind: .choice, chatTemplate: nil, model: "m")
        }
        #expect(throws: RunError.self) {
            try ResolvedTemplate(name: "chat", fewShotFile: "shots.jsonl", kind: .math, chatTemplate: Self.smolLM2Template, model: "m")
        }
        #expect(throws: RunError.self) {
            try ResolvedTemplate(name: "chat", fewShotFile: nil, kind: .math, chatTemplate: nil, model: "m")
        }
        let math = try ResolvedTemplate(name: nil, fewShotFile: nil, kind: .math, chatTemplate: nil, model: "m")
        #expect(math.template.name == "fewshot-math")
        #expect(math.fewShotSource == FewShotExemplars.builtInMathSource)
        #expect(math.template.render(Self.ann).hasPrefix("Q: Ben is 11 years old."))
        let choice = try ResolvedTemplate(name: nil, fewShotFile: nil, kind: .choice, chatTemplate: nil, model: "m")
        #expect(choice.template.name == "fewshot-choice")
    }
}
