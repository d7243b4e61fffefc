#!/usr/bin/env python3
"""Agreement of `quorum extract` with answers recorded independently in ../shared (nothing is copied).

Usage: scripts/extraction-agreement.py [QUORUM_BINARY]   (default: .build/debug/quorum)

  gsm8k     5276 GPT-3 solutions: extracted number == gold  <=>  the file's is_correct flag
  qwen-math  800 Qwen2.5-Math CoT samples: extracted answer == the file's own `pred` (spaces removed,
             \\dfrac spelled \\frac, trailing fraction zeros dropped)
  arc       1172 ARC-Challenge responses: extracted label == the last "best answer is X"
  arc-cut   the same responses cut before "The best answer is": no answer / the model's later
             answer / a different one (a silent wrong answer)
"""
import json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, '..', 'shared')
QUORUM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.build', 'debug', 'quorum')


def extract(kind, records):
    data = ''.join(json.dumps(r) + '\n' for r in records)
    out = subprocess.run([QUORUM, 'extract', '--kind', kind], input=data, capture_output=True, text=True, check=True)
    return [json.loads(line)['answer'] for line in out.stdout.splitlines()]


def lines(path):
    with open(os.path.join(SHARED, path)) as f:
        return [json.loads(line) for line in f if line.strip()]


def canonical(pred):
    pred = pred.replace(' ', '').replace('\\dfrac', '\\frac')
    return pred.rstrip('0').rstrip('.') if re.fullmatch(r'-?\d+\.\d*0', pred) else pred


gsm = []
for r in lines('tasks/samples/gsm8k-example-model-solutions.jsonl'):
    gold = float(r['ground_truth'].split('A:')[-1].strip().replace(',', ''))
    for k in ['6b_finetuning', '6b_verification', '175b_finetuning', '175b_verification']:
        gsm.append((r[k]['solution'], gold, r[k]['is_correct']))
answers = extract('math', [{'text': t} for t, _, _ in gsm])
def same(a, gold):
    try:
        return a is not None and abs(float(a) - gold) < 1e-6
    except ValueError:
        return False
agree = sum(same(a, g) == ok for a, (_, g, ok) in zip(answers, gsm))
print(f'gsm8k: {agree}/{len(gsm)} agree with is_correct')

qwen = [(t, p) for r in lines('tasks/samples/qwen-math-cot-100-8samples.jsonl') for t, p in zip(r['response'], r['pred'])]
answers = extract('math', [{'text': t} for t, _ in qwen])
print(f'qwen-math: {sum(a == canonical(p) for a, (_, p) in zip(answers, qwen))}/{len(qwen)} equal to pred')

arc = lines('tasks/arc-challenge/test.jsonl')
answers = extract('choice', [{'text': r['response'], 'choices': r['choices']} for r in arc])
said = [re.findall(r'best answer is ([A-E])', r['response']) for r in arc]
print(f'arc: {sum(a == (s[-1] if s else None) for a, s in zip(answers, said))}/{len(arc)} equal to "best answer is X"')

cut = [(r, s[-1]) for r, s in zip(arc, said) if 'The best answer is' in r['response'] and s]
answers = extract('choice', [{'text': r['response'][:r['response'].index('The best answer is')], 'choices': r['choices']}
                             for r, _ in cut])
none = sum(a is None for a in answers)
right = sum(a == s for a, (_, s) in zip(answers, cut))
print(f'arc-cut: {len(cut)} responses: {none} no answer, {right} the later answer, {len(cut) - none - right} different')
