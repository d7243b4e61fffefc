#!/usr/bin/env bash
# Behaviour-unchanged check of issue 16: two fixed runs, then a file-by-file comparison, timings aside.
#
# Usage: scripts/run-identity.sh BIN OUTDIR
#          runs, with the quorum binary BIN, from the checkout this script is in:
#          (a) make demo's run command:  BIN run tasks/arith-easy.jsonl --model smollm2-135m --samples 16
#              --limit 40 --max-tokens 128 --temperature 0.7 --seed 0 --out OUTDIR/demo
#          (b) a small code run:         BIN run ../shared/tasks/humaneval/HumanEval.jsonl.gz
#              --model qwen2.5-coder-0.5b --samples 4 --limit 20 --max-tokens 192 --seed 0 --out OUTDIR/code
#          into OUTDIR/demo and OUTDIR/code (which must not exist), each run's stdout and stderr into
#          OUTDIR/demo.stdout, .stderr (and code.*), its wall-clock seconds into OUTDIR/demo.wall (and code.*).
#          The engine's thread count is the default (the available cores); set IDENTITY_THREADS=N to pass
#          --threads N to both runs (then pass the same N for the runs you compare).
#        scripts/run-identity.sh --compare DIR1 DIR2
#          compares two such OUTDIRs file by file: demo/ and code/ run.json, paths.jsonl, selections.jsonl,
#          eval.json, eval.md, cost.json, and demo/code .stdout and .stderr, after normalising the volatile
#          fields (run-identity-normalise.py beside this: timings, "created", "tool", the run folder's path;
#          each is replaced by a placeholder, so the line structure stays). Prints "identical" or the first
#          differing lines per file; exits 1 on any difference.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(dirname "$here")"

if [[ "${1:-}" == "--compare" ]]; then
    [[ $# -eq 3 ]] || { echo "usage: $0 --compare DIR1 DIR2" >&2; exit 2; }
    exec python3 "$here/run-identity-normalise.py" --compare "$2" "$3"
fi

[[ $# -eq 2 ]] || { echo "usage: $0 BIN OUTDIR | $0 --compare DIR1 DIR2" >&2; exit 2; }
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
out="$2"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
for name in demo code; do
    [[ ! -e "$out/$name" ]] || { echo "$out/$name exists: give a fresh OUTDIR" >&2; exit 2; }
done
threads=()
[[ -z "${IDENTITY_THREADS:-}" ]] || threads=(--threads "$IDENTITY_THREADS")

cd "$checkout"
run() {  # NAME ARGS...: one run, stdout/stderr/wall-clock captured; a failing run stops the script
    local name="$1"; shift
    local start end status=0
    start=$(date +%s.%N)
    "$bin" run "$@" ${threads[@]+"${threads[@]}"} --out "$out/$name" >"$out/$name.stdout" 2>"$out/$name.stderr" \
        || status=$?
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.1f}')" >"$out/$name.wall"
    echo "$name: exit $status, $(cat "$out/$name.wall") s wall-clock ($out/$name)"
    echo "$status" >"$out/$name.status"
    [[ $status -eq 0 ]] || { tail -5 "$out/$name.stderr" >&2; exit 1; }
}
run demo tasks/arith-easy.jsonl --model smollm2-135m \
    --samples 16 --limit 40 --max-tokens 128 --temperature 0.7 --seed 0
run code ../shared/tasks/humaneval/HumanEval.jsonl.gz --model qwen2.5-coder-0.5b \
    --samples 4 --limit 20 --max-tokens 192 --seed 0
