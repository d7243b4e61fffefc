import Foundation
import QuorumCore
import Testing

@testable import QuorumTasks

/// XML that `make fuzz` found crashing the process (FuzzTaskXML, docs/fuzzing.md): a processing instruction
/// without data made FoundationXML read a null pointer (SIGSEGV), e.g. the 10 bytes `<?pi?><a/>`.
@Suite struct FuzzFoundXMLTests {
    static func taskFile(_ body: String) -> Data {
        Data("""
            <?xml version="1.0" encoding="UTF-8"?><?pi?>
            <taskset name="t" kind="math">
              <problem id="1"><question>Two <?qq?>and two?</question><answer>4</answer></problem>
              <!-- <?not-a-pi?> --><problem id="2"><question><![CDATA[<?kept?>]]></question><answer>5</answer></problem>
            </taskset>\(body)
            """.utf8)
    }

    @Test func processingInstructionsWithoutDataAreReadAndTheTextKept() throws {
        let set = try TaskLoader.load(data: Self.taskFile("<?tail?>"), source: "pi.xml")
        #expect(set.problems.map(\.question) == ["Two and two?", "<?kept?>"])
        #expect(set.problems.map(\.gold) == ["4", "5"])
        #expect(set.rejections.isEmpty)
    }

    @Test func theSmallestFoundInputIsNotACrash() throws {
        let root = try XMLTreeBuilder.parse(Data("<?pi?><a/>".utf8), file: "a.xml")
        #expect(root.name == "a")
        // A multi-byte last character is blanked whole: the bytes stay UTF-8.
        #expect(try XMLTreeBuilder.parse(Data("<a><?pé?></a>".utf8), file: "a.xml").name == "a")
    }

    @Test func aOneCharacterTargetWithoutDataIsRefusedAtIt() {
        #expect(throws: TaskLoadError.malformedXML(
            SourceLocation(file: "a.xml", line: 1, column: 4),
            detail: "processing instruction <?x?> has no data and a one-character target, which FoundationXML cannot read; write <?x ?>")
        ) {
            try XMLTreeBuilder.parse(Data("<a><?x?></a>".utf8), file: "a.xml")
        }
    }
}
