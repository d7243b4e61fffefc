extension SandboxPreamble {
    /// The supervisor: reads `sandbox.json`, starts the two processes in order, waits, reports on descriptor 4.
    static let supervisor = #"""
# ---- the supervisor -----------------------------------------------------------------------------------

def _child(body):
    """Forks; the child runs `body` and exits (70 when it raised)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            body()
            code = 0
        except BaseException as e:
            try:
                sys.stderr.write("sandbox: %s\n" % _describe(e))
            except BaseException:
                pass
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)
    return pid

def _ended(status, usage):
    report = {"cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}
    if os.WIFSIGNALED(status):
        report["signal"] = os.WTERMSIG(status)
    else:
        report["exit"] = os.WEXITSTATUS(status)
    return report

def _main():
    import json, resource, signal, time
    workdir = sys.argv[1]
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    os.closerange(5, soft if 0 < soft < (1 << 20) else (1 << 20))
    os.chdir(workdir)
    with open("sandbox.json", encoding="utf-8") as f:
        cfg = json.load(f)
    dumpable = not _undumpable()
    mode = cfg["mode"]
    run = os.path.join(workdir, "run")
    children = {}
    if mode == "program":
        def program():
            os.close(4)
            _program(cfg, run, 3)
        children[_child(program)] = "worker"
    else:
        # The tests are read by the tests' process alone, before the solution's process exists; the file
        # is then removed, so that the solution can neither read nor change them.
        tests_ready_r, tests_ready_w = os.pipe()
        if mode != "calls":
            to_solution_r, to_solution_w = os.pipe()
            to_tests_r, to_tests_w = os.pipe()

        def tests():
            os.close(4)
            os.close(tests_ready_r)
            with open("tests.json", encoding="utf-8") as f:
                spec = json.load(f)
            os.unlink("tests.json")
            os.chdir("/")
            os.write(tests_ready_w, b"1")
            os.close(tests_ready_w)
            if mode == "calls":
                _calls(cfg, spec, 3)
                return
            os.close(to_solution_r)
            os.close(to_tests_w)
            _tester(cfg, spec, _Line(to_tests_r, to_solution_w), 3)

        children[_child(tests)] = "tester"
        os.close(tests_ready_w)
        got = os.read(tests_ready_r, 1)
        os.close(tests_ready_r)
        if mode != "calls":
            if got:
                def solution():
                    # Nothing of the tests' process, nor the verdict channel, reaches the solution.
                    os.close(3)
                    os.close(4)
                    os.close(to_solution_w)
                    os.close(to_tests_r)
                    _solution(cfg, run, _Line(to_solution_r, to_tests_w))
                children[_child(solution)] = "worker"
            for fd in (to_solution_r, to_solution_w, to_tests_r, to_tests_w):
                os.close(fd)
    os.close(3)
    report = {"dumpable": dumpable}
    tester_end = None
    while children:
        if tester_end is None or "worker" not in children.values():
            try:
                pid, status, usage = os.wait4(-1, 0)
            except InterruptedError:
                continue
            except ChildProcessError:
                break
        else:
            # The tests are over: the solution's process has half a second to end, then is killed (and
            # whatever is left dies with the sandbox's PID namespace).
            pid, status, usage = os.wait4(-1, os.WNOHANG)
            if pid == 0:
                waited = time.monotonic() - tester_end
                if waited > 1.0:
                    report["worker"] = {"left": True}
                    break
                if waited > 0.5:
                    for child, role in list(children.items()):
                        if role == "worker":
                            try:
                                os.kill(child, signal.SIGKILL)
                            except OSError:
                                pass
                time.sleep(0.01)
                continue
        role = children.pop(pid, None)
        if role is None:
            continue
        report[role] = _ended(status, usage)
        if role == "tester":
            tester_end = time.monotonic()
    os.write(4, (json.dumps(report) + "\n").encode())
    os._exit(0)

_main()

"""#
}
