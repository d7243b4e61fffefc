#!/bin/bash
# Issue 9 measurements, part A (arith-easy), after the n15 p1.0 FoReaL run (pid given) ends.
cd /work/wt/select
Q=/tmp/dec-quorum
log() { echo "$(date -u +%FT%TZ) $*" >> runs/measure.log; }
run() { log "START $*"; "$@" > /dev/null 2>> runs/measure.err; log "END rc=$? $*"; }
while kill -0 $1 2>/dev/null; do sleep 5; done
log "END (orphaned) foreal arith n15 p1.0"
A="tasks/arith-easy.jsonl --samples 1 --temperature 0 --limit 12 --max-tokens 96 --quiet --force"
for np in "5 1.0" "25 1.0" "15 0.5" "5 0.5" "25 0.5"; do
  set -- $np
  run $Q run $A --decoder foreal --leader qwen2.5-coder-0.5b --draft smollm2-135m --lead-tokens $1 --lead-prob $2 --out runs/i9-arith-foreal-n$1-p$2
done
run $Q run $A --model qwen2.5-coder-0.5b --decoder adadec --out runs/i9-arith-adadec
log ALLDONE-A
#!/bin/bash
# Issue 9 measurements, part B (GSM8K, first 8 problems of the test split), in parallel with part A.
cd /work/wt/select
Q=/tmp/dec-quorum
GSM=../shared/tasks/gsm8k/test.jsonl
log() { echo "$(date -u +%FT%TZ) $*" >> runs/measure.log; }
run() { log "START $*"; "$@" > /dev/null 2>> runs/measure.err; log "END rc=$? $*"; }
G="$GSM --samples 1 --temperature 0 --limit 8 --max-tokens 160 --quiet --force"
run $Q run $G --model qwen2.5-coder-0.5b --out runs/i9-gsm-leader
run $Q run $G --model qwen2.5-coder-0.5b --decoder adadec --out runs/i9-gsm-adadec
for np in "15 1.0" "5 0.5" "25 1.0" "15 0.5" "5 1.0" "25 0.5"; do
  set -- $np
  run $Q run $G --decoder foreal --leader qwen2.5-coder-0.5b --draft smollm2-135m --lead-tokens $1 --lead-prob $2 --out runs/i9-gsm-foreal-n$1-p$2
done
log ALLDONE-B
#!/bin/bash
# Issue 9 measurements, part C: a real --adaptive run (after part A ends), to set beside the replay.
cd /work/wt/select
Q=/tmp/dec-quorum
log() { echo "$(date -u +%FT%TZ) $*" >> runs/measure.log; }
while kill -0 $1 2>/dev/null; do sleep 5; done
log "START adaptive"
$Q run tasks/arith-easy.jsonl --model smollm2-135m --samples 16 --limit 40 --max-tokens 128 --temperature 0.7 --seed 0 \
  --adaptive --stop-rule beta --stop-threshold 0.6 --round 4 --quiet --force --out runs/i9-arith-adaptive-beta0.6 \
  > runs/i9-arith-adaptive-beta0.6.txt 2>&1
log "END rc=$? adaptive"
