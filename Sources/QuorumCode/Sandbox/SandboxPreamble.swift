/// The trusted Python code that starts every sandboxed run: `python3 -s -c PREAMBLE WORKDIR`.
///
/// It reads `WORKDIR/sandbox.json` (written by ``Sandbox``), then forks:
///
/// - the **supervisor** (the process started, PID 1 of the PID namespace when there is one) only waits for
///   the worker and reports how it ended on file descriptor 4: one JSON line
///   `{"exit": N | "signal": N, "cpu": SECONDS, "maxrss_kb": N}`. It closes every inherited descriptor
///   above 4 first. When it dies, the PID namespace dies with every process in it.
/// - the **worker** closes descriptor 4, sets the resource limits (soft = hard), drops to the run's own user
///   id when asked, installs the audit guard when asked, and only then runs the program, reporting on
///   descriptor 3 (JSON lines; see the modes below). Standard input is `/dev/null`; standard output and
///   error go to the caller, which keeps the first bytes of each.
///
/// Modes (`sandbox.json` key `mode`):
///
/// - `test`: run `program.py` as module `__quorum_program__` (so `if __name__ == "__main__":` blocks do
///   not run); report `{"status": "pass"}`, `{"status": "fail", "message": …}` for an `AssertionError`, or
///   `{"status": "error", "message": …}` for any other exception, `exit()` included.
/// - `outputs`: run `program.py`, then call each function of `calls` (`[name, "(args, kwargs)"]`, Python
///   literals) with a per-call timer, and report `{"i": N, "out": FINGERPRINT}` per call (see
///   ``ProgramOutputs``), or `{"load": EXCEPTION}` when the program itself does not run.
/// - `calls`: no program; parse `tests` with `ast` and report `{"calls": [[name, "(args, kwargs)"], …]}`:
///   every call of a function in `functions` (and of the first parameter of a top-level `check`, mapped to
///   `candidate_target`) whose arguments are all literals, in source order, without repeats.
///
/// Kept in Python because the program is Python: `resource`, `ast` and `sys.addaudithook` do exactly what is
/// needed, and running it before the program means nothing of the program runs without the limits.
enum SandboxPreamble {
    static let source = #"""
import os, sys

def _emit(obj):
    import json
    data = (json.dumps(obj) + "\n").encode("utf-8", "replace")
    while data:
        data = data[os.write(3, data):]

def _location(tb):
    import traceback
    frames = [f for f in traceback.extract_tb(tb) if f.filename == "program.py"]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    return " at program.py:%d%s" % (frame.lineno, (": " + line[:200]) if line else "")

def _describe(exc):
    text = str(exc)
    name = type(exc).__name__
    return (name + ": " + text[:300]) if text else name

def _load(name):
    import types
    with open("program.py", encoding="utf-8", errors="replace") as f:
        source = f.read()
    module = types.ModuleType(name)
    module.__file__ = os.path.join(os.getcwd(), "program.py")
    sys.modules[name] = module
    code = compile(source, "program.py", "exec")
    exec(code, module.__dict__)
    return module

def _install_guard(workdir):
    import os.path as P
    root = P.realpath(workdir)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    refused = {
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
        "subprocess.Popen", "pty.spawn", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
        "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo",
        "ctypes.dlopen", "ctypes.dlsym", "resource.setrlimit", "resource.prlimit", "os.chroot", "webbrowser.open",
    }
    path_arguments = {
        "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.mkdir": (0,), "os.truncate": (0,),
        "os.chmod": (0,), "os.chown": (0,), "os.link": (1,), "os.symlink": (1,), "os.utime": (0,),
        "shutil.rmtree": (0,), "shutil.move": (0, 1), "shutil.copyfile": (1,), "shutil.copytree": (1,),
        "os.mkfifo": (0,), "os.mknod": (0,), "os.chflags": (0,), "os.lchflags": (0,), "os.lchmod": (0,),
    }
    busy = []

    def inside(path):
        if isinstance(path, int):
            return True
        try:
            full = P.realpath(P.join(os.getcwd(), os.fsdecode(path)))
        except Exception:
            return False
        return full == root or full.startswith(root + os.sep)

    def hook(event, args):
        if busy:
            return
        busy.append(1)
        try:
            if event in refused:
                raise PermissionError("sandbox: %s is not allowed" % event)
            if event == "open":
                path, mode, flags = args
                writing = (flags is not None and flags >= 0 and flags & write_flags) or (
                    isinstance(mode, str) and any(c in mode for c in "wax+"))
                if writing and not inside(path):
                    raise PermissionError("sandbox: writing %r is not allowed (outside the working directory)" % (path,))
            elif event in path_arguments:
                for index in path_arguments[event]:
                    if index < len(args) and not inside(args[index]):
                        raise PermissionError("sandbox: %s on %r is not allowed (outside the working directory)" % (event, args[index]))
        finally:
            busy.pop()

