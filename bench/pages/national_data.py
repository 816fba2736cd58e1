"""Writes the data of a national-scale leernet study for the page benchmark.

    python3 bench/pages/national_data.py OUT_DIR [NETWORKS] [MEMBERS]

Makes, in OUT_DIR: `workplaces.tsv` (slug, name, region), `networks.tsv` (slug, name,
werkplaats slug), `network.csv` (one row per network) and `member.csv` (MEMBERS rows, 5 to
35 per network), in the columns of the demo's `demo/responses/*.csv`. Every answer row is a
row of the demo study (which `demo/tools/validate.py` holds to the questionnaires) with the
network, its name and the respondent changed, drawn with a seeded generator, so the import
accepts every row and the same arguments give the same files.
"""

import csv
import os
import random
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
out = sys.argv[1]
n_networks = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
n_members = int(sys.argv[3]) if len(sys.argv) > 3 else 40000
n_workplaces = max(1, n_networks // 13)
rng = random.Random(2026)
os.makedirs(out, exist_ok=True)


def read(name):
    with open(os.path.join(root, "demo", "responses", name), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


workplaces = [(f"wp-{i:03}", f"Werkplaats {i:03}", f"Regio {i % 25:02}") for i in range(1, n_workplaces + 1)]
networks = [(f"net-{i:04}", f"Lerend netwerk {i:04}", workplaces[(i - 1) % n_workplaces]) for i in range(1, n_networks + 1)]
with open(os.path.join(out, "workplaces.tsv"), "w", encoding="utf-8") as f:
    for slug, name, region in workplaces:
        f.write(f"{slug}\t{name}\t{region}\n")
with open(os.path.join(out, "networks.tsv"), "w", encoding="utf-8") as f:
    for slug, name, wp in networks:
        f.write(f"{slug}\t{name}\t{wp[0]}\n")

header, rows = read("network.csv")
ix = {c: i for i, c in enumerate(header)}
with open(os.path.join(out, "network.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    for slug, name, wp in networks:
        row = list(rng.choice(rows))
        row[ix["network"]] = slug
        row[ix["network_name"]] = name
        row[ix["werkplaats_name"]] = wp[1]
        w.writerow(row)

# Members per network: 5 to 35, scaled so that they add up to MEMBERS exactly.
weights = [rng.randint(5, 35) for _ in networks]
scale = n_members / sum(weights)
counts = [max(1, int(x * scale)) for x in weights]
i = 0
while sum(counts) != n_members:
    counts[i % len(counts)] += 1 if sum(counts) < n_members else (-1 if counts[i % len(counts)] > 1 else 0)
    i += 1
header, rows = read("member.csv")
ix = {c: i for i, c in enumerate(header)}
with open(os.path.join(out, "member.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    m = 0
    for (slug, _, _), k in zip(networks, counts):
        for _ in range(k):
            m += 1
            row = list(rng.choice(rows))
            row[ix["respondent"]] = f"m{m:06}"
            row[ix["network"]] = slug
            w.writerow(row)
print(f"{n_workplaces} Werkplaatsen, {n_networks} networks, {n_members} member rows in {out}")
