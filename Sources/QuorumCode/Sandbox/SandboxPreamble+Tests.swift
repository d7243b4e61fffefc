extension SandboxPreamble {
    /// The tests' process: proxies of the solution's functions and objects, the harnesses, fingerprints, the verdict.
    static let tests = #"""
# ---- the tests' process -------------------------------------------------------------------------------

class _SolutionEnded(BaseException):
    """The solution's process is gone (a BaseException, and remembered by the link: a test's own
    `except` cannot turn it into a pass)."""

class _Remote:
    """An object of the solution's, in the tests' process: calls, attributes, iteration and len go to the
    solution's process; equality is identity and truth is refused (the solution's own __eq__ and __bool__
    never decide a test)."""
    __slots__ = ("_q_link", "_q_id", "_q_type", "_q_repr", "__weakref__")

    def __init__(self, link, key, kind, text):
        object.__setattr__(self, "_q_link", link)
        object.__setattr__(self, "_q_id", key)
        object.__setattr__(self, "_q_type", kind)
        object.__setattr__(self, "_q_repr", text)

    def __call__(self, *args, **kwargs):
        return self._q_link.call({"h": self._q_id}, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._q_link.request({"op": "get", "h": self._q_id, "name": name})

    def __setattr__(self, name, value):
        self._q_link.request({"op": "set", "h": self._q_id, "name": name, "value": self._q_link.encode(value)})

    def __iter__(self):
        return self._q_link.request({"op": "iter", "h": self._q_id})

    def __len__(self):
        return self._q_link.request({"op": "len", "h": self._q_id})

    def __str__(self):
        return self._q_link.request({"op": "str", "h": self._q_id})

    def __repr__(self):
        return self._q_repr

    def __eq__(self, other):
        return isinstance(other, _Remote) and other._q_id == self._q_id

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._q_id)

    def __bool__(self):
        # As telling as returning True or False: the solution decides only what it could return anyway.
        return self._q_link.request({"op": "bool", "h": self._q_id}) is True

class _Link:
    """The tests' end of the channel to the solution's process."""

    def __init__(self, line):
        self.line = line
        self.remotes = {}
        self.ended = False
        self.broken = None

    def gone(self):
        self.ended = True
        return _SolutionEnded()

    def unreadable(self, what):
        self.broken = what
        return _ProtocolError(what)

    def decode(self, data):
        try:
            return _decode(data, self.resolve)
        except (_ProtocolError, Exception) as e:
            raise self.unreadable(str(e)[:200])

    def resolve(self, data):
        key = data["h"]
        if type(key) is not int:
            raise _ProtocolError("a handle that is not a number")
        remote = self.remotes.get(key)
        if remote is None:
            remote = _Remote(self, key, str(data.get("type", "object"))[:100], str(data.get("repr", ""))[:500])
            self.remotes[key] = remote
        return remote

    def encode(self, value, depth=0):
        if isinstance(value, _Remote):
            return {"h": value._q_id}
        if depth > _DEPTH:
            raise ValueError("an argument nested more than %d levels deep" % _DEPTH)
        down = depth + 1
        if type(value) in (list, tuple, set, frozenset):
            tag = {list: "l", tuple: "t", set: "s", frozenset: "fs"}[type(value)]
            return {tag: [self.encode(v, down) for v in value]}
        if type(value) is dict:
            return {"d": [[self.encode(k, down), self.encode(v, down)] for k, v in value.items()]}
        if callable(value) and _builtin_name(value) is None:
            raise TypeError("a function cannot be passed to the solution's process")
        return _encode(value, {}, depth)

    def request(self, message, seconds=None):
        if seconds:
            message["seconds"] = seconds
        try:
            self.line.send(message)
        except OSError:
            raise self.gone()
        try:
            reply = self.line.receive(None if not seconds else seconds + 1.0)
        except EOFError:
            raise self.gone()
        except _ProtocolError as e:
            raise self.unreadable(str(e))
        except (ValueError, RecursionError):
            raise self.unreadable("a reply that is not JSON")
        if type(reply) is not dict:
            raise self.unreadable("a reply that is not an object")
        if "ok" in reply:
            return self.decode(reply["ok"])
        if reply.get("timeout"):
            raise _CallTimeout()
        failure = reply.get("raise")
        if type(failure) is dict:
            raise _remote_exception(str(failure.get("type", "Exception"))[:100], str(failure.get("message", ""))[:1000])
        raise self.unreadable("a reply of unknown shape")

    def call(self, target, args, kwargs, seconds=None):
        message = {"op": "call", "args": [self.encode(a) for a in args],
                   "kwargs": [[str(k), self.encode(v)] for k, v in kwargs.items()]}
        message.update(target)
        if seconds:
            message["seconds"] = seconds
        try:
            self.line.send(message)
        except OSError:
            raise self.gone()
        try:
            reply = self.line.receive(None if not seconds else seconds + 1.0)
        except EOFError:
            raise self.gone()
        except _ProtocolError as e:
            raise self.unreadable(str(e))
        except (ValueError, RecursionError):
            raise self.unreadable("a reply that is not JSON")
        if type(reply) is dict and "ok" in reply:
            result = self.decode(reply["ok"])
            changed = reply.get("args")
            if type(changed) is list:
                for original, after in zip(args, changed):
                    if after is not None and type(original) in (list, dict, set, bytearray):
                        _update(original, self.decode(after))
            return result
        if type(reply) is dict and reply.get("timeout"):
            raise _CallTimeout()
        if type(reply) is dict and type(reply.get("raise")) is dict:
            failure = reply["raise"]
            raise _remote_exception(str(failure.get("type", "Exception"))[:100], str(failure.get("message", ""))[:1000])
        raise self.unreadable("a reply of unknown shape")

def _update(original, after):
    """Mutations of a list, dict, set or bytearray argument, made visible to the tests."""
    if type(after) is not type(original) or after == original:
        return
    if isinstance(original, (list, bytearray)):
        original[:] = after
    else:
        original.clear()
        original.update(after)

class _RemoteFailure(Exception):
    """The solution raised something the tests' process has no class for."""

def _remote_exception(kind, message):
    import builtins
    cls = getattr(builtins, kind, None)
    if kind == "SystemExit":
        exc = _RemoteFailure(message)
    elif isinstance(cls, type) and issubclass(cls, Exception):
        try:
            exc = cls(message)
        except Exception:
            exc = _RemoteFailure(message)
    else:
        exc = _RemoteFailure(message)
    exc._q_solution = (kind, message)
    return exc

def _verdict_message(exc):
    remote = getattr(exc, "_q_solution", None)
    where = _location(exc.__traceback__, ("tests.py", "prompt.py"))
    if remote is not None:
        kind, message = remote
        if kind == "SystemExit":
            text = message + " before the tests finished"
        else:
            text = message if message.startswith(kind) else kind + ": " + message
        return text + ((" (called" + where + ")") if where else "")
    if isinstance(exc, _SolutionEnded):
        return "the solution's process ended before its tests finished" + where
    if isinstance(exc, _ProtocolError):
        return "the solution's process broke the protocol: %s%s" % (exc, where)
    return _describe(exc) + where

def _tester_test(spec, link, ready):
    import builtins
    names = ready
    namespace = {"__name__": "__quorum_tests__", "__builtins__": builtins}
    entry = spec.get("entry_point")

    def proxy(name):
        def call(*args, **kwargs):
            return link.call({"name": name}, args, kwargs)
        call.__name__ = call.__qualname__ = name
        return call

    if spec["layout"] == "humaneval":
        exec(compile(spec["prompt"], "prompt.py", "exec"), namespace)
        namespace[entry] = proxy(entry)
        exec(compile(spec["tests"], "tests.py", "exec"), namespace)
        namespace["check"](namespace[entry])
    else:
        # The tests see the solution's top-level functions and classes (through proxies; a name that
        # shadows a builtin, like MBPP/126's `sum`, shadows it for the tests too, as in one program) and
        # the modules it imported (imported afresh here, from the standard path).
        import importlib
        for name in names.get("modules", {}) if type(names) is dict else ():
            module = names["modules"][name]
            if type(name) is str and name.isidentifier() and type(module) is str and module not in ("antigravity", "this"):
                try:
                    namespace[name] = importlib.import_module(module)
                except BaseException:
                    pass
        for name in names.get("functions", []) if type(names) is dict else names:
            if type(name) is str and name.isidentifier():
                namespace[name] = proxy(name)
        exec(compile(spec["tests"], "tests.py", "exec"), namespace)

def _tester_outputs(spec, link, out, ready):
    import ast
    seconds = float(spec["call_seconds"])
    defined = ready.get("functions", []) if type(ready) is dict else []
    for index, (name, arguments) in enumerate(spec["calls"]):
        if name not in defined:
            out({"i": index, "out": "missing:" + name})
            continue
        try:
            args, kwargs = ast.literal_eval(arguments)
            value = link.call({"name": name}, args, kwargs, seconds=seconds)
            result = _fingerprint(value)
        except _CallTimeout:
            # The call was interrupted in the solution's process, which answers the next one.
            result = "timeout"
        except _NoReply:
            # The solution's process may be stuck: the calls after this one are not answered.
            out({"i": index, "out": "timeout"})
            return
        except _SolutionEnded:
            return
        except _ProtocolError:
            out({"i": index, "out": "raise:ProtocolError"})
            return
        except BaseException as e:
            remote = getattr(e, "_q_solution", None)
            result = "raise:" + (remote[0] if remote else type(e).__name__)
        out({"i": index, "out": result})

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
    if isinstance(value, _Remote):
        return value._q_type + ":" + value._q_repr
    if type(value).__name__ == "list_iterator":
        return "iter[" + ",".join(_canonical(v, depth + 1) for v in value) + "]"
    return type(value).__name__ + ":" + repr(value)

def _fingerprint(value):
    import hashlib
    text = _canonical(value)
    if len(text) <= 64:
        return "value:" + text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]

