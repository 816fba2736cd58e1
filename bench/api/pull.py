"""Pulls every response of one wave through the JSON API's pages, as a researcher's script
would (keep-alive, the JSON of every page parsed), and prints the seconds it took.

    python3 bench/api/pull.py HOST:PORT TOKEN [LIMIT]

Finds the member questionnaire (`leernet_member`) and its wave through the API itself.
"""

import http.client
import json
import sys
import time
import urllib.parse

host, token = sys.argv[1], sys.argv[2]
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
conn = http.client.HTTPConnection(host, timeout=600)
headers = {"Authorization": f"Bearer {token}"}


def get(path):
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path}: {r.status} {body[:300]!r}")
    return json.loads(body)


slug = get("/api/v1/studies")[0]["slug"]
inst = next(i for i in get(f"/api/v1/studies/{slug}/instruments") if i["form_id"] == "leernet_member")
wave = next(w for w in get(f"/api/v1/studies/{slug}/waves") if w["instrument"] == inst["id"])
base = f"/api/v1/studies/{slug}/instruments/{inst['id']}/responses"
started = time.perf_counter()
rows, pages, q = 0, 0, {"wave": wave["id"], "limit": limit}
while True:
    page = get(base + "?" + urllib.parse.urlencode(q))
    rows += len(page["responses"])
    pages += 1
    if not page["next_cursor"]:
        break
    q["cursor"] = page["next_cursor"]
took = time.perf_counter() - started
print(f"api: {rows} responses in {pages} pages of {limit}: {took:.3f} s")
