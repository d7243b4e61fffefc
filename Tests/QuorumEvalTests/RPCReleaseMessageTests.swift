import Foundation
import QuorumEval
import Testing

/// A null where an RPC release file wants a string says so (issue 15, item 9: it said "(expected Double)").
@Suite struct RPCReleaseMessageTests {
    private func message(_ body: String) -> String? {
        do throws(EvalError) {
            _ = try RPCRelease.parse(Data(body.utf8), file: "release.json")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func nullFieldsSayWhatWasExpected() {
        let good = "\"completion\": [[\"a\", \"b\"]], \"mean_logprob\": [[-1, -2]]"
        #expect(message("{\"predict\": [[\"1\", null]], \"answer\": [\"1\"], \(good)}")
            == "release.json: predict[0][1]: expected a string, found null")
        #expect(message("{\"predict\": [[\"1\", \"2\"]], \"answer\": [null], \(good)}")
            == "release.json: answer[0]: expected a string or a number, found null")
        #expect(message("{\"predict\": [[\"1\", 2]], \"answer\": [\"1\"], \(good)}")
            == "release.json: predict[0][1]: wrong type: expected a string")
    }
}
