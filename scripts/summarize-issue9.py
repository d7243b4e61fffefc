#!/usr/bin/env python3
"""Summarises the issue-9 run folders under runs/ (FoReaL vs leader, AdaDec vs greedy): accuracy, FLOPs (all,
and without the prompt prefill), tokens, leader share, paused fraction. Reads only paths.jsonl."""
import json, os, sys, glob

def load(folder):
    paths = [json.loads(l) for l in open(os.path.join(folder, "paths.jsonl"))]
    s = dict(n=len(paths), correct=0, flops=0.0, decode=0.0, gen=0, share=[], paused=[], extra=0, steps=0,
             leadergen=0, seconds=0.0)
    for p in paths:
        s["correct"] += int(p.get("answer") != "" and p.get("answer") == p.get("gold"))
        c = p["cost"]
        s["flops"] += c["flops"]
        s["gen"] += c["generated_tokens"]
        s["seconds"] += c["seconds"]
        s["leadergen"] += c["per_model"].get("qwen2.5-coder-0.5b", {}).get("generated", 0)
        for name, u in c["per_model"].items():
            tokens = u["generated"] + u["prefilled"]
            params = u["flops"] / (2 * tokens) if tokens else 0
            prompt = u.get("prompt", c["prompt_tokens"])
            s["decode"] += 2 * params * (tokens - prompt)
        if "leader_share" in c: s["share"].append(c["leader_share"])
        if "paused_fraction" in c: s["paused"].append(c["paused_fraction"])
        s["extra"] += c.get("extra_forward_passes", 0)
    s["acc"] = 100 * s["correct"] / max(1, s["n"])
    return s

def mean(xs): return sum(xs) / len(xs) if xs else float("nan")

for task in ["arith", "gsm"]:
    base = f"runs/i9-{task}-leader"
    if not os.path.exists(os.path.join(base, "cost.json")): continue
    b = load(base)
    print(f"\n{task}: leader alone (qwen2.5-coder-0.5b, greedy): {b['n']} problems, accuracy {b['acc']:.1f} %, "
          f"{b['gen']} tokens, FLOPs {b['flops']:.4g} (without prompt prefill {b['decode']:.4g})")
    print("| setting | problems | accuracy % | accuracy ratio | FLOPs ratio | FLOPs ratio without prompt | leader share | text tokens | leader decode steps ratio | seconds ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for folder in sorted(glob.glob(f"runs/i9-{task}-foreal-*")):
        if not os.path.exists(os.path.join(folder, "cost.json")): continue
        f = load(folder)
        ratio = f["acc"] / b["acc"] if b["acc"] else float("nan")
        print(f"| {folder.split('foreal-')[1]} | {f['n']} | {f['acc']:.1f} | {ratio:.2f} | {f['flops']/b['flops']:.3f} | "
              f"{f['decode']/b['decode']:.3f} | {mean(f['share']):.3f} | {f['gen']} | {f['leadergen']/b['leadergen']:.3f} | "
              f"{f['seconds']/b['seconds']:.2f} |")
    ada = f"runs/i9-{task}-adadec"
    if os.path.exists(os.path.join(ada, "cost.json")):
        a = load(ada)
        print(f"AdaDec: accuracy {a['acc']:.1f} % vs greedy {b['acc']:.1f} %; paused fraction {mean(a['paused']):.4f}; "
              f"extra forward passes {a['extra']} for {a['gen']} tokens ({100*a['extra']/max(1,a['gen']):.1f} %)")
