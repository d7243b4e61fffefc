#!/usr/bin/env python3
"""Writes Quorum's own easy arithmetic task set, deterministically (python3 standard library only):

    tasks/arith-easy.jsonl          the test problems, Quorum JSON Lines (id, kind, question, answer, …)
    tasks/arith-easy.xml            the same problems in Quorum's XML schema (docs/formats.md)
    tasks/arith-easy.fewshot.jsonl  few-shot exemplars with worked solutions ending "The answer is N.",
                                    drawn apart from the test problems (none of their questions is a test question)

One- and two-step word problems with small whole numbers (addition, subtraction, simple multiplication),
at the level of spec/models.md where a 135M model solves about a third to a half. Every gold answer is a
positive integer. Re-running the script reproduces the files byte for byte; it takes no arguments.

    python3 scripts/make-arith-easy.py
"""
import json
import os
import random
from xml.sax.saxutils import escape

TEST_COUNT = 150
FEWSHOT_COUNT = 8
TEST_SEED = 20240611
FEWSHOT_SEED = 7

PEOPLE = [
    ("Tom", "he"), ("Anna", "she"), ("Ben", "he"), ("Maria", "she"), ("Sam", "he"), ("Lucy", "she"),
    ("Omar", "he"), ("Mia", "she"), ("Leo", "he"), ("Sara", "she"), ("Jack", "he"), ("Emma", "she"),
    ("Ravi", "he"), ("Nora", "she"), ("Paul", "he"), ("Lily", "she"), ("Ken", "he"), ("Zoe", "she"),
    ("Ivan", "he"), ("Aisha", "she"), ("Max", "he"), ("Rosa", "she"), ("Dan", "he"), ("Kate", "she"),
]
THINGS = ["apples", "marbles", "stickers", "pencils", "cards", "books", "oranges", "shells", "toy cars",
          "balloons", "stamps", "crayons", "cookies", "eggs", "buttons", "rocks"]
PLACES = [("basket", "red", "green"), ("box", "big", "small"), ("bag", "blue", "yellow"),
          ("jar", "white", "brown"), ("drawer", "new", "old")]
FOODS = ["cookies", "grapes", "crackers", "strawberries", "candies", "nuts"]
CONTAINERS = [("bags", "bag"), ("boxes", "box"), ("packs", "pack"), ("jars", "jar"), ("baskets", "basket")]
ITEMS_PRICED = [("notebook", "notebooks"), ("pen", "pens"), ("ticket", "tickets"), ("toy", "toys"),
                ("muffin", "muffins"), ("ball", "balls")]


def pronouns(p):
    return {"he": ("he", "him", "his", "He"), "she": ("she", "her", "her", "She")}[p]


# Each template takes a random generator, returns (question, answer, solution, steps).
# The solution is the worked answer used for few-shot exemplars.

def buy_more(r):
    (n, p), t = r.choice(PEOPLE), r.choice(THINGS)
    he, _, _, He = pronouns(p)
    a, b = r.randint(2, 15), r.randint(2, 12)
    q = f"{n} has {a} {t}. {He} buys {b} more. How many {t} does {he} have now?"
    s = f"{n} starts with {a} {t} and buys {b} more, so {he} has {a} + {b} = {a + b} {t}."
    return q, a + b, s, 1


def gift(r):
    (n, p), (f, _) = r.sample(PEOPLE, 2)
    t = r.choice(THINGS)
    _, him, _, _ = pronouns(p)
    a, b = r.randint(2, 15), r.randint(2, 12)
    q = f"{n} had {a} {t}. {f} gave {him} {b} more. How many {t} does {n} have now?"
    s = f"{n} had {a} {t} and got {b} more, so {n} has {a} + {b} = {a + b} {t}."
    return q, a + b, s, 1


