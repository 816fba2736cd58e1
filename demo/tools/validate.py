#!/usr/bin/env python3
"""Checks the fictional demo study against the instruments and the study's promises.

    python demo/tools/validate.py     # from the repository root; exit 1 on any error

Checks: study.toml (15 Werkplaatsen, 17 networks, people and roles, fictional e-mails);
every CSV value valid for its question (choices, integers, constraints, relevance, required);
codebook ids and parents; every coding's coder, respondent, question, code and fragment (an
exact substring of the answer); the findings the data must mirror (themes strictly ordered,
rationale, agenda, reflection, facilitators). Prints the key figures, including the coders'
agreement and the reliability of the scales.
"""

from __future__ import annotations

import csv
import re
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent
ROOT = DEMO.parent
errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


# ------------------------------------------------------------------------------------
# Forms
# ------------------------------------------------------------------------------------


def load_form(name: str):
    from openpyxl import load_workbook

    wb = load_workbook(ROOT / "instruments" / f"{name}.xlsx", read_only=True)
    qs = []
    rows = wb["survey"].iter_rows(values_only=True)
    h = [str(x).strip() if x else "" for x in next(rows)]
    for r in rows:
        d = {h[i]: (str(v).strip() if v is not None else "") for i, v in enumerate(r) if i < len(h)}
        if not d.get("type") or d["type"] in ("begin_group", "end_group", "note"):
            continue
        qs.append(d)
    lists = defaultdict(list)
    rows = wb["choices"].iter_rows(values_only=True)
    h = [str(x).strip() if x else "" for x in next(rows)]
    for r in rows:
        d = {h[i]: (str(v).strip() if v is not None else "") for i, v in enumerate(r) if i < len(h)}
        if d.get("list_name"):
            lists[d["list_name"]].append(d["name"])
    return qs, lists


TOKEN = re.compile(r"\s*(\$\{\w+\}|'[^']*'|\d+(?:\.\d+)?|!=|<=|>=|=|<|>|\(|\)|,|\.|and\b|or\b|not\b|selected\b)")


def to_python(expr: str) -> str:
    out, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read expression {expr!r} at {pos}")
        t = m.group(1)
        pos = m.end()
        if t.startswith("${"):
            out.append(f"V({t[2:-1]!r})")
        elif t == ".":
            out.append("SELF")
        elif t == "=":
            out.append("==")
        elif t == "selected":
            out.append("SEL")
        else:
            out.append(t)
    return " ".join(out)


def evaluate(expr: str, row: dict, self_value=None) -> bool:
    def V(name):
        return row.get(name, "")

    def SEL(value, choice):
        return choice in value.split()

    return bool(eval(to_python(expr), {"V": V, "SEL": SEL, "SELF": self_value}))


def check_rows(form: str, path: Path, key: str, first_cols: list[str]):
    qs, lists = load_form(form)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    want = first_cols + [q["name"] for q in qs]
    if header != want:
        err(f"{path.name}: columns {header} are not {want}")
    for i, row in enumerate(rows, start=2):
        where = f"{path.name} row {i} ({row.get(key)})"
        for q in qs:
            name, typ = q["name"], q["type"]
            v = row.get(name, "")
            relevant = evaluate(q["relevant"], row) if q.get("relevant") else True
            if not relevant:
                if v != "":
                    err(f"{where}: {name} = {v!r} but the question is not relevant")
                continue
            if v == "":
                if q.get("required") == "yes":
                    err(f"{where}: {name} is required but empty")
                continue
            if v != v.strip() or "\r" in v:
                err(f"{where}: {name} has stray whitespace")
            if typ.startswith("select_one "):
                if v not in lists[typ.split()[1]]:
                    err(f"{where}: {name} = {v!r} is not a choice of {typ.split()[1]}")
            elif typ.startswith("select_multiple "):
                parts = v.split(" ")
                if len(set(parts)) != len(parts) or any(p not in lists[typ.split()[1]] for p in parts):
                    err(f"{where}: {name} = {v!r} has an invalid or repeated choice")
            elif typ == "integer":
                if not re.fullmatch(r"-?\d+", v):
                    err(f"{where}: {name} = {v!r} is not an integer")
                    continue
                if q.get("constraint") and not evaluate(q["constraint"], row, int(v)):
                    err(f"{where}: {name} = {v} breaks the constraint {q['constraint']}")
            elif typ == "text":
                pass
            else:
                err(f"{where}: unexpected type {typ}")
    return qs, rows


