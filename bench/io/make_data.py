"""Writes the benchmark's questionnaire (60 questions) and a response file of N rows.

usage: python make_data.py OUTDIR [ROWS]   (default 1,000,000 rows)

The form mixes the types of a real member questionnaire: 20 five-point Likert items
(select_one), 10 select_multiple, 15 integers (with a constraint), 5 decimals and 10
open texts, and one skip rule. Rows are drawn from a fixed seed, so every run measures
the same file.
"""
import csv, os, random, sys

import openpyxl

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
os.makedirs(out, exist_ok=True)

survey = [("type", "name", "label::English (en)", "relevant", "constraint")]
questions = []
for i in range(20):
    survey.append(("select_one likert", f"lik{i:02}", f"Statement {i}", None, None))
    questions.append(("likert", f"lik{i:02}"))
for i in range(10):
    survey.append(("select_multiple topics", f"top{i:02}", f"Topics {i}", None, None))
    questions.append(("multi", f"top{i:02}"))
for i in range(15):
    survey.append(("integer", f"num{i:02}", f"Number {i}", None, ". >= 0 and . <= 1000"))
    questions.append(("int", f"num{i:02}"))
for i in range(5):
    survey.append(("decimal", f"dec{i:02}", f"Decimal {i}", None, None))
    questions.append(("dec", f"dec{i:02}"))
for i in range(10):
    rel = "${lik00} != '1'" if i == 0 else None
    survey.append(("text", f"txt{i:02}", f"Open question {i}", rel, None))
    questions.append(("text", f"txt{i:02}"))
choices = [("list_name", "name", "label::English (en)")]
for k in range(1, 6):
    choices.append(("likert", str(k), f"Level {k}"))
for t in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]:
    choices.append(("topics", t, t.title()))
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "survey"
for r in survey:
    ws.append(r)
ws = wb.create_sheet("choices")
for r in choices:
    ws.append(r)
ws = wb.create_sheet("settings")
ws.append(("form_title", "form_id", "version", "default_language"))
ws.append(("Benchmark, 60 questions", "bench60", "1", "English (en)"))
wb.save(os.path.join(out, "bench60.xlsx"))

rng = random.Random(20261128)
words = "de het een en van in op te dat met voor zijn er niet aan ook als bij of netwerk leren praktijk vraag".split()
topics = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
with open(os.path.join(out, "responses.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id"] + [q for _, q in questions])
    for n in range(rows):
        lik00 = None
        row = [f"r{n}"]
        for kind, name in questions:
            if kind == "likert":
                v = str(rng.randint(1, 5))
                if name == "lik00":
                    lik00 = v
            elif kind == "multi":
                v = " ".join(sorted(rng.sample(topics, rng.randint(0, 3)), key=topics.index))
            elif kind == "int":
                v = str(rng.randint(0, 1000))
            elif kind == "dec":
                v = f"{rng.uniform(0, 100):.2f}"
            else:
                v = "" if (name == "txt00" and lik00 == "1") else " ".join(rng.choices(words, k=rng.randint(0, 12)))
            row.append(v)
        w.writerow(row)
