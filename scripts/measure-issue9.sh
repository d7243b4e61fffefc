#!/bin/bash
# Issue 9 measurements (debug build of the decoders branch; release build was not possible in time).
cd /work/wt/select
Q=/tmp/dec-quorum
GSM=../shared/tasks/gsm8k/test.jsonl
log() { echo "$(date -u +%FT%TZ) $*" >> runs/measure.log; }
run() { log "START $*"; "$@" > /dev/null 2>> runs/measure.err; log "END rc=$? $*"; }
log "START calibrate"
$Q adadec calibrate --model qwen2.5-coder-0.5b $GSM --offset 100 --limit 30 > runs/calibrate.txt 2>&1
log "END rc=$? calibrate"
A="tasks/arith-easy.jsonl --samples 1 --temperature 0 --limit 12 --max-tokens 96 --quiet --force"
run $Q run $A --model qwen2.5-coder-0.5b --out runs/i9-arith-leader
for np in "15 1.0" "5 1.0" "25 1.0" "15 0.5" "5 0.5" "25 0.5"; do
  set -- $np
  run $Q run $A --decoder foreal --leader qwen2.5-coder-0.5b --draft smollm2-135m --lead-tokens $1 --lead-prob $2 --out runs/i9-arith-foreal-n$1-p$2
done
run $Q run $A --model qwen2.5-coder-0.5b --decoder adadec --out runs/i9-arith-adadec
G="$GSM --samples 1 --temperature 0 --limit 8 --max-tokens 160 --quiet --force"
run $Q run $G --model qwen2.5-coder-0.5b --out runs/i9-gsm-leader
for np in "15 1.0" "5 1.0" "25 1.0" "15 0.5" "5 0.5" "25 0.5"; do
  set -- $np
  run $Q run $G --decoder foreal --leader qwen2.5-coder-0.5b --draft smollm2-135m --lead-tokens $1 --lead-prob $2 --out runs/i9-gsm-foreal-n$1-p$2
done
run $Q run $G --model qwen2.5-coder-0.5b --decoder adadec --out runs/i9-gsm-adadec
log ALLDONE
