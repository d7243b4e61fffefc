#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs into Fuzz/seeds/TARGET/ (git-ignored; `make fuzz` runs this).

Seeds come from real files, cut small, and nothing of them is committed:
- FuzzGGUF: a tiny synthetic GGUF with a GPT-2-style tokenizer, and, when the model is present
  ($QUORUM_HOME/models/smollm2-135m.gguf, default ~/.cache/quorum/models), its real metadata with every array
  cut to 32 elements and two tiny tensors, plus the model's first 64 KiB (a truncated file);
- FuzzTaskJSON / FuzzTaskXML: the first records of every task file in ../shared/tasks and tasks/, gzipped
  HumanEval included, and --field-mapped variants;
- FuzzPaths: paths.jsonl lines in the layout of docs/formats.md (engine, server, code and adaptive runs);
- FuzzAnswers: the equivalence cases of Tests/QuorumTasksTests/Resources and model solutions of
  ../shared/tasks/samples with their golds;
- FuzzHTTP: completions and chat-completions bodies in every dialect the backend reads (as the fixtures of
  Tests/QuorumHTTPTests), and the error shapes.
Usage: make-seeds.py [SEEDS_DIR]
"""
import gzip
import json
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "tasks")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Fuzz", "seeds")
MODEL = os.path.join(os.environ.get("QUORUM_HOME", os.path.expanduser("~/.cache/quorum")), "models",
                     "smollm2-135m.gguf")


def put(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def files(folder, suffixes):
    found = []
    for base, _, names in os.walk(folder):
        found += [os.path.join(base, n) for n in sorted(names) if n.endswith(suffixes)]
    return sorted(found)


# ---------------------------------------------------------------------------------------------- GGUF

def gguf_string(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def gguf_value(vtype, value):
    if vtype in SCALARS:
        return struct.pack(SCALARS[vtype], value)
    if vtype == 8:
        return gguf_string(value)
    if vtype == 9:
        etype, items = value
        return struct.pack("<IQ", etype, len(items)) + b"".join(gguf_value(etype, v) for v in items)
    raise ValueError(vtype)


def gguf_file(metadata, tensors, alignment=32):
    """metadata: [(key, type, value)]; tensors: [(name, dims, ggml type, data bytes)]."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for key, vtype, value in metadata:
        out += gguf_string(key) + struct.pack("<I", vtype) + gguf_value(vtype, value)
    offset = 0
    for name, dims, ttype, data in tensors:
        out += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", ttype, offset)
        offset += (len(data) + alignment - 1) // alignment * alignment
    out += b"\0" * (-len(out) % alignment)
    for _, _, _, data in tensors:
        out += data + b"\0" * (-len(data) % alignment)
    return out


def read_gguf_metadata(path, keep):
    """The metadata of a real GGUF file, arrays cut to `keep` elements: [(key, type, value)]."""
    with open(path, "rb") as f:
        head = f.read(8 << 20)
    pos = 0

    def take(fmt):
        nonlocal pos
        (v,) = struct.unpack_from(fmt, head, pos)
        pos += struct.calcsize(fmt)
        return v

    def string():
        nonlocal pos
        n = take("<Q")
        s = head[pos:pos + n].decode("utf-8", "replace")
        pos += n
        return s

    def value(vtype):
        if vtype in SCALARS:
            return take(SCALARS[vtype])
        if vtype == 8:
            return string()
        etype, n = take("<I"), take("<Q")
        items = [value(etype) for _ in range(n)]
        return (etype, items[:keep])

    assert head[:4] == b"GGUF"
    pos = 8
    _, count = take("<Q"), take("<Q")
    metadata = []
    for _ in range(count):
        key = string()
        vtype = take("<I")
        metadata.append((key, vtype, value(vtype)))
    return metadata


