import Foundation
import Testing
@testable import QuorumCode

@Suite struct SandboxSmokeTests {
    @Test func environmentIsDetected() throws {
        let environment = try CodeTestSupport.detected.get()
        print("sandbox:", environment, "rejected:", environment.rejectedInterpreters)
        #expect(environment.python.hasPrefix("/"))
    }

    @Test func passFailError() throws {
        let sandbox = try CodeTestSupport.sandbox()
        let pass = try sandbox.run("x = 1\nassert x == 1\nprint('hi')\n")
        #expect(pass.status == .pass, "\(pass)")
        #expect(pass.stdout == "hi\n")
        let fail = try sandbox.run("def f():\n    return 2\n\nassert f() == 3\n")
        #expect(fail.status == .fail, "\(fail)")
        #expect(fail.message == "AssertionError at program.py:4: assert f() == 3")
        let error = try sandbox.run("def f(:\n")
        #expect(error.status == .error)
        print(error.message ?? "", pass.seconds, fail.seconds, error.seconds)
    }
}
