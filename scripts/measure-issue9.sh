#!/bin/bash
# Issue 9's measurements: cost-saving decoders and early stopping against their baselines, on the real models
# and real task sets (figures in docs/results.md, reports in reports/issue-9/).
#
#   scripts/measure-issue9.sh PART [OUT]   PART: foreal[-arith|-gsm] | adadec | early | report | all
#                                          OUT: runs/issue9; environment: QUORUM (the binary), THREADS,
#                                          ARITH_LIMIT (30), GSM_LIMIT (20), ADADEC_TAUS, ADAPTIVE_RULES
#
# foreal  FoReaL (leader qwen2.5-coder-0.5b, draft smollm2-135m) for n ∈ {5, 15, 25} × p ∈ {0.5, 1.0} and the
#         leader alone, greedy, on the first 30 problems of tasks/arith-easy and the first 20 of GSM8K test.
# adadec  τ learned on MBPP's validation problems (task ids 511-600) with the HumanEval runs' template
#         family (code-chat-continue), then AdaDec and greedy on all 164 HumanEval problems.
# early   smollm2-135m on all 150 problems of tasks/arith-easy: a fixed run of 16 samples, its replays under
#         several stopping rules, and real --adaptive runs with the rules chosen from the replays.
# report  `quorum report` over the runs above.
#
# Every run is resumable (the same command continues it). Runs one thing at a time; on the shared 2-core
# machine the seconds are only comparable within one part run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
Q=${QUORUM:-.build/release/quorum}
PART=${1:?usage: scripts/measure-issue9.sh foreal|adadec|early|report|all [OUT]}
OUT=${2:-runs/issue9}
GSM=../shared/tasks/gsm8k/test.jsonl
HUMANEVAL=../shared/tasks/humaneval/HumanEval.jsonl.gz
MBPP=../shared/tasks/mbpp/mbpp.jsonl
mkdir -p "$OUT"
log() { echo "$(date -u +%FT%TZ) $*" | tee -a "$OUT/measure.log" >&2; }
run() { log "START $*"; "$@" > "$OUT/last.out" 2>> "$OUT/measure.err"; log "END $*"; }

foreal() {  # foreal arith|gsm
    local args
    case $1 in
    arith) args="tasks/arith-easy.jsonl --limit ${ARITH_LIMIT:-30} --max-tokens 96" ;;
    gsm) args="$GSM --limit ${GSM_LIMIT:-20} --max-tokens 192" ;;
    esac
    local common="--samples 1 --temperature 0 --quiet ${THREADS:+--threads $THREADS}"
    run $Q run $args $common --model qwen2.5-coder-0.5b --out "$OUT/foreal-$1-leader"
    for n in 5 15 25; do
        for p in 1.0 0.5; do
            run $Q run $args $common --decoder foreal --leader qwen2.5-coder-0.5b --draft smollm2-135m \
                --lead-tokens $n --lead-prob $p --out "$OUT/foreal-$1-n$n-p$p"
        done
    done
}

adadec() {
    # MBPP task ids 511-600 are its validation split: records 511-600 of mbpp.jsonl (ids run 1…974 in order).
    run $Q adadec calibrate $MBPP --model qwen2.5-coder-0.5b --template code-chat-continue --offset 510 --limit 90
    cp "$OUT/last.out" "$OUT/adadec-calibration-mbpp.txt"
    local tau
    tau=$(grep -o 'τ = [0-9.]*' "$OUT/adadec-calibration-mbpp.txt" | head -1 | cut -d' ' -f3)
    [ -n "$tau" ] || { log "no τ in $OUT/adadec-calibration-mbpp.txt"; exit 1; }
    log "τ from MBPP = $tau"
    local common="--model qwen2.5-coder-0.5b --samples 1 --temperature 0 --max-tokens 384 --quiet"
    run $Q run $HUMANEVAL $common --out "$OUT/humaneval-greedy"
    run $Q run $HUMANEVAL $common --decoder adadec --threshold "$tau" --out "$OUT/humaneval-adadec"
    # τ above the calibrated value: fewer pauses (the published thresholds are 0.6-1.3 nats).
    for t in ${ADADEC_TAUS:-1.0}; do
        run $Q run $HUMANEVAL $common --decoder adadec --threshold "$t" --out "$OUT/humaneval-adadec-tau$t"
    done
}