def gguf_seeds():
    tokens = ["<|endoftext|>", "Q", ":", "Ġ", "1", "2", "+", "=", "?", "A", "Ċ", "4", "Ã¼", "Ġ1", "12"]
    tokenizer = [
        ("tokenizer.ggml.model", 8, "gpt2"), ("tokenizer.ggml.pre", 8, "smollm"),
        ("tokenizer.ggml.tokens", 9, (8, tokens)), ("tokenizer.ggml.token_type", 9, (5, [3] + [1] * (len(tokens) - 1))),
        ("tokenizer.ggml.merges", 9, (8, ["Ġ 1", "1 2"])), ("tokenizer.ggml.bos_token_id", 4, 0),
        ("tokenizer.ggml.eos_token_id", 4, 0),
    ]
    llama = [
        ("general.architecture", 8, "llama"), ("general.name", 8, "fuzz"), ("general.alignment", 4, 32),
        ("llama.context_length", 4, 64), ("llama.embedding_length", 4, 8), ("llama.block_count", 4, 1),
        ("llama.feed_forward_length", 4, 16), ("llama.attention.head_count", 4, 2),
        ("llama.attention.head_count_kv", 4, 1), ("llama.rope.freq_base", 6, 10000.0),
        ("llama.attention.layer_norm_rms_epsilon", 6, 1e-5), ("llama.vocab_size", 4, len(tokens)),
    ]
    every_type = [("t.u8", 0, 7), ("t.i8", 1, -7), ("t.u16", 2, 700), ("t.i16", 3, -700), ("t.u32", 4, 70000),
                  ("t.i32", 5, -70000), ("t.f32", 6, 0.5), ("t.bool", 7, True), ("t.u64", 10, 1 << 40),
                  ("t.i64", 11, -(1 << 40)), ("t.f64", 12, 0.25), ("t.nested", 9, (9, [(4, [1, 2]), (8, ["x"])]))]
    f32 = lambda n: struct.pack("<%df" % n, *[0.125 * i for i in range(n)])
    tensors = [("token_embd.weight", [8, len(tokens)], 0, f32(8 * len(tokens))), ("output_norm.weight", [8], 0, f32(8)),
               ("blk.0.attn_q.weight", [8, 8], 1, b"\0\x3c" * 64)]
    put("FuzzGGUF", "synthetic-llama.gguf", gguf_file(llama + tokenizer + every_type, tensors))
    put("FuzzGGUF", "synthetic-metadata-only.gguf", gguf_file(every_type, []))
    put("FuzzGGUF", "synthetic-q8.gguf", gguf_file(every_type[:3], [("w", [32, 2], 8, (b"\0\x3c" + bytes(range(32))) * 2)]))
    if os.path.exists(MODEL):
        metadata = read_gguf_metadata(MODEL, keep=32)
        put("FuzzGGUF", "smollm2-metadata-cut.gguf", gguf_file(metadata, tensors[:2]))
        with open(MODEL, "rb") as f:
            put("FuzzGGUF", "smollm2-first-64k.gguf", f.read(64 << 10))
    else:
        print(f"make-seeds: {MODEL} is missing; FuzzGGUF has synthetic seeds only", file=sys.stderr)


# --------------------------------------------------------------------------------------------- tasks

