#!/usr/bin/env bash
# Long answers (issue 15, item 4; docs/results.md "Issue 15: long answers"): for 12 shapes of 10 MB, a paths file
# whose paths 0 and 1 answer the shape and path 2 answers "1", and a record whose text is the shape, through
# select (both equalities), eval and extract (math, choice, text); prints wall seconds, peak RSS and exit status.
# Usage: scripts/long-answers.sh [QUORUM] (default: the release build). Needs /usr/bin/time and 2 GB in /tmp.
set -u
Q=${1:-$(swift build -c release --show-bin-path)/quorum}
D=/tmp/long10
rm -f $D/time.log
mkdir -p $D
python3 - <<'PY'
import json
n=10_000_000
shapes={'letters':'a'*n,'product':'x'*n+' = 3','signs':'-'*n+'1','sum':'1+'*(n//2)+'1','factorials':'3'+'!'*n,
    'functions':'\\sin'*(n//4)+'x','roots':'\\sqrt'*(n//5)+'2','parentheses':'('*(n//2)+'1'+')'*(n//2),
    'unclosed_boxes':'\\boxed{'*(n//7),'answer_phrases':'The answer is '*(n//14),'numbers':'1 '*(n//2),'labels':'(A'*(n//2)}
for name,t in shapes.items():
    with open(f'/tmp/long10/paths-{name}.jsonl','w') as f:
        for p,a in enumerate([t,t,'1']):
            f.write(json.dumps({"problem":"long/"+name,"path":p,"text":"t","answer":a,"mean_logprob":-0.5,"gold":"1"})+"\n")
    with open(f'/tmp/long10/texts-{name}.jsonl','w') as f:
        f.write(json.dumps({"problem":"long/"+name,"text":t+"\nThe answer is 1.","choices":["1","2","3","4"]})+"\n")
PY
for name in letters product signs sum factorials functions roots parentheses unclosed_boxes answer_phrases numbers labels; do
  for eq in default reference; do
    /usr/bin/time -f "$name select $eq: %e s, %M KiB, exit %x" $Q select $D/paths-$name.jsonl --equality $eq > /dev/null 2>>$D/time.log || true
  done
  /usr/bin/time -f "$name eval: %e s, %M KiB, exit %x" $Q eval $D/paths-$name.jsonl --methods sc,rpc --k 1,3 --seeds 2 > /dev/null 2>>$D/time.log || true
  for kind in math choice text; do
    /usr/bin/time -f "$name extract $kind: %e s, %M KiB, exit %x" $Q extract --kind $kind $D/texts-$name.jsonl > /dev/null 2>>$D/time.log || true
  done
done
grep -E "KiB, exit" $D/time.log
