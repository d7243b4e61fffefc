import Foundation
import QuorumTestSupport
import Testing

/// `quorum exec` end to end, on a small task file of its own and on HumanEval.
@Suite struct ExecCLITests {
    /// Two MBPP-style problems in Quorum's JSON Lines (extra fields become metadata), in a new file `NAME.jsonl`
    /// (so that their ids are `NAME/add` and `NAME/neg`).
    static func taskFile(named name: String = "tasks") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("\(name).jsonl")
        let text = """
            {"id": "add", "kind": "code", "question": "Write add(a, b).", "tests": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"], "code": "def add(a, b):\\n    return a + b"}
            {"id": "neg", "kind": "code", "question": "Write neg(x).", "tests": ["assert neg(2) == -2"], "code": "def neg(x):\\n    return -x"}

            """
        try Data(text.utf8).write(to: file)
        return file.path
    }

    /// Removes the directory of a file made by ``taskFile(named:)``.
    static func remove(_ taskFile: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: taskFile).deletingLastPathComponent())
    }

    @Test func addsExecutionToEveryRecordAndReportsPassAtK() throws {
        let input = """
            {"problem": "tasks/add", "path": 0, "text": "Sure:\\n```python\\ndef add(a, b):\\n    return a + b\\n```"}
            {"problem": "tasks/add", "path": 1, "text": "```python\\ndef add(a, b):\\n    return a - b\\n```"}
            {"problem": "tasks/add", "path": 2, "text": "```python\\ndef add(a, b):\\n    return c\\n```"}
            {"problem": "tasks/neg", "path": 0, "text": "```python\\ndef neg(x):\\n    while True:\\n        pass\\n```"}
            {"problem": "tasks/neg", "path": 1, "text": "```\\ndef neg(x): return 0 - x\\n```"}
            {"problem": "tasks/neg", "path": 2, "text": "no code at all"}

            """
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-exec-summary-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: summary) }
        let tasks = try Self.taskFile()
        defer { Self.remove(tasks) }
        let result = try CLI.run(["exec", "-", "--tasks", tasks, "--timeout", "1.5", "-k", "2", "3", "--summary", summary], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        let records = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let statuses = records.map { ($0["execution"] as? [String: Any])?["status"] as? String }
        #expect(statuses == ["pass", "fail", "error", "timeout", "pass", "error"])
        #expect(records[0]["answer"] as? String == "def add(a, b):\n    return a + b")
        #expect((records[2]["execution"] as? [String: Any])?["message"] as? String == "NameError: name 'c' is not defined at program.py:2: return c (called at tests.py:1: assert add(1, 2) == 3)")
        // The rest of each line is kept byte for byte.
        #expect(lines[0].hasPrefix(#"{"problem": "tasks/add", "path": 0, "text": "Sure:\n```python\ndef add(a, b):\n    return a + b\n```","answer":"#))
        #expect(result.stderr.contains("6 programs, 2 problems"))
        #expect(result.stderr.contains("pass 2, fail 1, timeout 1, error 2"))
        // pass@1 = mean(1/3, 1/3); pass@2 = 1 − C(2,2)/C(3,2) = 2/3 per problem; pass@3 = 1.
        #expect(result.stderr.contains("pass@1: 0.3333\npass@2: 0.6667\npass@3: 1.0000\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any])
        let passAtK = try #require(json["pass_at_k"] as? [String: Double])
        #expect(abs((passAtK["2"] ?? 0) - 2.0 / 3) < 1e-12)
        #expect((json["status_counts"] as? [String: Int])?["timeout"] == 1)
    }

    @Test func canonicalSolutionsOfATaskFile() throws {
        let tasks = try Self.taskFile()
        defer { Self.remove(tasks) }
        let result = try CLI.run(["exec", "--tasks", tasks, "--canonical", "--jobs", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("2 programs, 2 problems"))
        #expect(result.stderr.contains("pass@1: 1.0000"))
    }

    @Test func answersGivenAsProgramsAndCompletions() throws {
        let humanEval = CodeTestSupport.shared("tasks/humaneval/HumanEval.jsonl.gz")
        let asAnswer = try CLI.run(
            ["exec", "-", "--tasks", humanEval, "--from", "answer"],
            stdin: #"{"problem": "humaneval/2", "answer": "    return number % 1.0"}"# + "\n")
        #expect(asAnswer.stdout.contains(#""status":"pass""#), "\(asAnswer.stderr)")
        let completion = try CLI.run(
            ["exec", "-", "--tasks", humanEval, "--style", "completion"],
            stdin: #"{"problem": "humaneval/2", "text": "    return number % 1.0\n\n\ndef check():\n    pass\n"}"# + "\n")
        #expect(completion.stdout.contains(#""answer":"    return number % 1.0""#), "\(completion.stderr)")
        #expect(completion.stdout.contains(#""status":"pass""#))
    }

    @Test func unusableLinesAreAllReportedAndNothingRuns() throws {
        let input = """
            {"problem": "tasks/add", "text": "x"}
            {"problem": "tasks/nope", "text": "x"}
            {"text": "x"}
            {"problem": "tasks/add"}
            not json

            """
        let tasks = try Self.taskFile()
        defer { Self.remove(tasks) }
        let result = try CLI.run(["exec", "-", "--tasks", tasks], stdin: input)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        for expected in [
            "<stdin>:2: problem 'tasks/nope' is not in \(tasks)", "<stdin>:3: no string \"problem\"",
            "<stdin>:4: no string \"text\"", "<stdin>:5: malformed JSON", "4 records could not be used; nothing was run",
        ] {
            #expect(result.stderr.contains(expected), "\(expected)\n\(result.stderr)")
        }
    }

    @Test func optionsAreValidated() throws {
        for (arguments, message) in [
            (["exec", "--tasks", "t", "--canonical", "f.jsonl"], "--canonical runs the reference solutions: give no FILE"),
            (["exec", "--tasks", "t"], "give a FILE of answers"),
            (["exec", "f", "--tasks", "t", "-k", "0"], "-k values must be at least 1"),
            (["exec", "f", "--tasks", "t", "--timeout", "0"], "--timeout must be positive"),
            (["exec", "f", "--tasks", "t", "--style", "poem"], "poem"),
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func helpIsExactlyThis() throws {
        let help = try CLI.run(["exec", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == Self.help)
    }

    static let help = #"""
OVERVIEW: Run code answers against their tests in a sandbox; add "execution" to
each record; report pass@k.

Reads JSON Lines, one object per answer with "problem" (an id of the --tasks
file, e.g. humaneval/0) and "text" (the model's completion; the program is
extracted from it as --style says, and written back as "answer") or, with
--from answer, "answer" (the program itself). Writes the same objects, byte for
byte, with "execution": {"status": pass|fail|timeout|error, "message",
"seconds"} added. pass@1 and each requested pass@k (the unbiased estimator,
mean over problems) go to standard error, with the sandbox's layers; --summary
also writes them as JSON. If any line cannot be used, every such line is
reported as FILE:LINE: reason and nothing runs. --canonical runs the task
file's reference solutions instead of a FILE.

Sandbox: each program runs under bubblewrap (new mount, PID, network, IPC and
UTS namespaces; its own /proc; empty size-capped tmpfs /tmp, /var/tmp,
/dev/shm; /usr read-only; nothing else of the host), with rlimits (CPU, address
space, processes, file size, open files), a wall-clock kill, and, as root, two
user ids of its own: the tests run in one process, the solution in another that
answers their calls with plain values, so no program can write its own verdict.
An audit hook refuses process creation, sockets, ctypes and writes outside its
directory (a seatbelt, not the boundary). Without bubblewrap (apt-get install
bubblewrap; `make deps` does it as root) programs are refused unless
--isolation namespaces|none or --unsafe-no-sandbox is given. The layers in use
are printed on standard error.

USAGE: quorum exec [<options>] [<file>] --tasks <tasks>

ARGUMENTS:
  <file>                  JSON Lines file of answers, or - for standard input.

SANDBOX:
  --timeout <timeout>     Seconds each program may run against its tests (wall
                          clock and CPU). (default: 10.0)
  --memory <memory>       Address-space limit of each program, in MiB.
                          (default: 1024)
  --jobs <jobs>           Programs run at once (default: the number of
                          processors).
  --python <python>       The Python interpreter (default: python3 from PATH,
                          then /usr/bin/python3, /usr/local/bin/python3; under
                          bubblewrap it must live in /usr or in a prefix of its
                          own, e.g. a venv).
  --isolation <layer>     The OS boundary around each program: bubblewrap (own
                          mount, PID and network namespaces, own /proc, empty
                          /tmp, /usr read-only), namespaces (unshare: network
                          and PID only), or none. (values: bubblewrap,
                          namespaces, none; default: bubblewrap)
  --unsafe-no-sandbox     Run untrusted programs even when this machine cannot
                          give the --isolation asked for (the strongest
                          available is used and reported as UNSAFE). Without
                          it, a missing layer is an error.

OPTIONS:
  --tasks <tasks>         The task file the problem ids refer to (HumanEval
                          .jsonl.gz, MBPP .jsonl/.json, Quorum code tasks).
  --from <from>           Where the program is: extracted from "text", or
                          "answer" as it is. (values: text, answer; default:
                          text)
  --style <style>         How the model was prompted: chat (fenced blocks) or
                          completion (cut at the task's stop sequences).
                          (values: completion, chat; default: chat)
  -k <k>                  pass@k values to report besides pass@1.
  --max-decompressed-bytes <size>
                          The most a gzipped task file may decompress to, in
                          bytes or with a K, M or G suffix (powers of 1024): a
                          small gzip bomb fails with an error instead of
                          filling the memory. (default: 256M)
  --no-guard              Turn the Python audit guard off (the OS layers and
                          limits stay).
  --canonical             Run the task file's reference solutions (no FILE).
  --summary <summary>     Also write the summary as JSON to this file.
  --version               Show the version.
  -h, --help              Show help information.


"""#
}