def task_seeds():
    roots = [(SHARED, "shared"), (os.path.join(ROOT, "tasks"), "repo")]
    if not os.path.isdir(SHARED):
        print(f"make-seeds: {SHARED} is missing; the task targets have the repository's tasks/ only", file=sys.stderr)
    for root, label in roots:
        for path in files(root, (".jsonl", ".json", ".jsonl.gz", ".xml")):
            name = label + "-" + os.path.relpath(path, root).replace("/", "-")
            raw = open(path, "rb").read()
            if path.endswith(".gz"):
                lines = gzip.decompress(raw).split(b"\n")[:2]
                put("FuzzTaskJSON", name, gzip.compress(b"\n".join(lines) + b"\n"))
                put("FuzzTaskJSON", name[:-3], b"\n".join(lines) + b"\n")
            elif path.endswith(".jsonl"):
                put("FuzzTaskJSON", name, b"\n".join(raw.split(b"\n")[:3]) + b"\n")
            elif path.endswith(".json"):
                records = json.loads(raw)
                if isinstance(records, list):
                    put("FuzzTaskJSON", name, json.dumps(records[:3], indent=1, ensure_ascii=False))
            else:
                text = raw.decode("utf-8", "replace")
                root_tag = re.search(r"<([A-Za-z_][\w.-]*)[^>]*>", re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text, flags=re.S))
                record_ends = [m.end() for m in re.finditer(r"</(Problem|item|problem)>", text)]
                if root_tag and len(record_ends) > 3:
                    text = text[:record_ends[2]] + f"\n</{root_tag.group(1)}>\n"
                put("FuzzTaskXML", name, text)
                if "asdiv" in name.lower():
                    put("FuzzTaskXML", "mapped-" + name,
                        "#fields question=Body+Question\tanswer=Answer\tid=@ID\trecord=Problem\n" + text)
                    put("FuzzTaskXML", "utf16-" + name, "\ufeff".encode("utf-16-le") + text.replace(
                        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"))
    gsm = os.path.join(SHARED, "gsm8k", "test.jsonl")
    if os.path.exists(gsm):
        lines = open(gsm, "rb").read().split(b"\n")[:2]
        put("FuzzTaskJSON", "mapped-gsm8k.jsonl",
            b"#fields question=question\tanswer=answer\tmeta.src=question\n" + b"\n".join(lines) + b"\n")


# --------------------------------------------------------------------------------------------- paths

def path_line(problem, index, text, answer, gold, extra=None):
    line = {"problem": problem, "path": index, "model": "smollm2-135m@b179c952", "decoder": "sample",
            "params": {"temperature": 0.7, "top_p": 1, "top_k": 0, "min_p": 0, "max_tokens": 128, "seed": 297876190 + index},
            "text": text, "answer": answer, "gold": gold, "finish": "stop", "tokens": [27277, 30, 12],
            "logprobs": [-1.0378, -0.25, -0.5], "mean_logprob": -0.596, "sum_logprob": -1.7878,
            "cost": {"prompt_tokens": 627, "generated_tokens": 3, "flops": 1.79e11,
                     "per_model": {"smollm2-135m": {"generated": 3, "prefilled": 627, "flops": 1.79e11}}, "seconds": 0.53}}
    line.update(extra or {})
    return json.dumps(line, ensure_ascii=False)


def paths_seeds():
    math = [path_line("arith-easy/1", i, f" 4 x 2 = 8. The answer is {a}.\n", a, "12") for i, a in enumerate(["12", "8", ""])]
    math += [path_line("arith-easy/2", 0, " The answer is 3/4.", "3/4", "0.75")]
    put("FuzzPaths", "math.jsonl", "\n".join(math) + "\n")
    put("FuzzPaths", "truncated.jsonl", "\n".join(math)[:-40])
    code = [path_line("humaneval/2", i, "    return number % 1.0\n", "    return number % 1.0", "    return number % 1.0",
                      {"execution": {"status": s, "seconds": 0.15, **({"message": "AssertionError at program.py:27"} if s != "pass" else {})}})
            for i, s in enumerate(["pass", "fail", "timeout"])]
    put("FuzzPaths", "code.jsonl", "\n".join(code) + "\n")
    server = [path_line("gsm8k/7", 0, "so 18.", "18", "18", {"model": "served", "tokens": None, "mean_logprob": "-Infinity"})]
    put("FuzzPaths", "server.jsonl", "\n".join(server).replace('"-Infinity"', "-Infinity") + "\r\n")
    adaptive = [path_line("arith-easy/3", i, "x", "7", "7", {"cost": {"prompt_tokens": 5, "generated_tokens": 1, "flops": 0,
                "per_model": {"a": {"generated": 1, "prefilled": 5, "flops": 0, "prompt": 5, "seconds": 0.1}},
                "seconds": 0.1, "leader_share": 0.5, "switches": 1, "paused_fraction": 0.25, "requests": 2}}) for i in range(2)]
    put("FuzzPaths", "adaptive.jsonl", "\n".join(adaptive) + "\n")


# ------------------------------------------------------------------------------------------- answers

def answer_seeds():
    cases = os.path.join(ROOT, "Tests", "QuorumTasksTests", "Resources", "equivalence-cases.jsonl")
    for i, line in enumerate(open(cases, encoding="utf-8")):
        if line.strip():
            case = json.loads(line)
            put("FuzzAnswers", f"equivalence-{i:03d}", f"{case['a']}\0{case['b']}")
    for path in files(os.path.join(SHARED, "samples"), (".jsonl",)):
        for i, line in enumerate(open(path, encoding="utf-8")):
            if i >= 40:
                break
            record = json.loads(line)
            texts = [v for k, v in record.items() if isinstance(v, str) and len(v) > 20][:1]
            golds = [str(record[k]) for k in ("answer", "gold", "target", "ground_truth", "gt") if k in record][:1]
            if texts:
                put("FuzzAnswers", f"{os.path.basename(path)}-{i:02d}", f"{texts[0][:3000]}\0{(golds or [''])[0][:200]}")
    for i, text in enumerate(["The answer is \\boxed{\\frac{1}{2}}.\0" "0.5", "(C) blue\0C",
                              "```python\ndef f(x):\n    return x\n```\0def f(x): return x", "x^2+7x+10\0" "10+7x+x^2",
                              "\\sqrt{2}\\pi\0" "4.4429", "2\\frac{1}{2}\0" "2.5", "$1,000.00\0" "1000", "[1, 3)\0[1,3)"]):
        put("FuzzAnswers", f"synthetic-{i:02d}", text)


# ---------------------------------------------------------------------------------------------- HTTP

def http_seeds():
    legacy = {"id": "cmpl-1", "object": "text_completion", "model": "m", "choices": [
        {"index": 0, "text": "seed-11#0", "finish_reason": "length", "logprobs": {
            "tokens": ["seed", "-11", "#0"], "token_logprobs": [-0.25, -1.5, -0.125],
            "top_logprobs": [{"seed": -0.25, "x": -3.25}, {"-11": -1.5}, None], "text_offset": [0, 4, 7]}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 3}}
    content = {"choices": [{"index": 0, "text": "4", "finish_reason": "stop", "stop_reason": "\n", "logprobs": {"content": [
        {"id": 19, "token": "4", "bytes": [52], "logprob": -0.1, "top_logprobs": [
            {"id": 19, "token": "4", "bytes": [52], "logprob": -0.1}, {"id": 20, "token": "5", "bytes": [53], "logprob": -2.5}]}]}},
        {"index": 1, "text": "", "finish_reason": "stop", "stop_reason": 13, "logprobs": {}}],
        "usage": {"prompt_tokens": 19, "completion_tokens": 1, "prompt_tokens_details": {"cached_tokens": 18}}}
    native = {"content": " 4", "stop": True, "stop_type": "word", "stopping_word": "\n", "tokens_evaluated": 12,
              "tokens_predicted": 2, "timings": {"cache_n": 3}, "completion_probabilities": [
                  {"id": 220, "token": " ", "logprob": -0.5, "bytes": [32], "top_logprobs": [{"id": 220, "token": " ", "logprob": -0.5}]},
                  {"id": 19, "token": "4", "logprob": -0.01, "bytes": [52], "top_logprobs": []}]}
    put("FuzzHTTP", "legacy.json", json.dumps(legacy))
    put("FuzzHTTP", "content.json", json.dumps(content, indent=1))
    put("FuzzHTTP", "llama-native.json", json.dumps(native))
    put("FuzzHTTP", "python-infinity.json", json.dumps(legacy).replace("-3.25", "-Infinity").replace("-0.125", "NaN"))
    put("FuzzHTTP", "error-string.json", '{"error": "model not loaded"}')
    put("FuzzHTTP", "error-object.json", '{"error": {"message": "context too long", "type": "invalid_request_error", "code": 400}}')
    put("FuzzHTTP", "old-llama-probs.json", '{"content": "a", "stop_type": "limit", "completion_probabilities": [{"content": "a", "probs": [{"tok_str": "a", "prob": 0.5}]}]}')
    put("FuzzHTTP", "retry-after.txt", "Wed, 21 Oct 2015 07:28:00 GMT\n{}")
    chat = {"object": "chat.completion", "model": "m", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "<think>2+2</think> 4", "reasoning_content": None},
         "logprobs": {"content": [{"token": "4", "logprob": -9999.0, "bytes": None, "top_logprobs": None}]},
         "finish_reason": "stop"},
        {"index": 1, "message": {"content": None, "reasoning": "hm"}, "logprobs": None, "finish_reason": "abort"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "completion_tokens_details": {"reasoning_tokens": 1}}}
    put("FuzzHTTP", "chat.json", json.dumps(chat))
    put("FuzzHTTP", "chat-sglang-array.json", json.dumps([chat, chat]))
    put("FuzzHTTP", "error-flat.json", '{"object": "error", "message": "too long", "type": "BadRequestError", "code": 400}')
    put("FuzzHTTP", "error-detail.json", '{"detail": [{"loc": ["body", "n"], "msg": "not an integer"}]}')
    put("FuzzHTTP", "models.json", '{"object": "list", "data": [{"id": "qwen", "object": "model"}]}')


if __name__ == "__main__":
    gguf_seeds()
    task_seeds()
    paths_seeds()
    answer_seeds()
    http_seeds()
    for target in sorted(os.listdir(OUT)):
        print(f"make-seeds: {target}: {len(os.listdir(os.path.join(OUT, target)))} seeds in {os.path.join(OUT, target)}")
