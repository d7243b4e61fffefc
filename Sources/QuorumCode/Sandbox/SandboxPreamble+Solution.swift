extension SandboxPreamble {
    /// The solution's process: the audit guard, loading `program.py`, and answering the tests' requests.
    static let solution = #"""
# ---- the solution's process ---------------------------------------------------------------------------

def _install_guard(workdir):
    import os.path as P, threading
    root = P.realpath(workdir)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    refused = frozenset({
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
        "subprocess.Popen", "pty.spawn", "socket.__new__", "socket.connect", "socket.bind", "socket.sendto",
        "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
        "socket.getnameinfo", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata", "ctypes.call_function",
        "resource.setrlimit", "resource.prlimit", "os.chroot", "webbrowser.open", "sqlite3.connect",
        "sqlite3.connect/handle", "_posixshmem.shm_open", "_posixshmem.shm_unlink", "gc.get_objects",
        "gc.get_referrers", "gc.get_referents",
    })
    refused_imports = frozenset({"_ctypes", "ctypes", "_sqlite3", "sqlite3", "_posixshmem"})
    path_arguments = {
        "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.mkdir": (0,), "os.truncate": (0,),
        "os.chmod": (0,), "os.chown": (0,), "os.link": (1,), "os.symlink": (1,), "os.utime": (0,),
        "shutil.rmtree": (0,), "shutil.move": (0, 1), "shutil.copyfile": (1,), "shutil.copytree": (1,),
        "os.mkfifo": (0,), "os.mknod": (0,), "os.chflags": (0,), "os.lchflags": (0,), "os.lchmod": (0,),
    }
    state = threading.local()

    def inside(path):
        if isinstance(path, int):
            return True
        try:
            full = P.realpath(P.join(os.getcwd(), os.fsdecode(path)))
        except Exception:
            return False
        return full == root or full.startswith(root + os.sep)

    def hook(event, args):
        if getattr(state, "busy", False):
            return
        state.busy = True
        try:
            if event in refused:
                raise PermissionError("sandbox: %s is not allowed" % event)
            if event == "import" and args and str(args[0]).split(".")[0] in refused_imports:
                raise PermissionError("sandbox: importing %s is not allowed" % args[0])
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
            state.busy = False

    sys.addaudithook(hook)

def _load(name):
    import types
    with open("program.py", encoding="utf-8", errors="replace") as f:
        source = f.read()
    module = types.ModuleType(name)
    module.__file__ = os.path.join(os.getcwd(), "program.py")
    sys.modules[name] = module
    exec(compile(source, "program.py", "exec"), module.__dict__)
    return module

def _failure(exc):
    """An exception of the solution as {type, message}, with the line of program.py where it was raised."""
    if isinstance(exc, SystemExit):
        return {"type": "SystemExit", "message": "exit(%r) called%s" % (exc.code, _location(exc.__traceback__, ("program.py",)))}
    return {"type": type(exc).__name__, "message": _describe(exc) + _location(exc.__traceback__, ("program.py",))}

def _solution(cfg, workdir, line):
    """Defines the solution, then answers the tests' requests until they close the channel."""
    import signal, types
    _limit(cfg["limits"])
    _become(cfg.get("worker_uid"))
    os.chdir(workdir)
    if cfg.get("guard"):
        _install_guard(workdir)
    try:
        module = _load("__quorum_program__")
    except BaseException as e:
        line.send({"load": _failure(e)})
        return
    names = [n for n, v in vars(module).items()
             if not n.startswith("__") and callable(v) and not isinstance(v, types.ModuleType)]
    modules = {n: v.__name__ for n, v in vars(module).items()
               if not n.startswith("__") and isinstance(v, types.ModuleType) and type(v.__name__) is str}
    line.send({"ready": {"functions": names, "modules": modules}})
    _BUILTIN_FUNCTIONS[0] = True
    handles = {}

    def resolve(data):
        try:
            return handles[data["h"]]
        except KeyError:
            raise _ProtocolError("unknown handle")

    def alarm(signum, frame):
        raise _CallTimeout()
    signal.signal(signal.SIGALRM, alarm)

    while True:
        try:
            request = line.receive()
        except EOFError:
            return
        seconds = request.get("seconds")
        try:
            if seconds:
                signal.setitimer(signal.ITIMER_REAL, float(seconds))
            try:
                op = request["op"]
                target = handles[request["h"]] if "h" in request else None
                if op == "call":
                    function = getattr(module, request["name"]) if target is None else target
                    args = [_decode(a, resolve) for a in request["args"]]
                    kwargs = {k: _decode(v, resolve) for k, v in request["kwargs"]}
                    result = function(*args, **kwargs)
                    reply = {"ok": _encode(result, handles),
                             "args": [_encode(a, handles) if isinstance(a, (list, dict, set, bytearray)) else None for a in args]}
                elif op == "get":
                    reply = {"ok": _encode(getattr(target, request["name"]), handles)}
                elif op == "set":
                    setattr(target, request["name"], _decode(request["value"], resolve))
                    reply = {"ok": None}
                elif op == "iter":
                    reply = {"ok": _encode(iter(target), handles)}
                elif op == "len":
                    reply = {"ok": _encode(len(target), handles)}
                elif op == "str":
                    reply = {"ok": _encode(str(target), handles)}
                elif op == "bool":
                    reply = {"ok": bool(target)}
                else:
                    raise _ProtocolError("unknown request %r" % (op,))
            finally:
                if seconds:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except _CallTimeout:
            reply = {"timeout": True}
        except BaseException as e:
            reply = {"raise": _failure(e)}
        try:
            line.send(reply)
        except BaseException as e:
            line.send({"raise": _failure(e)})

"""#
}