def two_groups(r):
    place, adj1, adj2 = r.choice(PLACES)
    t = r.choice(THINGS)
    a, b = r.randint(2, 14), r.randint(2, 14)
    q = f"There are {a} {adj1} {t} and {b} {adj2} {t} in the {place}. How many {t} are in the {place}?"
    s = f"There are {a} {adj1} and {b} {adj2} {t}, so there are {a} + {b} = {a + b} {t}."
    return q, a + b, s, 1


def eats(r):
    (n, p), food = r.choice(PEOPLE), r.choice(FOODS)
    _, _, _, He = pronouns(p)
    a = r.randint(6, 20)
    b = r.randint(2, a - 2)
    q = f"{n} had {a} {food}. {He} ate {b} of them. How many {food} are left?"
    s = f"{n} had {a} {food} and ate {b}, so {a} - {b} = {a - b} {food} are left."
    return q, a - b, s, 1


def gives_away(r):
    (n, p), (f, _) = r.sample(PEOPLE, 2)
    t = r.choice(THINGS)
    _, _, _, He = pronouns(p)
    a = r.randint(6, 20)
    b = r.randint(2, a - 2)
    q = f"{n} has {a} {t}. {He} gives {b} {t} to {f}. How many {t} does {n} have left?"
    s = f"{n} has {a} {t} and gives away {b}, so {n} has {a} - {b} = {a - b} {t} left."
    return q, a - b, s, 1


def more_than(r):
    (n, _), (f, _) = r.sample(PEOPLE, 2)
    t = r.choice(THINGS)
    a, b = r.randint(2, 14), r.randint(2, 9)
    q = f"{n} has {a} {t}. {f} has {b} more {t} than {n}. How many {t} does {f} have?"
    s = f"{f} has {b} more than {n}'s {a}, so {f} has {a} + {b} = {a + b} {t}."
    return q, a + b, s, 1


def fewer_than(r):
    (n, _), (f, _) = r.sample(PEOPLE, 2)
    t = r.choice(THINGS)
    a = r.randint(7, 20)
    b = r.randint(2, a - 3)
    q = f"{n} has {a} {t}. {f} has {b} fewer {t} than {n}. How many {t} does {f} have?"
    s = f"{f} has {b} fewer than {n}'s {a}, so {f} has {a} - {b} = {a - b} {t}."
    return q, a - b, s, 1


def groups(r):
    (n, _), t = r.choice(PEOPLE), r.choice(THINGS)
    plural, single = r.choice(CONTAINERS)
    a, b = r.randint(2, 5), r.randint(2, 6)
    q = f"{n} has {a} {plural}. Each {single} has {b} {t} in it. How many {t} does {n} have?"
    s = f"{n} has {a} {plural} with {b} {t} each, so {a} x {b} = {a * b} {t}."
    return q, a * b, s, 1


def price(r):
    (n, _), (item, items) = r.choice(PEOPLE), r.choice(ITEMS_PRICED)
    a, b = r.randint(2, 5), r.randint(2, 6)
    q = f"One {item} costs {b} dollars. {n} buys {a} {items}. How many dollars does {n} spend?"
    s = f"{a} {items} at {b} dollars each cost {a} x {b} = {a * b} dollars."
    return q, a * b, s, 1


def per_day(r):
    (n, _) = r.choice(PEOPLE)
    what = r.choice([("reads", "pages"), ("walks", "blocks"), ("draws", "pictures"), ("writes", "lines")])
    a, b = r.randint(2, 6), r.randint(2, 5)
    q = f"{n} {what[0]} {b} {what[1]} every day. How many {what[1]} does {n} {what[0][:-1]} in {a} days?"
    s = f"{b} {what[1]} a day for {a} days is {b} x {a} = {a * b} {what[1]}."
    return q, a * b, s, 1


def older(r):
    (n, _), (f, _) = r.sample(PEOPLE, 2)
    b = r.randint(3, 12)
    a = b + r.randint(2, 9)
    q = f"{n} is {a} years old. {f} is {b} years old. How many years older is {n} than {f}?"
    s = f"{n} is {a} and {f} is {b}, so {n} is {a} - {b} = {a - b} years older."
    return q, a - b, s, 1


