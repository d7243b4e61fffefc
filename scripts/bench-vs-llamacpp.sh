#!/usr/bin/env bash
# The embedded engine side by side with llama.cpp on the same model file, same thread count, in one run:
# repetitions interleaved (llama.cpp, then Quorum, round after round), so that the load of a shared machine
# falls on both. Prints, per model, the median speed of each and the median of the per-round ratios.
#
#   scripts/bench-vs-llamacpp.sh [--rounds N] [--threads T] [--batches 1,8,16,32] [--no-build] MODEL...
#
# MODEL is a pulled model name (smollm2-135m, qwen2.5-coder-0.5b) or a .gguf path. Tests, as issue 6 asks:
#   pp512    prefill of 512 tokens          llama-bench -p 512 -n 0           quorum bench --prompt 512
#   tg128    decode of 128 tokens, 1 row    llama-bench -p 0 -n 128           quorum bench --generate 128
#   Bxtg128  B sequences after a shared     llama-batched-bench -npp 128      quorum bench --batch B
#            128-token prompt (B·128 tokens -ntg 128 -npl B -pps               (S_TG: tokens of all
#            per step time)                                                   sequences per second)
# Both run with their defaults: llama.cpp flash attention auto and an f16 KV cache, Quorum an f16 KV cache and
# 8-bit activations. Peak RSS is each process's own (wait4): llama.cpp's is the largest of its processes.
# "per CPU-s" is tokens per second of process CPU time: Quorum measures it around each test;
# for llama.cpp it is the test's rate divided by the process's average CPU use (≈: the process also loads
# the model and warms up).
#
# llama.cpp is built outside the repository when missing: the llama-cpp-python 0.3.36 source package's
# vendored llama.cpp (the version of ../shared/reference/engine), with -DGGML_NATIVE=ON. Set LLAMA_CPP_BIN
# to a directory holding llama-bench and llama-batched-bench to use those instead. Quorum's release build is
# brought up to date first (unless --no-build).
set -euo pipefail

ROUNDS=3
THREADS=2
BATCHES=1,8,16,32
NO_BUILD=0
MODELS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --batches) BATCHES="$2"; shift 2 ;;
        --no-build) NO_BUILD=1; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 64 ;;
        *) MODELS+=("$1"); shift ;;
    esac