# ------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------


def main() -> int:
    study = tomllib.loads((DEMO / "study.toml").read_text(encoding="utf-8"))
    wps = study.get("werkplaats", [])
    nets = study.get("network", [])
    people = study.get("person", [])
    slug = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
    if "fictief" not in study["study"]["title_nl"] or "fictional" not in study["study"]["title_en"]:
        err("study titles must say fictief / fictional")
    if len(wps) != 15:
        err(f"{len(wps)} Werkplaatsen, not 15")
    if len(nets) != 17:
        err(f"{len(nets)} networks, not 17")
    wp_slugs = [w["slug"] for w in wps]
    net_slugs = [n["slug"] for n in nets]
    for s in wp_slugs + net_slugs:
        if not slug.match(s):
            err(f"slug {s!r} is not lowercase a-z0-9-")
    if len(set(wp_slugs)) != len(wp_slugs) or len(set(net_slugs)) != len(net_slugs):
        err("duplicate slugs")
    per_wp = Counter(n["werkplaats"] for n in nets)
    if any(w not in wp_slugs for w in per_wp) or set(wp_slugs) - set(per_wp):
        err("every network needs a known Werkplaats and every Werkplaats a network")
    if sorted(per_wp.values()) != [1] * 13 + [2, 2]:
        err(f"networks per Werkplaats {sorted(per_wp.values())}: want two Werkplaatsen with two")
    roles = Counter(p["role"] for p in people)
    emails = [p["email"] for p in people]
    if len(set(emails)) != len(emails) or not all(e.endswith("@example.org") for e in emails):
        err("e-mails must be unique and @example.org")
    if roles["researcher"] != 2 or roles["coordinator"] != 1 or roles["facilitator"] != 17:
        err(f"roles {dict(roles)}")
    fac_nets = Counter(s for p in people if p["role"] == "facilitator" for s in p["networks"])
    if set(fac_nets) != set(net_slugs) or set(fac_nets.values()) != {1}:
        err("one facilitator per network")
    researchers = [p["email"] for p in people if p["role"] == "researcher"]

    net_qs, net_rows = check_rows("network", DEMO / "responses" / "network.csv", "network", ["network"])
    mem_qs, mem_rows = check_rows("member", DEMO / "responses" / "member.csv", "respondent",
                                  ["respondent", "network"])
    if [r["network"] for r in net_rows] != net_slugs:
        err("network.csv must have one row per network, in study.toml order")
    members = Counter(r["network"] for r in mem_rows)
    if set(members) != set(net_slugs) or not all(5 <= c <= 15 for c in members.values()):
        err(f"member responses per network must be 5..15: {dict(members)}")
    if [r["respondent"] for r in mem_rows] != [f"m{i:03d}" for i in range(1, len(mem_rows) + 1)]:
        err("respondents must be m001, m002, ... in order")
    wp_name = {w["slug"]: w["name"] for w in wps}
    net_name = {n["slug"]: (n["name"], wp_name[n["werkplaats"]]) for n in nets}
    for r in net_rows:
        if (r["network_name"], r["werkplaats_name"]) != net_name.get(r["network"]):
            err(f"network.csv {r['network']}: names differ from study.toml")

    # Codebook and codings -----------------------------------------------------------
    cb = tomllib.loads((DEMO / "codebook.toml").read_text(encoding="utf-8"))["code"]
    ids = [c["id"] for c in cb]
    if len(set(ids)) != len(ids):
        err("duplicate code ids")
    for c in cb:
        if c.get("parent") and c["parent"] not in ids:
            err(f"code {c['id']}: unknown parent {c['parent']}")
        for k in ("name_nl", "name_en", "description_nl", "description_en", "inclusion_nl",
                  "inclusion_en", "exclusion_nl", "exclusion_en", "examples_nl", "examples_en"):
            if not c.get(k):
                err(f"code {c['id']}: {k} missing")
        if len(c.get("examples_nl", [])) != len(c.get("examples_en", [])):
            err(f"code {c['id']}: examples_nl and examples_en differ in number")
        if not re.fullmatch(r"#[0-9A-F]{6}", c.get("colour", "")):
            err(f"code {c['id']}: colour {c.get('colour')!r} is not #RRGGBB")
    sys.path.insert(0, str(HERE))
    import codebook as cbmod

    open_net = [q["name"] for q in net_qs if q["type"] == "text" and q["name"] not in ("network_name", "werkplaats_name")]
    open_mem = [q["name"] for q in mem_qs if q["type"] == "text"]
    answers = {}
    for r in net_rows:
        for q in open_net:
            if r[q]:
                answers[(r["network"], q)] = ("network", r[q])
    for r in mem_rows:
        for q in open_mem:
            if r[q]:
                answers[(r["respondent"], q)] = ("member", r[q])
    with open(DEMO / "codings.csv", encoding="utf-8", newline="") as f:
        codings = list(csv.DictReader(f))
    per_coder = Counter()
    coded_q = set()
    sets = defaultdict(set)
    for i, c in enumerate(codings, start=2):
        where = f"codings.csv row {i}"
        if c["coder"] not in researchers:
            err(f"{where}: coder {c['coder']} is not a researcher")
        key = (c["respondent"], c["question"])
        if key not in answers:
            err(f"{where}: no answer for {key}")
            continue
        form, text = answers[key]
        if c["code"] not in ids:
            err(f"{where}: unknown code {c['code']}")
        fams = cbmod.QUESTION_FAMILIES[(form, c["question"])]
        if c["code"].split(".")[0] not in fams:
            err(f"{where}: code {c['code']} is not in the families {fams} of {c['question']}")
        if c["fragment"] and c["fragment"] not in text:
            err(f"{where}: fragment {c['fragment']!r} is not in the answer")
        per_coder[c["coder"]] += 1
        coded_q.add((form, c["question"]))
        sets[(c["coder"], key)].add(c["code"])
    for form, qs in (("network", open_net), ("member", open_mem)):
        for q in qs:
            if (form, q) not in coded_q:
                err(f"open question {form}.{q} has no codings")

    # Agreement: every (answer, code of its families) is a unit, coded present/absent.
    a = b = both = neither = 0
    exact = 0
    for key, (form, _) in answers.items():
        fam_codes = [c for c in ids if "." in c and c.split(".")[0] in cbmod.QUESTION_FAMILIES[(form, key[1])]]
        s1, s2 = sets.get((researchers[0], key), set()), sets.get((researchers[1], key), set())
        exact += s1 == s2
        for code in fam_codes:
            x, y = code in s1, code in s2
            both += x and y
            neither += (not x) and (not y)
            a += x and not y
            b += y and not x
    n = a + b + both + neither
    po = (both + neither) / n
    p1, p2 = (both + a) / n, (both + b) / n
    pe = p1 * p2 + (1 - p1) * (1 - p2)
    kappa = (po - pe) / (1 - pe)
    union_agree = both / (both + a + b)

    # Findings the data must mirror ----------------------------------------------------
    themes = Counter(t for r in net_rows for t in r["themes"].split())
    top = [themes["collaboration"], themes["integrated_care_welfare"], themes["new_methods"]]
    others = [v for k, v in themes.items() if k not in ("collaboration", "integrated_care_welfare", "new_methods")]
    if not (top[0] > top[1] > top[2] > max(others)):
        err(f"themes not strictly ordered: {top} vs others {max(others)}")
    rationale = Counter(r["rationale_explicit"] for r in net_rows)
    if rationale["yes"] < 15 or rationale["no"]:
        err(f"rationale: {dict(rationale)}")
    together = sum("participants_together" in r["agenda_setting"].split() for r in net_rows)
    consult = Counter(r["agenda_consultation"] for r in net_rows)
    if not (10 <= together <= 14) or consult["yes"] < 9 or consult["yes"] == 17:
        err(f"agenda: together {together}, consultation {dict(consult)}")
    if not all(r["reflection_forms"] for r in net_rows):
        err("every network needs a form of reflection")
    fac = Counter(r["facilitator_present"] for r in net_rows)
    bg = Counter(r["facilitator_background"] for r in net_rows if r["facilitator_background"])
    pos = Counter(r["facilitator_position"] for r in net_rows if r["facilitator_position"])
    if fac["yes"] < 12 or bg.most_common(1)[0][0] != "docent_researcher":
        err(f"facilitators: {dict(fac)} {dict(bg)}")
    local = [int(r[q]) for r in net_rows for q in ("local_customs", "local_partners", "local_policy", "local_residents")]
    if sum(v >= 4 for v in local) / len(local) < 0.7:
        err("the local setting must mostly score 4-5")
    form_items = ["form_rhythm", "form_agreements", "form_budget", "form_coordinator",
                  "form_membership", "form_reports", "form_evaluation"]
    formality = {r["network"]: sum(r[q] == "yes" for q in form_items) for r in net_rows}

    def alpha(matrix):
        k = len(matrix[0])
        cols = list(zip(*matrix))

        def var(xs):
            m = sum(xs) / len(xs)
            return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

        return k / (k - 1) * (1 - sum(var(c) for c in cols) / var([sum(r) for r in matrix]))

    kr20 = alpha([[int(r[q] == "yes") for q in form_items] for r in net_rows])
    lc_items = ["lc_safe", "lc_open", "lc_learn_others", "lc_time", "lc_own_questions", "lc_practice"]
    lc_alpha = alpha([[int(r[q]) for q in lc_items] for r in mem_rows])
    co = {r["network"]: "participants_together" in r["agenda_setting"].split() and r["agenda_consultation"] == "yes"
          for r in net_rows}
    lc_mean = lambda rows: sum(sum(int(r[q]) for q in lc_items) / 6 for r in rows) / len(rows)  # noqa: E731
    lc_co = lc_mean([r for r in mem_rows if co[r["network"]]])
    lc_not = lc_mean([r for r in mem_rows if not co[r["network"]]])
    if not lc_co > lc_not:
        err("learning climate must be higher where the agenda is co-created")

    skipped = {q: sum(not r[q] for r in mem_rows) for q in open_mem}
    print(f"Werkplaatsen {len(wps)}, networks {len(nets)}, member responses {len(mem_rows)}")
    print("members per network:", ", ".join(f"{k} {v}" for k, v in members.items()))
    print("themes:", dict(themes.most_common()))
    print("rationale_explicit:", dict(rationale), "| participants_together:", together,
          "| agenda_consultation:", dict(consult))
    print("reflection_forms:", dict(Counter(t for r in net_rows for t in r["reflection_forms"].split()).most_common()),
          "| frequency:", dict(Counter(r["reflection_frequency"] for r in net_rows)),
          "| slow_questions:", dict(Counter(r["slow_questions"] for r in net_rows)))
    print("facilitator_present:", dict(fac), "| background:", dict(bg), "| position:", dict(pos))
    print("org_form:", dict(Counter(r["org_form"] for r in net_rows)),
          "| formality sum per network:", dict(sorted(Counter(formality.values()).items())),
          f"| KR-20 {kr20:.2f}")
    print(f"learning climate alpha {lc_alpha:.2f}; mean {lc_co:.2f} where the agenda is co-created "
          f"vs {lc_not:.2f} elsewhere")
    print("member open answers skipped:", skipped)
    print(f"codings: {dict(per_coder)}; answers {len(answers)}, same code set for {exact / len(answers):.0%}; "
          f"presence units {n}: agreement {po:.1%}, Cohen's kappa {kappa:.2f}, "
          f"agreement on the union of codes {union_agree:.0%}")

    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
