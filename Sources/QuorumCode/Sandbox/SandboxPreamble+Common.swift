extension SandboxPreamble {
    /// Writing to descriptors, messages, limits, user ids, and the JSON-lines channel between the two processes.
    static let common = #"""
import os, sys

# The working directory is never a place to import from (python -c puts it first on the path).
sys.path[:] = [p for p in sys.path if p not in ("", ".")]

# ---- common ------------------------------------------------------------------------------------------

def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]

def _emit(fd, obj):
    import json
    _write_all(fd, (json.dumps(obj) + "\n").encode("ascii"))

def _describe(exc):
    text = str(exc)
    name = type(exc).__name__
    return (name + ": " + text[:300]) if text else name

def _location(tb, files):
    import traceback
    frames = [f for f in traceback.extract_tb(tb) if f.filename in files]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    return " at %s:%d%s" % (frame.filename, frame.lineno, (": " + line[:200]) if line else "")

def _undumpable():
    # PR_SET_DUMPABLE = 4: no ptrace attach, no /proc/PID/{mem,fd,environ} for processes of the same user.
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(4, 0, 0, 0, 0) == 0
    except Exception:
        return False

def _limit(limits):
    import resource
    for name, value in (("RLIMIT_CORE", 0), ("RLIMIT_AS", limits["memory"]), ("RLIMIT_FSIZE", limits["file"]),
                        ("RLIMIT_NOFILE", limits["files"]), ("RLIMIT_NPROC", limits["processes"])):
        resource.setrlimit(getattr(resource, name), (value, value))
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu"], limits["cpu"] + 1))

def _become(uid):
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)

class _ProtocolError(BaseException):
    """A message that breaks the protocol (a BaseException: a test's `except Exception` does not hide it)."""

class _CallTimeout(BaseException):
    """A call took longer than its seconds (the solution's process said so, and still answers)."""

class _NoReply(BaseException):
    """The solution's process did not answer in time (it may be stuck)."""

class _Line:
    """JSON lines over a pair of pipe ends, each line at most 64 MiB."""
    limit = 64 << 20

    def __init__(self, rfd, wfd):
        self.rfd, self.wfd, self.buffer, self.scanned = rfd, wfd, bytearray(), 0

    def send(self, obj):
        _emit(self.wfd, obj)

    def receive(self, seconds=None):
        import json, select, time
        end = None if seconds is None else time.monotonic() + seconds
        while True:
            index = self.buffer.find(b"\n", self.scanned)
            if index >= 0:
                line = bytes(self.buffer[:index])
                del self.buffer[:index + 1]
                self.scanned = 0
                return json.loads(line)
            self.scanned = len(self.buffer)
            if len(self.buffer) > self.limit:
                raise _ProtocolError("a message of more than 64 MiB")
            if end is not None:
                left = end - time.monotonic()
                if left <= 0 or not select.select([self.rfd], [], [], left)[0]:
                    raise _NoReply()
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                raise EOFError()
            self.buffer += chunk

"""#
}
