#!/usr/bin/env python3
"""Summarises issue 9's run folders (made by scripts/measure-issue9.sh) as Markdown tables for docs/results.md:
FoReaL vs the leader alone, AdaDec vs greedy on HumanEval, early stopping replays. Reads only paths.jsonl
and the replay text files.

    python3 scripts/summarize-issue9.py [runs/issue9]
"""
import glob, json, os, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "runs/issue9"
LEADER = "qwen2.5-coder-0.5b"


def paths(folder):
    return [json.loads(line) for line in open(os.path.join(folder, "paths.jsonl"))]


def same_number(a, b):
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return a is not None and a == b


def correct_by_problem(folder):
    """Whether each problem's (single) path is right, by Quorum's own answer equivalence (selections.jsonl)."""
    out = {}
    for line in open(os.path.join(folder, "selections.jsonl")):
        sel = json.loads(line)
        if sel["method"] == "sc":
            out[sel["problem"]] = bool(sel.get("correct"))
    return out


def foreal_stats(folder):
    right = correct_by_problem(folder)
    s = dict(n=0, correct=0, flops=0.0, flops_text=0.0, text=0, share=[], leader_generated=0, seconds=0.0)
    for p in paths(folder):
        c = p["cost"]
        s["n"] += 1
        s["correct"] += int(right.get(p["problem"], False))
        s["flops"] += c["flops"]
        s["text"] += c["generated_tokens"]
        s["seconds"] += c["seconds"]
        s["leader_generated"] += c["per_model"].get(LEADER, {}).get("generated", 0)
        for usage in c["per_model"].values():
            tokens = usage["generated"] + usage["prefilled"]
            per_token = usage["flops"] / tokens if tokens else 0
            prompt = usage.get("prompt", c["prompt_tokens"])
            s["flops_text"] += per_token * (tokens - prompt)
        if "leader_share" in c:
            s["share"].append(c["leader_share"])
    s["accuracy"] = 100 * s["correct"] / max(1, s["n"])
    return s


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def foreal():
    for task, title in (("arith", "tasks/arith-easy"), ("gsm", "GSM8K test")):
        base = f"{OUT}/foreal-{task}-leader"
        if not os.path.exists(f"{base}/cost.json"):
            continue
        b = foreal_stats(base)
        print(f"\n{title}, leader alone (qwen2.5-coder-0.5b, greedy): {b['n']} problems, {b['correct']} right "
              f"({b['accuracy']:.1f} %), {b['text']} text tokens, {b['flops']:.4g} FLOPs ({b['flops_text']:.4g} "
              f"without the prompts), {b['seconds']:.0f} s\n")
        print("| n | p | problems | right | accuracy ratio | FLOPs ratio | FLOPs ratio without prompts | leader share "
              "| text tokens | leader decode steps ratio | seconds ratio |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in (5, 15, 25):
            for p in ("1.0", "0.5"):
                folder = f"{OUT}/foreal-{task}-n{n}-p{p}"
                if not os.path.exists(f"{folder}/cost.json"):
                    continue
                f = foreal_stats(folder)
                ratio = f["accuracy"] / b["accuracy"] if b["accuracy"] else float("nan")
                print(f"| {n} | {p} | {f['n']} | {f['correct']} | {ratio:.2f} | {f['flops'] / b['flops']:.3f} | "
                      f"{f['flops_text'] / b['flops_text']:.3f} | {mean(f['share']):.3f} | {f['text']} | "
                      f"{f['leader_generated'] / b['leader_generated']:.3f} | {f['seconds'] / b['seconds']:.2f} |")


def adadec():
    greedy = f"{OUT}/humaneval-greedy"
    if not os.path.exists(f"{greedy}/paths.jsonl"):
        return
    g = {p["problem"]: p for p in paths(greedy)}
    print("\nHumanEval (164 problems), qwen2.5-coder-0.5b, greedy vs AdaDec (L = 5, B = 3):\n")
    print("| decoder | τ (nats) | problems | pass@1 | greedy pass@1 on the same problems | programs changed "
          "| paused fraction | extra token rows | extra model calls | seconds ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for folder in sorted(glob.glob(f"{OUT}/humaneval-adadec*")):
        a = paths(folder)
        if not a:
            continue
        tau = json.load(open(f"{folder}/run.json"))["decoder"]["settings"]["adadec"]["threshold"]
        n = len(a)
        passed = sum(p["execution"]["status"] == "pass" for p in a)
        greedy_passed = sum(g[p["problem"]]["execution"]["status"] == "pass" for p in a)
        changed = sum(p["text"] != g[p["problem"]]["text"] for p in a)
        tokens = sum(p["cost"]["generated_tokens"] for p in a)
        paused = sum(p["cost"]["paused_fraction"] * p["cost"]["generated_tokens"] for p in a)
        rows = sum(p["cost"].get("extra_forward_passes", 0) for p in a)
        calls = sum(p["cost"].get("extra_model_calls", 0) for p in a)
        seconds = sum(p["cost"]["seconds"] for p in a)
        greedy_seconds = sum(g[p["problem"]]["cost"]["seconds"] for p in a)
        print(f"| AdaDec | {tau:.4g} | {n} | {100 * passed / n:.1f} % ({passed}) | {100 * greedy_passed / n:.1f} % "
              f"({greedy_passed}) | {changed} | {paused / tokens:.4f} | {100 * rows / tokens:.1f} % | "
              f"{100 * calls / tokens:.1f} % | {seconds / greedy_seconds:.2f} |")


def early():
    for name, title in (("early-replays.txt", "smollm2-135m, all 150 arith-easy problems"),
                        ("early-qwen-replays.txt", "qwen2.5-coder-0.5b, first 50 arith-easy problems")):
        file = f"{OUT}/{name}"
        if os.path.exists(file):
            print(f"\nEarly stopping replays ({title}), from {file}:\n")
            for line in open(file):
                if not line.startswith("##"):
                    print("- " + line.strip())


foreal()
adadec()
early()
