"""Generates the national-scale study data: 2,000 networks, 40,000 member responses,
80 variables (40 numeric, 40 nominal), with a fixed seed.

Usage: python make_data.py OUT.csv [NETWORKS] [MEMBERS] [SEED]

Each network has a latent type (4 types) that shifts its members' answers, so the
typology has something to find. Numeric answers are 1.0-7.0 with one decimal (exact in
CSV), nominal answers are labels a-f (2-6 levels), about 2% of cells are empty. Every
network has at least 5 members. Plain CSV without quotes (no value needs them).
"""
import sys

import numpy as np

out = sys.argv[1]
networks = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
members = int(sys.argv[3]) if len(sys.argv) > 3 else 40000
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 2026
P_NUM, P_NOM, TYPES = 40, 40, 4
rng = np.random.default_rng(seed)

ntype = rng.integers(0, TYPES, networks)
sizes = 5 + rng.multinomial(members - 5 * networks, np.full(networks, 1 / networks))
net = np.repeat(np.arange(networks), sizes)
t = ntype[net]
m = len(net)
mu = rng.uniform(2.0, 6.0, (TYPES, P_NUM))
offset = rng.normal(0.0, 0.5, (networks, P_NUM))
x = mu[t] + offset[net] + rng.normal(0.0, 1.2, (m, P_NUM))
x = np.round(np.clip(x, 1.0, 7.0), 1)
levels = np.array([2 + j % 5 for j in range(P_NOM)])
pref = rng.integers(0, 6, (TYPES, P_NOM)) % levels
uniform = (rng.random((m, P_NOM)) * levels).astype(int)
c = np.where(rng.random((m, P_NOM)) < 0.5, pref[t], uniform)
letters = np.array(list("abcdef"))
miss_x = rng.random((m, P_NUM)) < 0.02
miss_c = rng.random((m, P_NOM)) < 0.02

with open(out, "w") as fh:
    fh.write(",".join(["network", "member"] + [f"x{j}" for j in range(P_NUM)]
                      + [f"c{j}" for j in range(P_NOM)]) + "\n")
    for i in range(m):
        xs = ["" if miss_x[i, j] else f"{x[i, j]:.1f}" for j in range(P_NUM)]
        cs = ["" if miss_c[i, j] else letters[c[i, j]] for j in range(P_NOM)]
        fh.write(",".join([f"n{net[i]:04d}", f"m{i:05d}"] + xs + cs) + "\n")
print(f"{out}: {m} member rows of {networks} networks, {P_NUM + P_NOM} variables")