def buy_then_give(r):
    (n, p), (f, _) = r.sample(PEOPLE, 2)
    t = r.choice(THINGS)
    he, _, _, He = pronouns(p)
    a, b = r.randint(3, 12), r.randint(2, 9)
    c = r.randint(2, a + b - 2)
    q = f"{n} has {a} {t}. {He} buys {b} more and then gives {c} to {f}. How many {t} does {n} have now?"
    s = (f"After buying, {n} has {a} + {b} = {a + b} {t}. After giving {c} away, {he} has "
         f"{a + b} - {c} = {a + b - c} {t}.")
    return q, a + b - c, s, 2


def three_friends(r):
    (n, _), (f, _), (g, _) = r.sample(PEOPLE, 3)
    t = r.choice(THINGS)
    a, b, c = r.randint(2, 9), r.randint(2, 9), r.randint(2, 9)
    q = f"{n} has {a} {t}, {f} has {b} {t} and {g} has {c} {t}. How many {t} do they have altogether?"
    s = f"{a} + {b} = {a + b}, and {a + b} + {c} = {a + b + c} {t}."
    return q, a + b + c, s, 2


def boxes_plus(r):
    (n, p), t = r.choice(PEOPLE), r.choice(THINGS)
    plural, single = r.choice(CONTAINERS)
    he, _, _, He = pronouns(p)
    a, b, c = r.randint(2, 4), r.randint(2, 5), r.randint(1, 6)
    q = f"{n} has {a} {plural} with {b} {t} in each {single}. {He} also has {c} more {t}. How many {t} does {n} have in total?"
    s = f"The {plural} hold {a} x {b} = {a * b} {t}. With {c} more, {he} has {a * b} + {c} = {a * b + c} {t}."
    return q, a * b + c, s, 2


def eat_and_give(r):
    (n, p), (f, _) = r.sample(PEOPLE, 2)
    food = r.choice(FOODS)
    he, _, _, He = pronouns(p)
    a = r.randint(10, 20)
    b = r.randint(2, 5)
    c = r.randint(2, a - b - 2)
    q = f"{n} had {a} {food}. {He} ate {b} and gave {c} to {f}. How many {food} does {n} have left?"
    s = f"After eating, {n} has {a} - {b} = {a - b}. After giving {c} away, {he} has {a - b} - {c} = {a - b - c} {food}."
    return q, a - b - c, s, 2


def together(r):
    (n, _), (f, _) = r.sample(PEOPLE, 2)
    t = r.choice(THINGS)
    a, b = r.randint(2, 10), r.randint(2, 6)
    q = f"{n} has {a} {t}. {f} has {b} more {t} than {n}. How many {t} do they have together?"
    s = f"{f} has {a} + {b} = {a + b} {t}. Together they have {a} + {a + b} = {2 * a + b} {t}."
    return q, 2 * a + b, s, 2


def spend(r):
    (n, p) = r.choice(PEOPLE)
    he, _, _, He = pronouns(p)
    (x, _), (y, _) = r.sample(ITEMS_PRICED, 2)
    b, c = r.randint(2, 8), r.randint(2, 8)
    a = b + c + r.randint(1, 10)
    q = f"{n} has {a} dollars. {He} buys a {x} for {b} dollars and a {y} for {c} dollars. How many dollars does {he} have left?"
    s = f"{He} spends {b} + {c} = {b + c} dollars, so {he} has {a} - {b + c} = {a - b - c} dollars left."
    return q, a - b - c, s, 2


def bus(r):
    a = r.randint(8, 20)
    b = r.randint(2, a - 3)
    c = r.randint(2, 9)
    vehicle = r.choice(["bus", "train", "boat"])
    q = f"There were {a} people on a {vehicle}. At the first stop {b} people got off and {c} people got on. How many people are on the {vehicle} now?"
    s = f"After {b} got off there were {a} - {b} = {a - b}. After {c} got on there are {a - b} + {c} = {a - b + c} people."
    return q, a - b + c, s, 2


