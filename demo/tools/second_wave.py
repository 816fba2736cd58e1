#!/usr/bin/env python3
"""Writes the demo study's second wave (`2027`): the same 17 networks a year later.

    python demo/tools/second_wave.py     # from the repository root, after generate.py

Seven networks took up handles from their 2026 handreiking (UPTAKE below, fictional); the
other ten did not. The network answers of 2027 are those of 2026 with the changes that follow
from what each network took up, plus a little drift in some networks that did nothing (a
partner who left, less time for reflection). The members of 2027 are answered anew by the same
generator as 2026 (generate.member_rows), from each network's way of working in 2027, so the
learning climate moves where the way of working moved. Members answer anonymously: their
respondent keys (`w27-m001`…) do not link to 2026; the network questionnaire links the two
waves by its network.

Outputs, in demo/: responses/network-2027.csv, responses/member-2027.csv, codings-2027.csv.
One fixed seed, stable ordering: running it twice gives identical bytes. Nothing of 2026 is
rewritten.
"""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import networks  # noqa: E402

# The members' seed. Networks have 5 to 15 members, so a fresh sample moves a network's mean
# learning climate by chance alone by up to half a point. Among the seeds 2027..2599 this is
# the one whose chance differences are smallest in the ten networks that took up nothing
# (within 0.21) while the seven that took up handles do not fall below 2026 by more than
# chance either: the demo is to show change that follows from uptake, not sampling noise.
SEED = 2428
WAVE = "2027"

FREQ_UP = {"yearly": "quarterly", "quarterly": "monthly", "monthly": "every_meeting",
           "every_meeting": "every_meeting", "rarely": "yearly"}
FREQ_DOWN = {v: k for k, v in FREQ_UP.items() if k != v}


def up(likert: str, by: int = 1) -> str:
    return str(min(5, int(likert) + by))


def down(likert: str, by: int = 1) -> str:
    return str(max(1, int(likert) - by))


def with_choice(multi: str, choice: str) -> str:
    parts = multi.split()
    return multi if choice in parts else " ".join([choice] + parts)


def agenda_together(n: dict) -> None:
    """Handle taken up: set the agenda together with the participants."""
    n["agenda_setting"] = with_choice(n["agenda_setting"], "participants_together")
    n["agenda_consultation"] = {"no": "partly", "partly": "yes", "yes": "yes"}[n["agenda_consultation"]]
    n["agenda_how"] = generate.join(
        n.get("agenda_how", "") or "Dat verschilt per keer",
        "Sinds vorig jaar [kiezen de deelnemers aan het eind van elke bijeenkomst samen de "
        "onderwerpen voor de volgende keer]{agenda.co_created}.")


def reflection_more(n: dict) -> None:
    """Handle taken up: make room for reflection more often, so slow questions come up."""
    n["reflection_frequency"] = FREQ_UP[n["reflection_frequency"]]
    n["reflection_forms"] = with_choice(n["reflection_forms"], "intervision")
    if n["slow_questions"] != "yes":
        n["slow_questions"] = "yes"
        n["slow_questions_examples"] = (
            "[Hoe eerlijk is het dat de ene wijk meer ondersteuning krijgt dan de andere?]"
            "{slow.fairness}")


def residents_voice(n: dict) -> None:
    """Handle taken up: draw on residents' questions and experiences."""
    customs, partners, policy, residents = n["local"]
    n["local"] = (customs, partners, policy, up(residents))
    n["local_how"] = generate.join(
        n.get("local_how", "") or "Dat doen we nog te weinig",
        "We nodigen nu [elke keer een bewoner of ervaringsdeskundige uit]{local.residents_voice}.")


def facilitator_neutral(n: dict) -> None:
    """Handle taken up: a facilitator who guides from a neutral position, as a boundary worker."""
    if n["facilitator_present"] != "yes":
        return
    n["facilitator_position"] = {"with_interest": "mostly_neutral", "mostly_neutral": "neutral",
                                 "neutral": "neutral"}[n["facilitator_position"]]
    n["bw"] = tuple(up(x) for x in n["bw"])
    n["facilitator_importance"] = up(n["facilitator_importance"])


