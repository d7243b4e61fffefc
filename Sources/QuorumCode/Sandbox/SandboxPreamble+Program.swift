extension SandboxPreamble {
    /// A program on its own (no tests), and reading test inputs (`calls` mode).
    static let program = #"""
# ---- a program on its own, and test inputs -----------------------------------------------------------

def _program(cfg, workdir, report):
    """A program without tests: its own end is its result (it decides nothing about any other program).
    Exit status 0 when it ran to the end, 1 for an AssertionError, 2 for anything else; the supervisor
    reports the status, and the line on `report` only explains it."""
    import traceback
    _limit(cfg["limits"])
    _become(cfg.get("worker_uid"))
    os.chdir(workdir)
    if cfg.get("guard"):
        _install_guard(workdir)
    code = 0
    try:
        _load("__quorum_program__")
    except AssertionError as e:
        code = 1
        _emit(report, {"status": "fail", "message": _describe(e) + _location(e.__traceback__, ("program.py",))})
        traceback.print_exc()
    except SystemExit as e:
        code = 2
        _emit(report, {"status": "error", "message": "exit(%r) called before the program ended%s" % (e.code, _location(e.__traceback__, ("program.py",)))})
    except BaseException as e:
        code = 2
        _emit(report, {"status": "error", "message": _describe(e) + _location(e.__traceback__, ("program.py",))})
        traceback.print_exc()
    if code:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)

def _calls(cfg, spec, report):
    import ast
    _limit(cfg["limits"])
    _become(cfg.get("tester_uid"))
    source = spec["tests"]
    functions = dict(spec["functions"])
    tree = ast.parse(source)
    target = spec.get("candidate_target")
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
        if len(found) >= int(spec.get("max_calls", 200)):
            break
    _emit(report, {"calls": found})

"""#
}