early() {
    replays() {  # replays of $FIXED/paths.jsonl under several rules, appended to $REPLAYS
        for rule in "beta 0.95 4" "beta 0.95 2" "beta 0.9 4" "beta 0.8 4" "beta 0.8 2" "beta 0.7 4" "beta 0.6 4" \
            "beta 0.6 2" "rpc 0.9 4" "rpc 0.7 4" "rpc 0.5 4"; do
            set -- $rule
            { echo "## --stop-rule $1 --stop-threshold $2 --round $3"
              $Q stop-replay "$FIXED/paths.jsonl" --stop-rule $1 --stop-threshold $2 --round $3; } >> "$REPLAYS"
        done
    }
    local common="tasks/arith-easy.jsonl --model smollm2-135m --samples 16 --max-tokens 128 --temperature 0.7 --seed 0 --quiet ${THREADS:+--threads $THREADS}"
    run $Q run $common --out "$OUT/early-fixed16"
    FIXED="$OUT/early-fixed16" REPLAYS="$OUT/early-replays.txt"; : > "$REPLAYS"; replays
    # Real adaptive runs (the replay takes the same paths; these confirm it and measure time).
    for rule in ${ADAPTIVE_RULES:-beta:0.8:2}; do
        IFS=: read -r r t k <<< "$rule"
        run $Q run $common --adaptive --stop-rule $r --stop-threshold $t --round $k --out "$OUT/early-adaptive-$r$t-r$k"
    done
    # An easy set for the model: qwen2.5-coder-0.5b gets most of arith-easy right (first ${EASY_LIMIT:-20} problems).
    local easy="tasks/arith-easy.jsonl --model qwen2.5-coder-0.5b --limit ${EASY_LIMIT:-20} --samples 16 --max-tokens 128 --temperature 0.7 --seed 0 --quiet ${THREADS:+--threads $THREADS}"
    run $Q run $easy --out "$OUT/early-qwen-fixed16"
    FIXED="$OUT/early-qwen-fixed16" REPLAYS="$OUT/early-qwen-replays.txt"; : > "$REPLAYS"; replays
}

report() {
    # One report per comparison (runs of one task set side by side), into reports/issue-9/.
    reportOf() {
        local name=$1; shift
        local runs=()
        for r in "$@"; do [ -f "$r/paths.jsonl" ] && runs+=("$r"); done
        [ ${#runs[@]} -gt 0 ] && run $Q report "${runs[@]}" --out "reports/issue-9/$name"
    }
    reportOf foreal-arith-easy "$OUT"/foreal-arith-leader "$OUT"/foreal-arith-n*
    reportOf foreal-gsm8k "$OUT"/foreal-gsm-leader "$OUT"/foreal-gsm-n*
    # `quorum report` does not take code runs (judged by execution): keep their run.json/eval/cost files.
    for r in "$OUT"/humaneval-greedy "$OUT"/humaneval-adadec*; do
        [ -f "$r/eval.md" ] || continue
        mkdir -p "reports/issue-9/adadec-humaneval/${r##*/}"
        cp "$r"/{run.json,eval.md,eval.json,cost.json} "reports/issue-9/adadec-humaneval/${r##*/}/"
    done
    cp "$OUT/adadec-calibration-mbpp.txt" reports/issue-9/adadec-humaneval/ 2>/dev/null || true
    # Adaptive runs have different numbers of paths per problem: the report does not take them; keep their files.
    reportOf early-stopping "$OUT"/early-fixed16 "$OUT"/early-qwen-fixed16
    for r in "$OUT"/early-adaptive-*; do
        [ -f "$r/eval.md" ] || continue
        mkdir -p "reports/issue-9/early-stopping/${r##*/}"
        cp "$r"/{run.json,eval.md,cost.json} "reports/issue-9/early-stopping/${r##*/}/"
    done
    cp "$OUT"/early-replays.txt "$OUT"/early-qwen-replays.txt reports/issue-9/early-stopping/ 2>/dev/null || true
}

case $PART in
foreal) foreal arith; foreal gsm ;;
foreal-arith) foreal arith ;;
foreal-gsm) foreal gsm ;;
adadec) adadec ;;
early) early ;;
report) report ;;
all) early; adadec; foreal arith; foreal gsm; report ;;
*) echo "unknown part $PART" >&2; exit 2 ;;
esac
log "DONE $PART"