def _tester(cfg, spec, line, verdict):
    """Runs the task's tests against the solution in the other process and writes the verdict on `verdict`."""
    import traceback
    _limit(cfg["limits"])
    _become(cfg.get("tester_uid"))
    _undumpable()
    import linecache
    for name in ("prompt", "tests"):
        text = spec.get(name) or ""
        linecache.cache[name + ".py"] = (len(text), None, text.splitlines(True), name + ".py")
    link = _Link(line)
    mode = cfg["mode"]
    try:
        first = line.receive()
    except EOFError:
        first = None
    if mode == "outputs":
        if type(first) is dict and "load" in first:
            load = first["load"]
            kind = str(load.get("type", "Exception"))[:100] if type(load) is dict else "Exception"
            _emit(verdict, {"load": kind})
        elif type(first) is dict and "ready" in first:
            _tester_outputs(spec, link, lambda obj: _emit(verdict, obj), first["ready"])
        return
    if type(first) is not dict or not ("ready" in first or "load" in first):
        _emit(verdict, {"status": "error", "message": "the program ended before its tests started"})
        return
    if "load" in first:
        load = first["load"] if type(first["load"]) is dict else {}
        kind = str(load.get("type", "Exception"))[:100]
        message = str(load.get("message", kind))[:1000]
        if kind == "AssertionError":
            _emit(verdict, {"status": "fail", "message": message})
        elif kind == "SystemExit":
            _emit(verdict, {"status": "error", "message": message + " before the tests finished"})
        else:
            _emit(verdict, {"status": "error", "message": message})
        return
    ready = first["ready"] if type(first["ready"]) in (list, dict) else []
    try:
        _tester_test(spec, link, ready)
    except AssertionError as e:
        _emit(verdict, {"status": "fail", "message": _verdict_message(e)})
        traceback.print_exc()
    except _SolutionEnded as e:
        _emit(verdict, {"status": "error", "message": _verdict_message(e), "ended": True})
    except BaseException as e:
        _emit(verdict, {"status": "error", "message": _verdict_message(e)})
        traceback.print_exc()
    else:
        if link.ended:
            _emit(verdict, {"status": "error", "message": "the solution's process ended before its tests finished", "ended": True})
        elif link.broken:
            _emit(verdict, {"status": "error", "message": "the solution's process broke the protocol: " + link.broken})
        else:
            _emit(verdict, {"status": "pass"})

"""#
}