def price_plus(r):
    (n, _), (item, items) = r.choice(PEOPLE), r.choice(ITEMS_PRICED)
    a, b, c = r.randint(2, 4), r.randint(2, 5), r.randint(1, 6)
    q = f"A {item} costs {b} dollars and a bottle of water costs {c} dollars. {n} buys {a} {items} and one bottle of water. How many dollars does {n} spend?"
    s = f"The {items} cost {a} x {b} = {a * b} dollars. With the water, {n} spends {a * b} + {c} = {a * b + c} dollars."
    return q, a * b + c, s, 2


def twice(r):
    (n, _) = r.choice(PEOPLE)
    what = r.choice(["flowers", "shells", "strawberries", "leaves"])
    a = r.randint(2, 10)
    q = f"{n} picked {a} {what} in the morning and twice as many in the afternoon. How many {what} did {n} pick in all?"
    s = f"In the afternoon {n} picked 2 x {a} = {2 * a}. In all, {a} + {2 * a} = {3 * a} {what}."
    return q, 3 * a, s, 2


TEMPLATES = [
    ("buy-more", buy_more), ("gift", gift), ("two-groups", two_groups), ("eats", eats),
    ("gives-away", gives_away), ("more-than", more_than), ("fewer-than", fewer_than), ("groups", groups),
    ("price", price), ("per-day", per_day), ("older", older), ("buy-then-give", buy_then_give),
    ("three-friends", three_friends), ("boxes-plus", boxes_plus), ("eat-and-give", eat_and_give),
    ("together", together), ("spend", spend), ("bus", bus), ("price-plus", price_plus), ("twice", twice),
]


def generate(seed, count, exclude):
    r = random.Random(seed)
    problems, seen = [], set(exclude)
    order = []
    while len(problems) < count:
        if not order:
            order = list(TEMPLATES)
            r.shuffle(order)
        name, make = order.pop()
        q, answer, solution, steps = make(r)
        assert isinstance(answer, int) and answer > 0, (name, q, answer)
        if q in seen:
            continue
        seen.add(q)
        problems.append({"template": name, "question": q, "answer": answer, "solution": solution, "steps": steps})
    return problems


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tasks")
    os.makedirs(root, exist_ok=True)
    test = generate(TEST_SEED, TEST_COUNT, exclude=())
    fewshot = generate(FEWSHOT_SEED, FEWSHOT_COUNT, exclude={p["question"] for p in test})

    with open(os.path.join(root, "arith-easy.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        for i, p in enumerate(test, 1):
            record = {"id": str(i), "kind": "math", "question": p["question"], "answer": str(p["answer"]),
                      "template": p["template"], "steps": p["steps"]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    with open(os.path.join(root, "arith-easy.xml"), "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write("<!-- Generated by scripts/make-arith-easy.py; the same problems as arith-easy.jsonl. -->\n")
        out.write('<taskset name="arith-easy" kind="math">\n')
        for i, p in enumerate(test, 1):
            out.write(f'  <problem id="{i}">\n')
            out.write(f"    <question>{escape(p['question'])}</question>\n")
            out.write(f"    <answer>{p['answer']}</answer>\n")
            out.write(f'    <meta name="template">{escape(p["template"])}</meta>\n')
            out.write(f'    <meta name="steps">{p["steps"]}</meta>\n')
            out.write("  </problem>\n")
        out.write("</taskset>\n")

    with open(os.path.join(root, "arith-easy.fewshot.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        for i, p in enumerate(fewshot, 1):
            record = {"id": str(i), "kind": "math", "question": p["question"], "answer": str(p["answer"]),
                      "solution": f"{p['solution']} The answer is {p['answer']}.",
                      "template": p["template"], "steps": p["steps"]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    one = sum(p["steps"] == 1 for p in test)
    print(f"arith-easy: {len(test)} problems ({one} one-step, {len(test) - one} two-step), "
          f"{len(fewshot)} few-shot exemplars")


if __name__ == "__main__":
    main()
