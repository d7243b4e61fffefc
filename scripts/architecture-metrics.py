#!/usr/bin/env python3
"""Architecture metrics of a Quorum checkout; called by scripts/architecture-metrics.sh (read its header).

Usage: architecture-metrics.py [CHECKOUT]   (default: the current directory)

Prints, for the tree in CHECKOUT:
  1. lines per module: each Sources/<Module> and each Tests/<Target>, Swift and C/C headers separately;
     `lines` is every line (as wc -l), `code` leaves out blank lines and lines that are only comment.
  2. the `duplicates` pair count (`duplicates --repo CHECKOUT --most 200 --seconds 120`), whole tree and by
     the top folders of the two sides.
  3. long functions: every `func`, `init`, `deinit` and `subscript` declaration with a body in Sources/
     whose body has more than 80 code lines: the lines strictly between its opening and its closing brace
     that hold something besides white space and comments (SwiftLint's `function_body_length` way of
     counting). A nested function counts on its own as well, and its lines also count in the outer one.
     Not counted: closures, computed properties and accessors, protocol requirements (no body),
     `.init(...)` calls. Each row also gives the span (keyword line to closing-brace line, both counted);
     the functions whose span alone is over 80 are listed too, unstarred, and counted apart. Tests/ are
     listed the same way but not in the count.
  4. the import graph: for each Sources/<Module>, the other Sources modules its files import (`import`,
     `@testable import`, `@_exported import`, `import struct X.Y` ...), as "A → B, C" lines and as a
     Mermaid `graph TD` block.

Swift is lexed enough to be right about braces and imports: comments (`//`, nested `/* */`) and string
literals (`"…"`, `\"\"\"…\"\"\"`, raw `#"…"#`, with `\\( … )` interpolations, which are code) are masked
first, so braces and `import` words inside strings (e.g. embedded Python) do not count.
"""
import os
import re
import subprocess
import sys

LONG = 80  # a function is long when its span is more than this many lines


# ---------------------------------------------------------------- Swift lexing


def mask_swift(src):
    """Returns (code, comment_mask): code has comment and string-literal characters replaced by spaces
    (newlines kept, interpolated code kept); comment_mask[i] is True where src[i] is in a comment."""
    out = list(src)
    is_comment = [False] * len(src)
    n = len(src)

    def blank(a, b, comment=False):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "
            if comment:
                is_comment[k] = True

    def code(i, closer):
        """Scans code from i; returns the index after `closer` (')' for an interpolation) or n."""
        depth = 0
        while i < n:
            c = src[i]
            if c == "/" and src.startswith("//", i):
                j = src.find("\n", i)
                j = n if j < 0 else j
                blank(i, j, True)
                i = j
            elif c == "/" and src.startswith("/*", i):
                j, level = i + 2, 1
                while j < n and level:
                    if src.startswith("/*", j):
                        level, j = level + 1, j + 2
                    elif src.startswith("*/", j):
                        level, j = level - 1, j + 2
                    else:
                        j += 1
                blank(i, j, True)
                i = j
            elif c == '"' or (c == "#" and re.match(r'#+"', src[i:i + 64])):
                i = string(i)
            elif closer and c == "(":
                depth += 1
                i += 1
            elif closer and c == ")":
                if depth == 0:
                    return i + 1
                depth -= 1
                i += 1
            else:
                i += 1
        return n

    def string(i):
        """Masks the string literal starting at i (at its hashes or quote); returns the index after it."""
        start = i
        hashes = 0
        while src[i] == "#":
            hashes, i = hashes + 1, i + 1
        multi = src.startswith('"""', i)
        i += 3 if multi else 1
        end = ('"""' if multi else '"') + "#" * hashes
        escape = "\\" + "#" * hashes
        blank(start, i)
        while i < n:
            if src.startswith(escape, i):
                j = i + len(escape)
                if j < n and src[j] == "(":
                    blank(i, j + 1)
                    i = code(j + 1, ")")  # interpolated code stays; its ')' is masked below
                    out[i - 1] = " "
                else:
                    blank(i, min(j + 1, n))
                    i = j + 1
            elif src.startswith(end, i):
                blank(i, i + len(end))
                return i + len(end)
            elif not multi and src[i] == "\n":
                return i  # unterminated: stop at the line end
            else:
                blank(i, i + 1)
                i += 1
        return n

    code(0, None)
    return "".join(out), is_comment


TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|`[^`\n]*`|\S")
DECL_STOP = {
    "func", "init", "deinit", "subscript", "var", "let", "case", "struct", "class", "enum", "protocol",
    "extension", "typealias", "associatedtype", "actor", "import", "operator", "precedencegroup",
}


def long_functions(path, text):
    """Yields (line, span, body code lines, name) for each func/init/deinit/subscript with a body in text."""
    code, _ = mask_swift(text)
    kept = comment_free(text).split("\n")
    line_starts = [0] + [m.end() for m in re.finditer("\n", code)]

    def line_of(pos):
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    toks = [(m.group(0), m.start()) for m in TOKEN.finditer(code)]
    for t, (word, pos) in enumerate(toks):
        if word not in ("func", "init", "deinit", "subscript"):
            continue
        if t > 0 and toks[t - 1][0] == ".":
            continue  # Self.init(…), super.init(…)
        if word == "init" and not (t + 1 < len(toks) and toks[t + 1][0] in ("(", "?", "!", "<")):
            continue
        name = word
        if word == "func" and t + 1 < len(toks):
            name = toks[t + 1][0]
        # the body's '{' is the first one outside () and [] before anything that ends the declaration
        depth, k, body = 0, t + 1, None
        while k < len(toks):
            w = toks[k][0]
            if w in "([":
                depth += 1
            elif w in ")]":
                depth -= 1
            elif depth == 0 and w == "{":
                body = k
                break
            elif depth == 0 and (w == "}" or w in DECL_STOP):
                break
            k += 1
        if body is None:
            continue
        level, k = 0, body
        while k < len(toks):
            w = toks[k][0]
            if w == "{":
                level += 1
            elif w == "}":
                level -= 1
                if level == 0:
                    break
            k += 1
        if k >= len(toks):
            continue
        first, opening, last = line_of(pos), line_of(toks[body][1]), line_of(toks[k][1])
        inner = sum(1 for ln in kept[opening:last - 1] if ln.strip())
        yield first, last - first + 1, inner, name


def line_counts(text, swift):
    """(lines, code lines) of a file; code lines have something besides white space and comments."""
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if swift:
        kept = comment_free(text)  # a line with only string content counts as code
    else:
        kept = strip_c_comments(text)
    code_lines = sum(1 for ln in kept.split("\n") if ln.strip())
    return lines, code_lines


def comment_free(text):
    _, is_comment = mask_swift(text)
    return "".join(" " if is_comment[i] and ch != "\n" else ch for i, ch in enumerate(text))


def strip_c_comments(text):
    def repl(m):
        s = m.group(0)
        if s.startswith("/"):
            return re.sub(r"[^\n]", " ", s)
        return s
    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"', repl, text, flags=re.S)


IMPORT = re.compile(
    r"^[ \t]*(?:@[A-Za-z_]+[ \t]+)*(?:(?:public|package|internal|fileprivate|private)[ \t]+)?import"
    r"(?:[ \t]+(?:struct|class|enum|protocol|typealias|func|let|var))?[ \t]+([A-Za-z_][A-Za-z_0-9]*)",
    re.M)


def imports(text):
    code, _ = mask_swift(text)
    return {m.group(1) for m in IMPORT.finditer(code)}


# ---------------------------------------------------------------- the tree


def files_under(root, exts):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".build"))
        for f in sorted(filenames):
            if f.endswith(exts):
                found.append(os.path.join(dirpath, f))
    return found


def read(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def table(title, base, checkout):
    print(f"## {title} ({base}/)")
    print(f"{'target':<28}{'files':>6}{'lines':>8}{'code':>8}   {'C files':>7}{'C lines':>8}{'C code':>8}")
    totals = [0] * 6
    root = os.path.join(checkout, base)
    for target in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        d = os.path.join(root, target)
        if not os.path.isdir(d):
            continue
        row = [0] * 6
        for f in files_under(d, (".swift",)):
            lines, code = line_counts(read(f), True)
            row[0], row[1], row[2] = row[0] + 1, row[1] + lines, row[2] + code
        for f in files_under(d, (".c", ".h")):
            lines, code = line_counts(read(f), False)
            row[3], row[4], row[5] = row[3] + 1, row[4] + lines, row[5] + code
        totals = [a + b for a, b in zip(totals, row)]
        print(f"{target:<28}{row[0]:>6}{row[1]:>8}{row[2]:>8}   {row[3]:>7}{row[4]:>8}{row[5]:>8}")
    print(f"{'total':<28}{totals[0]:>6}{totals[1]:>8}{totals[2]:>8}   {totals[3]:>7}{totals[4]:>8}{totals[5]:>8}")
    print()


def duplicates(checkout):
    print("## duplicates (duplicates --repo CHECKOUT --most 200 --seconds 120)")
    try:
        run = subprocess.run(["duplicates", "--repo", checkout, "--most", "200", "--seconds", "120"],
                             capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"duplicates: not run ({error})")
        print()
        return
    lines = run.stdout.splitlines()
    rows = [ln for ln in lines if re.match(r"D\d+ ", ln)]
    header = lines[0] if lines else ""
    print(header)
    m = re.match(r"(\d+) pairs", header)
    total = int(m.group(1)) if m else len(rows)
    more = [ln for ln in lines if re.match(r"\(\+\d+ more pairs\)", ln)]
    print(f"pairs: {total} (rows listed: {len(rows)}{'; ' + more[0] if more else ''})")
    groups = {}
    for row in rows:
        parts = row.split()
        sides = sorted(p.split("/")[0].split(":")[0] for p in (parts[1], parts[3]))
        key = " ~ ".join(sides)
        groups[key] = groups.get(key, 0) + 1
    for key in sorted(groups, key=lambda k: (-groups[k], k)):
        print(f"  {groups[key]:>4}  {key}")
    for ln in lines:
        if ln.startswith(("left out:", "incomplete:")):
            print(ln)
    print()


def long_function_list(checkout, base, counted):
    found = []
    for f in files_under(os.path.join(checkout, base), (".swift",)):
        rel = os.path.relpath(f, checkout)
        for line, span, body, name in long_functions(f, read(f)):
            if body > LONG or span > LONG:
                found.append((rel, line, span, body, name))
    by_body = sum(1 for r in found if r[3] > LONG)
    by_span = sum(1 for r in found if r[2] > LONG)
    label = "" if counted else " (listed only)"
    print(f"## functions over {LONG} lines in {base}/{label}")
    print(f"body code lines > {LONG} (starred): {by_body}")
    print(f"span > {LONG} (keyword line to closing brace): {by_span}")
    print(f"     {'body':>5} {'span':>5}  where")
    for rel, line, span, body, name in sorted(found, key=lambda r: (-r[3], -r[2], r[0], r[1])):
        star = "*" if body > LONG else " "
        print(f"  {star}  {body:>5} {span:>5}  {rel}:{line}  {name}")
    print()


def import_graph(checkout):
    root = os.path.join(checkout, "Sources")
    modules = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    graph = {}
    for module in modules:
        used = set()
        for f in files_under(os.path.join(root, module), (".swift",)):
            used |= imports(read(f))
        graph[module] = sorted((used & set(modules)) - {module})
    print("## import graph (Sources: module → the Quorum modules its files import)")
    for module in modules:
        print(f"{module} → {', '.join(graph[module]) if graph[module] else '(none)'}")
    print()
    print("```mermaid")
    print("graph TD")
    for module in modules:
        if not graph[module]:
            print(f"    {module}")
        for dep in graph[module]:
            print(f"    {module} --> {dep}")
    print("```")
    print()


def main():
    checkout = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    if not os.path.isdir(os.path.join(checkout, "Sources")):
        sys.exit(f"architecture-metrics: no Sources/ in {checkout}")
    head = subprocess.run(["git", "-C", checkout, "log", "-1", "--format=%h %s"],
                          capture_output=True, text=True).stdout.strip()
    print(f"# architecture metrics of {checkout}" + (f" at {head}" if head else ""))
    print()
    table("lines per module", "Sources", checkout)
    table("lines per test target", "Tests", checkout)
    duplicates(checkout)
    long_function_list(checkout, "Sources", True)
    long_function_list(checkout, "Tests", False)
    import_graph(checkout)


if __name__ == "__main__":
    main()