    sys.addaudithook(hook)

def _canonical(value, depth=0):
    if depth > 40:
        return "..."
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return repr(value)
        if value == int(value) and abs(value) < 1e15:
            return repr(int(value))
        return format(value, ".9g")
    if isinstance(value, complex):
        return "complex(%s,%s)" % (_canonical(value.real, depth + 1), _canonical(value.imag, depth + 1))
    if isinstance(value, (str, bytes)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ",".join(_canonical(v, depth + 1) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ",".join(_canonical(v, depth + 1) for v in value) + ")"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_canonical(v, depth + 1) for v in value)) + "}"
    if isinstance(value, dict):
        items = sorted(_canonical(k, depth + 1) + ":" + _canonical(v, depth + 1) for k, v in value.items())
        return "dict{" + ",".join(items) + "}"
    return type(value).__name__ + ":" + repr(value)

def _fingerprint(value):
    import hashlib
    text = _canonical(value)
    if len(text) <= 64:
        return "value:" + text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]

class _CallTimeout(BaseException):
    pass

def _mode_test(cfg):
    import traceback
    try:
        _load("__quorum_program__")
    except AssertionError as e:
        _emit({"status": "fail", "message": _describe(e) + _location(e.__traceback__)})
        traceback.print_exc()
    except SystemExit as e:
        _emit({"status": "error", "message": "exit(%r) called before the tests finished%s" % (e.code, _location(e.__traceback__))})
    except BaseException as e:
        _emit({"status": "error", "message": _describe(e) + _location(e.__traceback__)})
        traceback.print_exc()
    else:
        _emit({"status": "pass"})

def _mode_outputs(cfg):
    import ast, signal
    try:
        module = _load("__quorum_program__")
    except BaseException as e:
        _emit({"load": type(e).__name__})
        return
    def alarm(signum, frame):
        raise _CallTimeout()
    signal.signal(signal.SIGALRM, alarm)
    seconds = float(cfg["call_seconds"])
    for index, (name, arguments) in enumerate(cfg["calls"]):
        out = None
        try:
            function = getattr(module, name, None)
            if not callable(function):
                out = "missing:" + name
            else:
                args, kwargs = ast.literal_eval(arguments)
                signal.setitimer(signal.ITIMER_REAL, seconds)
                try:
                    out = _fingerprint(function(*args, **kwargs))
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except _CallTimeout:
            out = "timeout"
        except BaseException as e:
            out = "raise:" + type(e).__name__
        _emit({"i": index, "out": out})

def _mode_calls(cfg):
    import ast
    source = cfg["tests"]
    functions = dict(cfg["functions"])
    tree = ast.parse(source)
    target = cfg.get("candidate_target")
    if target:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == "check" and node.args.args:
                functions[node.args.args[0].arg] = target
    found = []
    seen = set()
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in functions]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))
    for node in nodes:
        try:
            for a in node.args:
                if isinstance(a, ast.Starred):
                    raise ValueError
                ast.literal_eval(a)
            for k in node.keywords:
                if k.arg is None:
                    raise ValueError
                ast.literal_eval(k.value)
        except Exception:
            continue
        args = "".join(ast.get_source_segment(source, a) + ", " for a in node.args)
        kwargs = ", ".join(repr(k.arg) + ": " + ast.get_source_segment(source, k.value) for k in node.keywords)
        call = [functions[node.func.id], "((" + args + "), {" + kwargs + "})"]
        key = tuple(call)
        if key in seen:
            continue
        seen.add(key)
        found.append(call)
        if len(found) >= int(cfg.get("max_calls", 200)):
            break
    _emit({"calls": found})

def _worker(cfg, workdir):
    import resource
    limits = cfg["limits"]
    for name, value in (("RLIMIT_CORE", 0), ("RLIMIT_AS", limits["memory"]), ("RLIMIT_FSIZE", limits["file"]),
                        ("RLIMIT_NOFILE", limits["files"]), ("RLIMIT_NPROC", limits["processes"])):
        resource.setrlimit(getattr(resource, name), (value, value))
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu"], limits["cpu"] + 1))
    import ast, hashlib, json, linecache, signal, traceback, types
    uid = cfg.get("uid")
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    mode = cfg["mode"]
    if cfg.get("guard"):
        _install_guard(workdir)
    if mode == "test":
        _mode_test(cfg)
    elif mode == "outputs":
        _mode_outputs(cfg)
    elif mode == "calls":
        _mode_calls(cfg)
    else:
        _emit({"status": "error", "message": "sandbox: unknown mode %r" % (mode,)})
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    return 0

def _main():
    import json, resource
    workdir = sys.argv[1]
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    os.closerange(5, soft if 0 < soft < (1 << 20) else (1 << 20))
    os.chdir(workdir)
    with open("sandbox.json", encoding="utf-8") as f:
        cfg = json.load(f)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.close(4)
            code = _worker(cfg, workdir)
        except BaseException as e:
            try:
                _emit({"status": "error", "message": "sandbox: " + _describe(e)})
            except BaseException:
                pass
        os._exit(code)
    os.close(3)
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    report = {"cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}
    if os.WIFSIGNALED(status):
        report["signal"] = os.WTERMSIG(status)
    else:
        report["exit"] = os.WEXITSTATUS(status)
    os.write(4, (json.dumps(report) + "\n").encode())
    os._exit(0)

_main()
"""#
}