# Which handles each network took up after the 2026 handreiking (fictional).
UPTAKE = {
    "lindewaard-integraal": [agenda_together, residents_voice],
    "stroomdal-jeugd": [facilitator_neutral, agenda_together],
    "oostermarke-kwetsbaar": [agenda_together, reflection_more, residents_voice],
    "polderhart-sociaal-team": [reflection_more, agenda_together],
    "vaartland-wonen": [agenda_together],
    "essendonk-armoede": [residents_voice],
    "kliffenburg-mantelzorg": [facilitator_neutral],
}


def drift(n: dict) -> None:
    """What happens without a handle taken up: now and then a little less (fictional)."""
    slug = n["slug"]
    if slug == "brugstede-keten":  # a partner organisation left the region
        customs, partners, policy, residents = n["local"]
        n["local"] = (customs, down(partners), policy, residents)
    elif slug == "heuvelzoom-ouderen":  # less time: reflection moved to every other month
        n["reflection_frequency"] = FREQ_DOWN.get(n["reflection_frequency"], n["reflection_frequency"])
    elif slug == "rietmond-moreel":  # the facilitator's importance is felt a little less
        if n["facilitator_present"] == "yes":
            n["facilitator_importance"] = down(n["facilitator_importance"])


# Members who answered in 2027 (some left, some joined).
MEMBER_CHANGE = {
    "havenmond-wijkkracht": -1, "lindewaard-integraal": 2, "stroomdal-jeugd": 1,
    "oostermarke-kwetsbaar": 2, "polderhart-sociaal-team": 1, "vaartland-wonen": 1,
    "duinhaven-ervaring": 1, "brugstede-keten": -2, "heuvelzoom-ouderen": -1,
}


def main() -> None:
    nets = copy.deepcopy(networks.NETWORKS)
    for n in nets:
        for handle in UPTAKE.get(n["slug"], []):
            handle(n)
        if n["slug"] not in UPTAKE:
            drift(n)
    networks.NETWORKS = nets
    for slug, d in MEMBER_CHANGE.items():
        generate.MEMBER_COUNTS[slug] += d

    rng = random.Random(SEED)
    net_q = generate.question_names("network")
    mem_q = generate.question_names("member")
    nrows = generate.network_rows()
    mrows = generate.member_rows(rng)
    for r in mrows:
        r["respondent"] = "w27-" + r["respondent"]

    units = []
    for form, rows, qs in (("network", nrows, net_q), ("member", mrows, mem_q)):
        key = "network" if form == "network" else "respondent"
        for r in rows:
            for q in qs:
                if q in r["_marked"]:
                    text, true = generate.parse(r["_marked"][q])
                    r[q] = text
                    units.append((form, r[key], q, text, true))

    coders = [e for e, _ in networks.RESEARCHERS]
    codings = []
    crng = random.Random(SEED + 1)
    for form, resp, q, text, true in units:
        for ci, email in enumerate(coders):
            for code, frag in generate.code_answer(crng, ci, form, q, text, true):
                codings.append({"coder": email, "respondent": resp, "question": q,
                                "code": code, "fragment": frag})
    codings.sort(key=lambda c: (coders.index(c["coder"]),))

    out = generate.DEMO
    generate.write(out / "responses" / f"network-{WAVE}.csv", generate.csv_text(["network"] + net_q, nrows))
    generate.write(out / "responses" / f"member-{WAVE}.csv",
                   generate.csv_text(["respondent", "network"] + mem_q, mrows))
    generate.write(out / f"codings-{WAVE}.csv",
                   generate.csv_text(["coder", "respondent", "question", "code", "fragment"], codings))
    print(f"wave {WAVE}: {len(nrows)} network responses, {len(mrows)} member responses, "
          f"{len(units)} open answers, {len(codings)} codings")


if __name__ == "__main__":
    main()
