#!/usr/bin/env python3
"""Compares two output folders of scripts/run-identity.sh, timings aside (read that script's header).

Usage: run-identity-normalise.py --compare DIR1 DIR2
       run-identity-normalise.py --show DIR FILE     (prints FILE of DIR as it is compared)

Each file is compared as text after these replacements and no others; each keeps the line structure
(a value is replaced by a placeholder, never deleted):
  - the OUTDIR's own absolute path (the run folder's path in eval.json "source", eval.md and the stdout
    "Pool:" and "results in" lines) → <OUT>;
  - run.json: the values of "created" (ISO time) and "tool" (the version string) → "<created>", "<tool>";
  - every JSON key named exactly "seconds" (paths.jsonl cost.seconds, cost.per_model.M.seconds and
    execution.seconds; cost.json seconds; wall-clock times by docs/formats.md) → <seconds>;
    "timeout_seconds" and other keys are left as they are;
  - eval.md and stdout, the cost line "…FLOPs (2 × parameters × tokens); 73.6 s" → "…; <seconds> s";
  - stdout, the summary "(640 sampled in 1m14s: 8.62 paths/s, 335.8 tokens/s)" →
    "(640 sampled in <duration>: <rate> paths/s, <rate> tokens/s)".
The run folders' file lists are compared too (run.lock by presence only: it holds a process id).
"""
import os
import re
import sys

RUNS = ("demo", "code")
RUN_FILES = ("run.json", "paths.jsonl", "selections.jsonl", "eval.json", "eval.md", "cost.json")
CAPTURED = ("stdout", "stderr")

SECONDS = re.compile(r'("seconds"\s*:\s*)-?[0-9][0-9.eE+-]*')
CREATED = re.compile(r'("created"\s*:\s*)"[^"]*"')
TOOL = re.compile(r'("tool"\s*:\s*)"[^"]*"')
COST_LINE = re.compile(r"(FLOPs \(2 × parameters × tokens\); )[0-9][0-9.]* s$", re.M)
SUMMARY = re.compile(r"( sampled in )[^ :]+: [0-9][0-9.]* paths/s, [0-9][0-9.]* tokens/s\)")


def normalise(text, name, outdir):
    text = text.replace(outdir.rstrip("/") + "/", "<OUT>/").replace(outdir.rstrip("/"), "<OUT>")
    if name.endswith((".json", ".jsonl")):
        text = SECONDS.sub(r"\1<seconds>", text)
    if name == "run.json":
        text = CREATED.sub(r'\1"<created>"', text)
        text = TOOL.sub(r'\1"<tool>"', text)
    if name == "eval.md" or name.endswith((".stdout", ".stderr")):
        text = COST_LINE.sub(r"\1<seconds> s", text)
    if name.endswith((".stdout", ".stderr")):
        text = SUMMARY.sub(r"\1<duration>: <rate> paths/s, <rate> tokens/s)", text)
    return text


def read(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        return fh.read()


def first_difference(a, b, limit=3):
    la, lb = a.split("\n"), b.split("\n")
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<end of file>"
        y = lb[i] if i < len(lb) else "<end of file>"
        if x != y:
            out = [f"    first difference at line {i + 1} (lines: {len(la)} vs {len(lb)}):"]
            for j in range(i, min(i + limit, max(len(la), len(lb)))):
                x = la[j] if j < len(la) else "<end of file>"
                y = lb[j] if j < len(lb) else "<end of file>"
                if x != y:
                    out.append(f"    < {short(x, y)[0]}")
                    out.append(f"    > {short(x, y)[1]}")
            return "\n".join(out)
    return "    (no line differs)"


def short(x, y, width=300):
    """The two lines from a little before their first differing character, at most width characters."""
    k = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
    start = max(0, k - 60)
    cut = lambda s: ("…" if start else "") + s[start:start + width] + ("…" if len(s) > start + width else "")
    return cut(x), cut(y)


def compare(d1, d2):
    d1, d2 = os.path.abspath(d1), os.path.abspath(d2)
    differ = 0
    items = []
    for run in RUNS:
        items += [(os.path.join(run, f), f) for f in RUN_FILES]
        items += [(f"{run}.{c}", f"{run}.{c}") for c in CAPTURED]
    for run in RUNS:
        names = [sorted(os.listdir(os.path.join(d, run))) if os.path.isdir(os.path.join(d, run)) else []
                 for d in (d1, d2)]
        if names[0] != names[1]:
            print(f"{run}/ (file list): DIFFERENT\n    < {' '.join(names[0])}\n    > {' '.join(names[1])}")
            differ += 1
        else:
            print(f"{run}/ (file list): identical ({len(names[0])} files)")
    for rel, name in items:
        p1, p2 = os.path.join(d1, rel), os.path.join(d2, rel)
        missing = [p for p in (p1, p2) if not os.path.exists(p)]
        if missing:
            print(f"{rel}: MISSING {' '.join(missing)}")
            differ += 1
            continue
        a, b = normalise(read(p1), name, d1), normalise(read(p2), name, d2)
        if a == b:
            raw = "byte-identical" if read(p1) == read(p2) else "identical after normalising"
            print(f"{rel}: identical ({raw})")
        else:
            print(f"{rel}: DIFFERENT")
            print(first_difference(a, b))
            differ += 1
    print(f"{'identical' if differ == 0 else f'{differ} of {len(items) + len(RUNS)} differ'}: {d1} vs {d2}")
    return 1 if differ else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "--show":
        d = os.path.abspath(sys.argv[2])
        sys.stdout.write(normalise(read(os.path.join(d, sys.argv[3])), os.path.basename(sys.argv[3]), d))
        return
    sys.exit("usage: run-identity-normalise.py --compare DIR1 DIR2 | --show DIR FILE")


if __name__ == "__main__":
    main()
