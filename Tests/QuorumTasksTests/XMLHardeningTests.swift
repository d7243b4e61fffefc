import Foundation
import QuorumCore
import QuorumTasks
import QuorumTestSupport
import Testing

/// Hostile XML (issue 15, item 3): declared encodings that crashed libxml2, nesting that overflowed the
/// stack, and DTD entities whose text vanished. Crash cases run the built `quorum` in a child process, so
/// that a crash fails the test instead of ending the test process.
@Suite struct XMLHardeningTests {
    /// `quorum tasks validate` on `bytes` written to `name`: a clean exit with an error, never a signal.
    private func validate(_ name: String, _ bytes: [UInt8]) throws -> CLI.Result {
        try CLI.run(["tasks", "validate", try LoaderFixtures.temporaryFile(name, bytes)])
    }

    @Test(arguments: ["UTF-32", "UTF-7", "EBCDIC-US", "UCS-4", "x-unknown"])
    func declaredEncodingsOutsideTheReadSetAreRefusedWithoutACrash(encoding: String) throws {
        let text = "<?xml version=\"1.0\" encoding=\"\(encoding)\"?><a/>"
        let result = try validate("enc.xml", Array(text.utf8))
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("enc.xml:1:31: unsupported encoding: \(encoding) (declared); task files are read in UTF-8"))
    }

    @Test func utf32AndEBCDICBytesAreRefusedFromTheirFirstBytes() throws {
        let declaration = "<?xml version=\"1.0\" encoding=\"UTF-32\"?><a/>"
        let utf32 = [0x00, 0x00, 0xFE, 0xFF] + declaration.unicodeScalars.flatMap { s -> [UInt8] in
            [0, 0, 0, UInt8(s.value)]
        }
        let result = try validate("bom32.xml", utf32)
        #expect(result.status == 1)
        #expect(result.stderr.contains("unsupported encoding: UTF-32BE (from its byte order mark)"))
        let ebcdic: [UInt8] = [0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40]
        #expect(LoaderFixtures.loadError("e.xml", ebcdic)?.reason.hasPrefix("unsupported encoding: EBCDIC") == true)
        let utf16NoBOM = Array("<taskset/>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(LoaderFixtures.loadError("n.xml", utf16NoBOM)?.reason
            .hasPrefix("unsupported encoding: UTF-16 without a byte order mark") == true)
    }

    static let frenchSet = """
        <?xml version="1.0" encoding="ENCODING"?>
        <taskset name="fr">
          <problem id="1"><question>Combien font deux et deux ? Réponse à donner</question><answer>4</answer></problem>
          <problem id="2"><question>Q</question></problm>
        </taskset>

        """

    @Test(arguments: [true, false])
    func utf16WithAByteOrderMarkIsRead(bigEndian: Bool) throws {
        let text = Self.frenchSet.replacingOccurrences(of: "ENCODING", with: "UTF-16")
            .replacingOccurrences(of: "</problm>", with: "</problem>")
        let units = Array(text.utf16)
        let bytes: [UInt8] = (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE])
            + units.flatMap { bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let set = try TaskLoader.load(file: try LoaderFixtures.temporaryFile("fr16.xml", bytes))
        #expect(set.problems.map(\.question) == ["Combien font deux et deux ? Réponse à donner", "Q"])
        #expect(set.problems.first?.gold == "4")
    }

    @Test func utf16ErrorsKeepTheirLinesAndColumns() {
        let text = Self.frenchSet.replacingOccurrences(of: "ENCODING", with: "UTF-16")
        let bytes: [UInt8] = [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let error = LoaderFixtures.loadError("fr16.xml", bytes)
        #expect(error?.location?.line == 4)
        #expect(error?.reason.hasPrefix("XML not well-formed: closing tag does not match") == true)
        let unpaired: [UInt8] = [0xFF, 0xFE] + Array("<a>\nx".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0x00, 0xD8]
        #expect(LoaderFixtures.loadError("bad16.xml", unpaired)?.description.hasSuffix(
            "bad16.xml:2:2: not UTF-16: unpaired surrogate 0xD800") == true)
    }

    @Test func utf16DeclaredWithoutAByteOrderMarkIsRefused() {
        let text = Self.frenchSet.replacingOccurrences(of: "ENCODING", with: "UTF-16")
        #expect(LoaderFixtures.loadError("fake16.xml", text)?.reason
            == "unsupported encoding: UTF-16 (the file has no UTF-16 byte order mark); task files are read in UTF-8,"
                + " UTF-16 with a byte order mark, US-ASCII or ISO-8859-1")
    }

    @Test func isoLatin1IsTranscodedAndUSASCIIIsChecked() throws {
        let latin1 = Self.frenchSet.replacingOccurrences(of: "ENCODING", with: "ISO-8859-1")
            .replacingOccurrences(of: "</problm>", with: "</problem>")
        let bytes = latin1.unicodeScalars.map { UInt8($0.value) }
        let set = try TaskLoader.load(file: try LoaderFixtures.temporaryFile("fr1.xml", bytes))
        #expect(set.problems.first?.question == "Combien font deux et deux ? Réponse à donner")
        let ascii = Self.frenchSet.replacingOccurrences(of: "ENCODING", with: "US-ASCII")
        let error = LoaderFixtures.loadError("a.xml", ascii.unicodeScalars.map { UInt8($0.value) })
        #expect(error?.description.hasSuffix("a.xml:3:58: not US-ASCII: byte 0xE9") == true)
    }

    @Test func sixtyThousandNestedElementsAreRefusedWithoutACrash() throws {
        let deep = String(repeating: "<a>", count: 60_000) + String(repeating: "</a>", count: 60_000) + "\n"
        let result = try validate("deep.xml", Array(deep.utf8))
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("deep.xml:1:769: XML not well-formed: elements nest more than 256 deep (<a> here)"))
    }

    /// A record `depth` elements deep in total (its text at the deepest level), read through a mapping.
    private func nested(depth: Int) -> String {
        let wrappers = depth - 2
        return String(repeating: "<w>", count: wrappers) + "<problem><question>Q</question></problem>"
            + String(repeating: "</w>", count: wrappers)
    }

    @Test func nestingUpToTheCapLoads() throws {
        let set = try LoaderFixtures.load("n.xml", nested(depth: 256), fields: ["question=problem/question"])
        #expect(set.problems.map(\.question) == ["Q"])
        let error = LoaderFixtures.loadError("n.xml", nested(depth: 257), fields: ["question=problem/question"])
        #expect(error?.reason == "XML not well-formed: elements nest more than 256 deep (<question> here)")
    }

    @Test func internalEntitiesAreRefusedNotDropped() throws {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE taskset [
              <!-- <!ENTITY in a comment> is not a declaration -->
              <!ENTITY two "2">
            ]>
            <taskset><problem id="1"><question>1 + 1 = ?</question><answer>&two;</answer></problem></taskset>

            """
        let error = LoaderFixtures.loadError("ent.xml", text)
        #expect(error?.description.hasSuffix(
            "ent.xml:4:3: DTD entity declared: <!ENTITY two …>; Quorum neither expands nor resolves DTD entities,"
                + " write the text in place of &two;") == true)
        let external = "<!DOCTYPE t [<!ENTITY e SYSTEM \"file:///etc/hostname\">]><taskset><problem><question>a &e; b</question></problem></taskset>"
        #expect(LoaderFixtures.loadError("ext.xml", external)?.category == "DTD entity declared")
        let parameter = "<!DOCTYPE t [<!ENTITY % p \"x\">]><taskset/>"
        #expect(LoaderFixtures.loadError("pe.xml", parameter)?.reason.hasPrefix("DTD entity declared: <!ENTITY p") == true)
    }

    @Test func aDoctypeWithoutEntitiesAndPredefinedEntitiesKeepEveryCharacter() throws {
        let body = String(repeating: "a &amp; b &lt; c &#233; ", count: 2_000)
        let text = """
            <!DOCTYPE taskset [<!ELEMENT taskset ANY>]>
            <taskset><problem id="1"><question>\(body)<meta name="m">x</meta>tail</question></problem></taskset>

            """
        let set = try LoaderFixtures.load("pre.xml", text)
        let question = try #require(set.problems.first?.question)
        #expect(question == String(repeating: "a & b < c é ", count: 2_000) + "xtail")
    }
}