done
[[ ${#MODELS[@]} -gt 0 ]] || MODELS=(smollm2-135m qwen2.5-coder-0.5b)

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QUORUM="$ROOT/.build/release/quorum"
SDIST_VERSION=0.3.36
SDIST_NAME="llama_cpp_python-$SDIST_VERSION.tar.gz"
SDIST_SHA256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e

# --- llama.cpp -----------------------------------------------------------------------------------------
llama_bin() {
    if [[ -n "${LLAMA_CPP_BIN:-}" ]]; then echo "$LLAMA_CPP_BIN"; return; fi
    # A build tree another tool of this project made (quorum's llama-server helper), else our own.
    for build in "$HOME/.cache/quorum/llama.cpp/work/build" /tmp/llama-perf/build; do
        if [[ -f "$build/CMakeCache.txt" ]]; then
            if [[ ! -x "$build/bin/llama-bench" || ! -x "$build/bin/llama-batched-bench" ]]; then
                echo "building llama-bench and llama-batched-bench in $build" >&2
                cmake --build "$build" --target llama-bench llama-batched-bench -j 2 >&2
            fi
            echo "$build/bin"
            return
        fi
    done
    local work=/tmp/llama-perf sdist=""
    for candidate in "${LLAMA_CPP_SDIST:-}" "/tmp/llamasrc/$SDIST_NAME" "$work/$SDIST_NAME"; do
        [[ -n "$candidate" && -f "$candidate" ]] && { sdist="$candidate"; break; }
    done
    mkdir -p "$work"
    if [[ -z "$sdist" ]]; then
        echo "downloading the llama-cpp-python $SDIST_VERSION source package" >&2
        python3 -m pip download --no-deps --no-binary llama-cpp-python --dest "$work" "llama-cpp-python==$SDIST_VERSION" >&2
        sdist="$work/$SDIST_NAME"
    fi
    echo "$SDIST_SHA256  $sdist" | sha256sum -c --quiet - >&2 || { echo "unexpected sha256 for $sdist" >&2; exit 1; }
    command -v cmake >/dev/null || { echo "cmake is missing (apt-get install -y cmake)" >&2; exit 1; }
    rm -rf "$work/src" && mkdir -p "$work/src"
    tar -xzf "$sdist" -C "$work/src" --strip-components=1
    cmake -S "$work/src/vendor/llama.cpp" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF >&2
    cmake --build "$work/build" --target llama-bench llama-batched-bench -j 2 >&2
    echo "$work/build/bin"
}

BIN="$(llama_bin)"
# Through SwiftPM (a no-op when the release build is current), so that a stale binary is not measured; --no-build
# measures .build/release/quorum as it is (SwiftPM's lock would otherwise wait for any other build of the checkout).
if [[ $NO_BUILD == 0 || ! -x "$QUORUM" ]]; then (cd "$ROOT" && swift build -c release --product quorum >&2); fi

resolve_model() {
    if [[ "$1" == *.gguf ]]; then echo "$1"; else "$QUORUM" models info "$1" | sed -n 's/^file: *\(.*\) ([0-9.]* MB)$/\1/p'; fi
}

export BIN QUORUM ROUNDS THREADS BATCHES
for name in "${MODELS[@]}"; do
    MODEL="$(resolve_model "$name")"
    [[ -f "$MODEL" ]] || { echo "no model file for $name ($MODEL); pull it with: quorum models pull $name" >&2; exit 1; }
    MODEL="$MODEL" NAME="$name" python3 - <<'PY'
import json, os, resource, statistics, subprocess, sys, time

BIN, QUORUM, MODEL, NAME = os.environ["BIN"], os.environ["QUORUM"], os.environ["MODEL"], os.environ["NAME"]
ROUNDS, T = int(os.environ["ROUNDS"]), os.environ["THREADS"]
BATCHES = [int(b) for b in os.environ["BATCHES"].split(",") if b]

peak = {"llama": 0, "ours": 0}

def run(cmd, who):
    """Runs cmd; returns (stdout, wall seconds, CPU seconds of the process); keeps its peak RSS under `who`."""
    import tempfile
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(p.pid, 0)  # the process's own rusage (CPU time, peak RSS)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - start
        out.seek(0); err.seek(0)
        stdout, stderr = out.read(), err.read()
    if p.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{stderr[-2000:]}")
    peak[who] = max(peak[who], usage.ru_maxrss * 1024)
    return stdout, wall, usage.ru_utime + usage.ru_stime

def jsonl(out):
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]

tests = ["pp512", "tg128"] + [f"{b}xtg128" for b in BATCHES]
llama = {t: [] for t in tests}; llama_cpu = {t: [] for t in tests}
ours = {t: [] for t in tests}; ours_cpu = {t: [] for t in tests}
ratios = {t: [] for t in tests}
rss = []
started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
for r in range(ROUNDS):
    # llama.cpp: one process per test, so that its CPU use is (nearly) the test's.
    for test, args in [("pp512", ["-p", "512", "-n", "0"]), ("tg128", ["-p", "0", "-n", "128"])]:
        out, wall, cpu = run([f"{BIN}/llama-bench", "-m", MODEL, "-t", T, "-r", "1", "-o", "jsonl"] + args, "llama")
        rate = jsonl(out)[0]["avg_ts"]
        llama[test].append(rate); llama_cpu[test].append(rate * wall / cpu)
    if BATCHES:
        out, wall, cpu = run([f"{BIN}/llama-batched-bench", "-m", MODEL, "-t", T, "-tb", T, "-npp", "128", "-ntg", "128",
                              "-npl", ",".join(map(str, BATCHES)), "-pps", "-c", str(128 + 128 * max(BATCHES) + 256),
                              "--output-format", "jsonl"], "llama")
        for row in jsonl(out):
            test = f"{row['pl']}xtg128"
            llama[test].append(row["speed_tg"]); llama_cpu[test].append(row["speed_tg"] * wall / cpu)
    # Quorum: one process for all tests (it times each test and its CPU use itself).
    out, _, _ = run([QUORUM, "bench", "--model", MODEL, "--threads", T, "--repetitions", "1", "--prompt", "512",
                     "--generate", "128", "--batch", ",".join(map(str, BATCHES)), "--json"], "ours")
    report = json.loads(out.strip().splitlines()[-1])
    rss.append(report["peak_rss_bytes"])
    for t in report["tests"]:
        ours[t["test"]].append(t["mean"]); ours_cpu[t["test"]].append(t["tokens_per_cpu_second"])
    for test in tests:
        if len(ours[test]) == r + 1 and len(llama[test]) == r + 1:
            ratios[test].append(ours[test][-1] / llama[test][-1])
    print(f"  round {r + 1}/{ROUNDS}: " + ", ".join(f"{t} {ours[t][-1]:.0f}/{llama[t][-1]:.0f}" for t in tests if ours[t] and llama[t]),
          file=sys.stderr)

target = {"pp512": 1.0, "tg128": 1.0, "16xtg128": 2.0}
med = lambda xs: statistics.median(xs) if xs else float("nan")
print(f"\n{NAME} ({os.path.basename(MODEL)}), {T} threads, {ROUNDS} interleaved rounds, started {started}")
print(f"| test | llama.cpp t/s | Quorum t/s | ratio (median of rounds) | per-round ratios | llama.cpp per CPU-s (≈) | Quorum per CPU-s | target |")
print("|---|---|---|---|---|---|---|---|")
for test in tests:
    tgt = f"≥ {target[test]:.1f}×" if test in target else ""
    print(f"| {test} | {med(llama[test]):.1f} | {med(ours[test]):.1f} | **{med(ratios[test]):.2f}×** | "
          f"{' '.join(f'{x:.2f}' for x in ratios[test])} | {med(llama_cpu[test]):.1f} | {med(ours_cpu[test]):.1f} | {tgt} |")
print(f"Peak RSS: Quorum {max(rss) / 1048576:.0f} MiB (its own report; the whole bench process: weights mapped, "
      f"KV caches of up to {max(BATCHES) if BATCHES else 1} sequences), llama.cpp {peak['llama'] / 1048576:.0f} MiB "
      f"(largest of its processes; llama-batched-bench allocates a {128 + 128 * max(BATCHES or [1]) + 256}-token context)")
PY
done
