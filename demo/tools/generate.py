#!/usr/bin/env python3
"""Writes the fictional demo study from the hand-written data in this folder.

    python demo/tools/generate.py     # from the repository root; then run validate.py

Inputs: networks.py (registry and the 17 network responses, by hand), pools.py (texts for
the members' open answers), codebook.py (code families), and the two instruments (for the
question order). Outputs, in demo/: study.toml, codebook.toml, responses/network.csv,
responses/member.csv, codings.csv. The committed outputs are the data; this script is how
they were made. One fixed seed, stable ordering: running it twice gives identical bytes.

Open answers carry their "true" codings as markup ([fragment]{code} and a leading
{=code} for whole-answer codes). Two coders are simulated from these: each keeps most true
codings, sometimes codes a wider fragment or the whole answer, sometimes picks a
neighbouring code, and now and then adds a code of their own, so that they mostly but not
always agree.
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent
ROOT = DEMO.parent
sys.path.insert(0, str(HERE))

import codebook  # noqa: E402
import networks  # noqa: E402
import pools  # noqa: E402

SEED = 2026
MARK = re.compile(r"\[([^\[\]{}]*)\]\{([^{}]*)\}")
WHOLE = re.compile(r"^\{=([^{}]*)\}")

# ------------------------------------------------------------------------------------
# Instruments: question order
# ------------------------------------------------------------------------------------


def question_names(form: str) -> list[str]:
    from openpyxl import load_workbook

    ws = load_workbook(ROOT / "instruments" / f"{form}.xlsx", read_only=True)["survey"]
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip().lower() if h else "" for h in next(rows)]
    ti, ni = header.index("type"), header.index("name")
    names = []
    for r in rows:
        t = (r[ti] or "").strip()
        if not t or t in ("begin_group", "end_group", "begin group", "end group", "note"):
            continue
        names.append(r[ni].strip())
    return names


# ------------------------------------------------------------------------------------
# Markup
# ------------------------------------------------------------------------------------


def parse(marked: str) -> tuple[str, list[tuple[str, str]]]:
    """Plain text and the true codings [(code, fragment)] ('' = whole answer)."""
    codings: list[tuple[str, str]] = []
    m = WHOLE.match(marked)
    if m:
        codings += [(c.strip(), "") for c in m.group(1).split(",")]
        marked = marked[m.end():]
    plain = []
    pos = 0
    for m in MARK.finditer(marked):
        plain.append(marked[pos:m.start()])
        plain.append(m.group(1))
        codings += [(c.strip(), m.group(1)) for c in m.group(2).split(",")]
        pos = m.end()
    plain.append(marked[pos:])
    text = "".join(plain)
    assert "[" not in text and "{" not in text and "]" not in text and "}" not in text, text
    return text, codings


def outside_codes(marked: str) -> list[tuple[bool, str]]:
    """Split marked text into (is_code_list, piece), so edits never touch code ids."""
    parts, pos = [], 0
    for m in re.finditer(r"\{[^{}]*\}", marked):
        parts.append((False, marked[pos:m.start()]))
        parts.append((True, m.group(0)))
        pos = m.end()
    parts.append((False, marked[pos:]))
    return parts


def typo(marked: str, rng: random.Random) -> str:
    parts = outside_codes(marked)
    words = [(i, m.start(), m.end()) for i, (code, p) in enumerate(parts) if not code
             for m in re.finditer(r"[a-zà-ÿ]{7,}", p)]
    if not words:
        return marked
    i, s, e = rng.choice(words)
    w = parts[i][1][s:e]
    k = rng.randrange(1, len(w) - 2)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        w2 = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    elif kind == "drop":
        w2 = w[:k] + w[k + 1:]
    else:
        w2 = w[:k] + w[k] + w[k:]
    p = parts[i][1]
    parts[i] = (False, p[:s] + w2 + p[e:])
    return "".join(p for _, p in parts)


def restyle(marked: str, rng: random.Random) -> str:
    """The way people type in a survey box: sometimes lower case, no full stop, a typo."""
    if rng.random() < 0.12:
        m = re.match(r"^(\{=[^}]*\})?\[?([A-Z])[a-z]", marked)
        if m:
            i = m.start(2)
            marked = marked[:i] + marked[i].lower() + marked[i + 1:]
    if rng.random() < 0.18 and marked.endswith("."):
        marked = marked[:-1]
    if rng.random() < 0.10:
        marked = typo(marked, rng)
    return marked


# ------------------------------------------------------------------------------------
# Members
# ------------------------------------------------------------------------------------

MEMBER_COUNTS = {
    "havenmond-wijkkracht": 12, "lindewaard-integraal": 14, "stroomdal-jeugd": 11,
    "stroomdal-ontmoeting": 7, "essendonk-armoede": 10, "kliffenburg-mantelzorg": 9,
    "wilgenrijk-buurtteams": 13, "oostermarke-kwetsbaar": 15, "zandhove-samen": 10,
    "beekwaarde-inclusie": 8, "duinhaven-ervaring": 5, "polderhart-sociaal-team": 12,
    "vaartland-wonen": 9, "vaartland-studenten": 14, "heuvelzoom-ouderen": 11,
    "rietmond-moreel": 6, "brugstede-keten": 13,
}

# International students who answer in English: (network, nth member of that network).
ENGLISH = {("vaartland-studenten", 3), ("vaartland-studenten", 9), ("zandhove-samen", 6)}

KIND_TO_ROLE = {
    "professionals_welfare": "professional_welfare", "professionals_care": "professional_care",
    "policy_officers": "policy_officer", "neighbourhood_teams": "neighbourhood_team",
    "students": "student", "lecturers_researchers": "lecturer_researcher",
    "residents": "resident", "experts_by_experience": "expert_by_experience", "other": "other",
}
ROLE_WEIGHT = {
    "professional_welfare": 5, "professional_care": 4, "policy_officer": 2, "neighbourhood_team": 4,
    "student": 3, "lecturer_researcher": 1, "resident": 3, "expert_by_experience": 2, "other": 1,
}
ROLE_ORGS = {
    "professional_welfare": [("welfare_org", 9), ("other", 1)],
    "professional_care": [("care_org", 9), ("other", 1)],
    "policy_officer": [("municipality", 1)],
    "neighbourhood_team": [("welfare_org", 5), ("municipality", 4), ("care_org", 1)],
    "student": [("university", 1)],
    "lecturer_researcher": [("university", 1)],
    "resident": [("residents_initiative", 6), ("other", 4)],
    "expert_by_experience": [("care_org", 3), ("residents_initiative", 3), ("other", 4)],
    "other": [("other", 5), ("welfare_org", 2), ("care_org", 2), ("municipality", 1)],
}


def weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def clip5(x: float) -> str:
    return str(min(5, max(1, int(round(x)))))


def network_climate(n: dict) -> tuple[float, float]:
    """(learning-climate base, agenda-influence base) of a network, from how it works."""
    co = "participants_together" in n["agenda_setting"].split()
    cons = n["agenda_consultation"]
    base = 3.45 + (0.3 if co else 0.0) + {"yes": 0.15, "partly": 0.05, "no": -0.2}[cons]
    if n["facilitator_present"] == "yes":
        base += {"neutral": 0.15, "mostly_neutral": 0.05, "with_interest": -0.15}[n["facilitator_position"]]
    agenda = 2.5 + (0.9 if co else 0.0) + {"yes": 0.5, "partly": 0.2, "no": -0.2}[cons]
    return base, agenda


PRO = {"professional_welfare", "professional_care", "policy_officer", "neighbourhood_team",
       "lecturer_researcher", "other"}
ROLE_MARK = {"<P>": PRO, "<N>": PRO | {"student"}, "<R>": {"resident", "expert_by_experience", "other"}, "<S>": {"student"}}


def fits(text: str, role: str) -> bool:
    """Pool texts marked <P>, <N>, <R>, <S> fit professionals, non-residents, residents,
    students only."""
    return text[:3] not in ROLE_MARK or role in ROLE_MARK[text[:3]]


def join(first: str, second: str) -> str:
    """Two pieces of an answer as one, with a full stop between them where needed."""
    plain_end = re.sub(r"\{[^{}]*\}|\]", "", first)
    if not re.search(r"[.!?)]$", plain_end):
        first += "."
    return first + " " + second.lstrip()


def pick(rng: random.Random, items: list[str], used: set[str], role: str = "") -> str:
    ok = [x for x in items if fits(x, role)] or items
    fresh = [x for x in ok if x not in used]
    if not fresh:  # the pool ran out: start over
        used.difference_update(ok)
        fresh = ok
    x = rng.choice(fresh)
    used.add(x)
    return x[3:] if x[:3] in ROLE_MARK else x


def member_rows(rng: random.Random) -> list[dict]:
    rows = []
    k = 0
    used: set[str] = set()  # texts already given, so answers repeat only when a pool runs out
    for n in networks.NETWORKS:
        slug = n["slug"]
        base, agenda_base = network_climate(n)
        base += rng.gauss(0, 0.12)
        kinds = n["participants"].split()
        roles = [(KIND_TO_ROLE[kd], ROLE_WEIGHT[KIND_TO_ROLE[kd]]) for kd in kinds]
        age = 2026 - n["start_year"]
        themes = [t for t in n["themes"].split() if t in pools.LEARNED]
        for j in range(1, MEMBER_COUNTS[slug] + 1):
            k += 1
            english = (slug, j) in ENGLISH
            role = "student" if english else weighted(rng, roles)
            org = weighted(rng, ROLE_ORGS[role])
            years = [("lt1", 3)] + [(y, w) for y, w, a in (("1to2", 4, 1), ("3to5", 3, 3), ("gt5", 2, 6)) if age >= a]
            if role == "student":
                years = [y for y in years if y[0] in ("lt1", "1to2")]
            latent = base + rng.gauss(0, 0.65)
            attendance = weighted(rng, [("always", 3 + 2 * (latent > 4)), ("mostly", 4),
                                        ("sometimes", 2 + 2 * (latent < 3.2)), ("rarely", 1)])
            offsets = {"lc_safe": 0.1, "lc_open": 0.0, "lc_learn_others": 0.25, "lc_time": -0.4,
                       "lc_own_questions": -0.1 + 0.25 * (agenda_base - 3.4), "lc_practice": 0.05}
            row = {"respondent": f"m{k:03d}", "network": slug, "role": role,
                   "organisation_kind": org, "years_member": weighted(rng, years),
                   "attendance": attendance}
            for item, off in offsets.items():
                row[item] = clip5(latent + off + rng.gauss(0, 0.5))
            row["agenda_influence"] = clip5(agenda_base + 0.5 * (latent - base) + rng.gauss(0, 0.7))

            # Open answers: optional, so some are skipped (more often by those who rarely come).
            skip = 0.08 + (0.15 if attendance in ("sometimes", "rarely") else 0.0)
            marked = {}
            if rng.random() > skip:
                if english:
                    marked["learned"] = pick(rng, pools.LEARNED_EN, used)
                else:
                    key = rng.choice(themes) if themes and rng.random() < 0.7 else "any"
                    text = pick(rng, pools.LEARNED[key], used, role)
                    if rng.random() < 0.2:
                        text = join(text, pick(rng, pools.LEARNED["any"], used, role))
                    elif rng.random() < 0.3:
                        text = join(text, rng.choice(pools.TAILS_NL))
                    marked["learned"] = text
            if rng.random() > skip + 0.08:
                if english:
                    marked["practice_change"] = pick(rng, pools.PRACTICE_CHANGE_EN, used)
                else:
                    text = pick(rng, pools.PRACTICE_CHANGE, used, role)
                    if rng.random() < 0.2 and "not_yet" not in text:
                        text = join(text, rng.choice([t for t in pools.TAILS_NL if "[" not in t]))
                    marked["practice_change"] = text
            if rng.random() > skip + 0.18:
                marked["slow_question"] = pick(rng, pools.SLOW_EN if english else pools.SLOW, used, role)
            row["_marked"] = {q: (t if english else restyle(t, rng)) for q, t in marked.items()}
            rows.append(row)
    return rows


# ------------------------------------------------------------------------------------
# Network rows
# ------------------------------------------------------------------------------------

OPEN_NETWORK = ["rationale_text", "agenda_how", "themes_other", "slow_questions_examples",
                "local_how", "outcomes", "tips"]
FORM_ITEMS = ["form_rhythm", "form_agreements", "form_budget", "form_coordinator",
              "form_membership", "form_reports", "form_evaluation"]


def network_rows() -> list[dict]:
    wp_names = {s: name for s, name, _ in networks.WERKPLAATSEN}
    rows = []
    for n in networks.NETWORKS:
        row = {"network": n["slug"], "network_name": n["name"],
               "werkplaats_name": wp_names[n["werkplaats"]],
               "start_year": str(n["start_year"]), "size": str(n["size"]),
               "participants": n["participants"]}
        for item, bit in zip(FORM_ITEMS, n["form"]):
            row[item] = "yes" if bit == "1" else "no"
        for q in ["org_form", "rationale_explicit", "agenda_setting", "agenda_consultation", "themes",
                  "reflection_forms", "reflection_frequency", "slow_questions", "facilitator_present"]:
            row[q] = n[q]
        for q, v in zip(["local_customs", "local_partners", "local_policy", "local_residents"], n["local"]):
            row[q] = v
        if n["facilitator_present"] == "yes":
            row["facilitator_background"] = n["facilitator_background"]
            row["facilitator_position"] = n["facilitator_position"]
            for q, v in zip(["bw_connect", "bw_translate", "bw_safe", "bw_questions"], n["bw"]):
                row[q] = v
            row["facilitator_importance"] = n["facilitator_importance"]
        row["_marked"] = {q: n[q] for q in OPEN_NETWORK if n.get(q)}
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------
# Two coders
# ------------------------------------------------------------------------------------

CONFUSABLE = {
    "reflection.intervision": "reflection.case_discussion",
    "reflection.case_discussion": "reflection.intervision",
    "reflection.reflection_session": "reflection.room_for_slow",
    "reflection.room_for_slow": "reflection.reflection_session",
    "agenda.co_created": "agenda.cases_from_practice",
    "agenda.cases_from_practice": "agenda.co_created",
    "agenda.facilitator_prepares": "agenda.steering_group",
    "slow.own_strength": "slow.responsibility",
    "slow.responsibility": "slow.own_strength",
    "slow.autonomy": "slow.professional_role",
    "slow.professional_role": "slow.autonomy",
    "slow.system_lifeworld": "slow.fairness",
    "slow.fairness": "slow.system_lifeworld",
    "outcome.asking_questions": "outcome.reflective_practice",
    "outcome.reflective_practice": "outcome.asking_questions",
    "outcome.network_contacts": "outcome.shared_language",
    "outcome.shared_language": "outcome.network_contacts",
    "theme.collaboration": "theme.integrated_care_welfare",
    "theme.integrated_care_welfare": "theme.collaboration",
    "theme.new_methods": "theme.collaboration",
    "rationale.practice_based": "rationale.learning_theory",
    "rationale.co_creation": "rationale.resident_perspective",
    "rationale.resident_perspective": "rationale.co_creation",
    "facilitator.boundary_worker": "facilitator.knowledge_broker",
    "facilitator.neutral": "facilitator.boundary_worker",
    "local.existing_partners": "local.customs_culture",
    "local.customs_culture": "local.existing_partners",
}

# (keep, confuse, widen, extra): how each coder departs from the "true" codings.
CODERS = [(0.93, 0.03, 0.06, 0.04), (0.86, 0.09, 0.20, 0.07)]


def sentence_around(text: str, frag: str) -> str:
    """The sentence that holds the fragment (a wider fragment, as coders often take)."""
    i = text.find(frag)
    starts = [m.end() for m in re.finditer(r"[.?!]\s+", text[:i])]
    s = starts[-1] if starts else 0
    m = re.search(r"[.?!]", text[i + len(frag):])
    e = i + len(frag) + (m.end() if m else len(text) - i - len(frag))
    return text[s:e].strip()


def family_codes(form: str, question: str) -> list[str]:
    fams = codebook.QUESTION_FAMILIES[(form, question)]
    return [c["id"] for c in codebook.all_codes() if c["parent"] in fams]


def code_answer(rng, coder: int, form: str, question: str, text: str, true):
    keep, confuse, widen, extra = CODERS[coder]
    out = []
    for code, frag in true:
        if rng.random() > keep:
            continue
        if rng.random() < confuse and code in CONFUSABLE:
            code = CONFUSABLE[code]
        if frag and rng.random() < widen:
            frag = "" if rng.random() < 0.4 else sentence_around(text, frag)
            if frag == text:
                frag = ""
        out.append((code, frag))
    if rng.random() < extra:
        candidates = [c for c in family_codes(form, question) if c not in {t[0] for t in true}]
        out.append((rng.choice(candidates), ""))
    seen, uniq = set(), []
    for c in out:
        if c not in seen:
            seen.add(c)
            uniq.append(c)
    return uniq


# ------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def csv_text(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue()


def study_toml() -> str:
    out = [
        "# The fictional demo study of leernet. Every Werkplaats, network, region and person",
        "# here is invented; e-mail addresses are @example.org. Written by demo/tools/generate.py.",
        "",
        "[study]",
        'title_nl = "Lerende netwerken in het sociaal domein: een studie van 17 netwerken in 15 Werkplaatsen (fictief)"',
        'title_en = "Learning networks in the social domain: a study of 17 networks in 15 Werkplaatsen (fictional)"',
        "",
    ]
    for slug, name, region in networks.WERKPLAATSEN:
        out += ["[[werkplaats]]", f"slug = {toml_str(slug)}", f"name = {toml_str(name)}",
                f"region = {toml_str(region)}", ""]
    for n in networks.NETWORKS:
        out += ["[[network]]", f"slug = {toml_str(n['slug'])}", f"name = {toml_str(n['name'])}",
                f"werkplaats = {toml_str(n['werkplaats'])}", ""]
    people = [(e, nm, "researcher", []) for e, nm in networks.RESEARCHERS]
    people += [(n["facilitator"][0], n["facilitator"][1], "facilitator", [n["slug"]]) for n in networks.NETWORKS]
    people.append((networks.COORDINATOR[0], networks.COORDINATOR[1], "coordinator", []))
    for email, name, role, nets in people:
        out += ["[[person]]", f"email = {toml_str(email)}", f"name = {toml_str(name)}",
                f"role = {toml_str(role)}", "networks = [" + ", ".join(toml_str(s) for s in nets) + "]", ""]
    return "\n".join(out)


def codebook_toml() -> str:
    out = ["# Codebook of the fictional demo study: code families for the open answers,",
           "# Dutch and English side by side. Written by demo/tools/generate.py from codebook.py.", ""]
    for c in codebook.all_codes():
        out.append("[[code]]")
        out.append(f"id = {toml_str(c['id'])}")
        if c["parent"]:
            out.append(f"parent = {toml_str(c['parent'])}")
        for k in ["name_nl", "name_en", "description_nl", "description_en",
                  "inclusion_nl", "inclusion_en", "exclusion_nl", "exclusion_en"]:
            out.append(f"{k} = {toml_str(c[k])}")
        for k in ["examples_nl", "examples_en"]:
            out.append(f"{k} = [" + ", ".join(toml_str(e) for e in c[k]) + "]")
        out.append(f"colour = {toml_str(c['colour'])}")
        out.append("")
    return "\n".join(out)


def main() -> None:
    rng = random.Random(SEED)
    net_q = question_names("network")
    mem_q = question_names("member")
    nrows = network_rows()
    mrows = member_rows(rng)

    units = []  # (form, respondent, question, text, true codings)
    for form, rows, qs in (("network", nrows, net_q), ("member", mrows, mem_q)):
        key = "network" if form == "network" else "respondent"
        for r in rows:
            for q in qs:
                if q in r["_marked"]:
                    text, true = parse(r["_marked"][q])
                    r[q] = text
                    units.append((form, r[key], q, text, true))

    coders = [e for e, _ in networks.RESEARCHERS]
    codings = []
    crng = random.Random(SEED + 1)
    for form, resp, q, text, true in units:
        for ci, email in enumerate(coders):
            for code, frag in code_answer(crng, ci, form, q, text, true):
                codings.append({"coder": email, "respondent": resp, "question": q,
                                "code": code, "fragment": frag})
    codings.sort(key=lambda c: (coders.index(c["coder"]),))  # stable: coder, then answer order

    write(DEMO / "study.toml", study_toml())
    write(DEMO / "codebook.toml", codebook_toml())
    write(DEMO / "responses" / "network.csv", csv_text(["network"] + net_q, nrows))
    write(DEMO / "responses" / "member.csv", csv_text(["respondent", "network"] + mem_q, mrows))
    write(DEMO / "codings.csv", csv_text(["coder", "respondent", "question", "code", "fragment"], codings))
    print(f"wrote {len(nrows)} network responses, {len(mrows)} member responses, "
          f"{len(units)} open answers, {len(codings)} codings")


if __name__ == "__main__":
    main()
