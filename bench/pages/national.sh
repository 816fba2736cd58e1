#!/usr/bin/env bash
# The page benchmark at national scale: a leernet project of 2,000 networks (153
# Werkplaatsen) and 40,000 member responses plus 2,000 network questionnaires, made through
# the command line as a researcher would (init, workplace add, network add, instrument add,
# import responses), then served: the time of the first computation of the study's figures,
# GET /, /networks and a network's profile with 8 concurrent clients once they are cached,
# and the same pages while 2 more clients save survey pages (every save changes the data, so
# the figures are recomputed all the time) with the saves' own latency.
#
#   bench/pages/national.sh          # NETWORKS=2000 MEMBERS=40000 REPEATS=3 SECONDS_PER_RUN=10 CLIENTS=8
#   OLD_BIN=/path/to/old/leernet bench/pages/national.sh   # before and after in the same run
#   NEW_BIN=… LOAD_BIN=… OLD_BIN=… bench/pages/national.sh  # all three built already
#   PROJECT=/path/to/project bench/pages/national.sh       # a project these steps made before
#   ANALYSE=0 bench/pages/national.sh                      # without the `leernet analyse` step
#
# Builds this checkout's release binary and the load client
# (crates/leernet-web/examples/pages_load.rs) with this shell's CARGO_TARGET_DIR. With
# OLD_BIN (a release binary of an earlier commit with the same database schema), each build
# serves its own copy of the same project, alternating old and new per repeat. Serves on
# 127.0.0.1 only; everything it makes goes to a temporary folder under /var/tmp that it
# removes at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
NETWORKS=${NETWORKS:-2000}
MEMBERS=${MEMBERS:-40000}
REPEATS=${REPEATS:-3}
SECS=${SECONDS_PER_RUN:-10}
CLIENTS=${CLIENTS:-8}
OLD_BIN=${OLD_BIN:-}

target=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# NEW_BIN and LOAD_BIN: this checkout's release builds of leernet and pages_load, made
# already (e.g. elsewhere from the same commit); otherwise built here.
if [ -z "${NEW_BIN:-}" ]; then
  cargo build --release -q -p leernet
  cargo build --release -q -p leernet-web --example pages_load
fi
newbin=${NEW_BIN:-$target/release/leernet}
load=${LOAD_BIN:-$target/release/examples/pages_load}

work=$(mktemp -d /var/tmp/leernet-national-pages.XXXXXX)
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
printf 'een lang genoeg wachtwoord voor de bench\n' > "$work/pw"

echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); checkout $(git rev-parse --short HEAD); new = ${NEW_BIN:-the release build of this checkout}; old = ${OLD_BIN:-none}"
python3 bench/pages/national_data.py "$work/data" "$NETWORKS" "$MEMBERS"
p="$work/project"
if [ -n "${PROJECT:-}" ]; then
  # a project made by an earlier run of these steps (with its bench@example.org account and
  # the same password), copied: on a busy machine the 2,153 commands take many minutes
  cp -r "$PROJECT" "$p"
  echo "project copied from $PROJECT"
else
  started=$(date +%s.%N)
  "$newbin" init "$p" > /dev/null
  while IFS=$'\t' read -r slug name region; do
    "$newbin" --project "$p" workplace add --slug "$slug" --name "$name" --region "$region" > /dev/null
  done < "$work/data/workplaces.tsv"
  while IFS=$'\t' read -r slug name wp; do
    "$newbin" --project "$p" network add --slug "$slug" --name "$name" --workplace "$wp" > /dev/null
  done < "$work/data/networks.tsv"
  for f in network member; do "$newbin" --project "$p" instrument add "instruments/$f.xlsx" > /dev/null; done
  "$newbin" --project "$p" import responses --instrument leernet_network --wave 2026 --network-column network "$work/data/network.csv"
  "$newbin" --project "$p" import responses --instrument leernet_member --wave 2026 --network-column network "$work/data/member.csv"
  "$newbin" --project "$p" user add --email bench@example.org --role researcher < "$work/pw" > /dev/null
  echo "project made in $(python3 -c "import sys; print(round($(date +%s.%N) - $started, 1))") s"
fi

if [ "${ANALYSE:-1}" = 1 ]; then
  echo "-- leernet analyse (the figures, in a process of its own)"
  /usr/bin/time -f "analyse: %e s wall, %U s user, %M KB peak" "$newbin" --project "$p" analyse > /dev/null
fi

declare -A bin=([new]="$newbin")
builds="new"
if [ -n "$OLD_BIN" ]; then bin[old]="$OLD_BIN"; builds="old new"; fi
# A copy of the project per build, each with an open wave of the network questionnaire and
# invitations for the savers (the new build's figures are not the old one's data).
for v in $builds; do
  cp -r "$p" "$work/$v"
  python3 - "$work/$v/leernet.sqlite" $((REPEATS * 3000)) > "$work/$v.tokens" <<'PY'
import base64, hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
inst = db.execute("SELECT id FROM instruments WHERE form_id LIKE '%network%' ORDER BY id DESC LIMIT 1").fetchone()[0]
net = db.execute("SELECT id FROM networks ORDER BY id LIMIT 1").fetchone()[0]
wave = db.execute("INSERT INTO waves (instrument_id, name, status) VALUES (?, 'bench-pages', 'open') RETURNING id", (inst,)).fetchone()[0]
for i in range(int(sys.argv[2])):
    tok = base64.b32encode(hashlib.sha256(b"bench-national %d" % i).digest()[:20]).decode().lower()
    db.execute("INSERT INTO invitations (wave_id, network_id, token, person_id, kind, email) VALUES (?, ?, ?, NULL, 'network', NULL)", (wave, net, tok))
    print(tok)
db.commit()
PY
done

serve() { # serve BUILD PORT
  RUST_LOG=leernet_app::figures=debug,leernet_web::figures=debug "${bin[$1]}" --project "$work/$1" serve --addr "127.0.0.1:$2" > "$work/$1.$2.serve.log" 2>&1 &
  server=$!
  for _ in $(seq 300); do
    if python3 -c 'import sys,urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/healthz" % sys.argv[1], timeout=1)' "$2" 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "the $1 server did not start" >&2; exit 1
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

# The project is an installation whose one study is served under /studies/{its folder}/.
study="/studies/$(basename "$p")"
paths="$study/,$study/networks,$study/networks/net-0001/profile"
port=18650
for r in $(seq "$REPEATS"); do
  for v in $builds; do
    port=$((port + 1))
    serve "$v" "$port"
    # The first page waits for the first computation of the figures; later pages must not.
    curl -s -o /dev/null --max-time 1800 -w "$v: first GET / (computes the figures): %{time_total} s\n" "http://127.0.0.1:$port$study/"
    echo "-- repeat $r, $v, pages"
    "$load" --addr "127.0.0.1:$port" --email bench@example.org --password-file "$work/pw" \
      --paths "$paths" --clients "$CLIENTS" --seconds "$SECS" | sed "s/^/$v pages: /"
    echo "-- repeat $r, $v, pages while survey saves change the data"
    sed -n "$(( (r - 1) * 3000 + 1 )),$(( r * 3000 ))p" "$work/$v.tokens" > "$work/$v.tokens.$r"
    "$load" --addr "127.0.0.1:$port" --email bench@example.org --password-file "$work/pw" \
      --paths "$paths" --clients "$CLIENTS" --seconds "$SECS" --tokens "$work/$v.tokens.$r" --savers 2 \
      | sed "s/^/$v saves: /"
    stop
  done
done 2>&1 | tee "$work/out"
for v in $builds; do
  echo "$v: figures computed $(cat "$work/$v".*.serve.log | grep -c 'study figures computed' || true) times; the first two computations of each server:"
  for log in "$work/$v".*.serve.log; do
    grep 'study figures computed' "$log" | sed 's/\x1b\[[0-9;]*m//g' | sed 's/^.*study figures computed/  /' | head -n 2
  done
done
echo "== medians of $REPEATS repeats"
python3 - "$work/out" <<'PY'
import re, statistics, sys
rows, first = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"(old|new) (pages|saves): (pages|survey saves) .*?= ([\d.]+)/s; latency p50 ([\d.]+) ms, p99 ([\d.]+) ms", line)
    if m:
        rows.setdefault((m[1], m[2], m[3]), []).append(tuple(float(x) for x in m.groups()[3:]))
    m = re.match(r"(old|new): first GET / \(computes the figures\): ([\d.]+) s", line)
    if m:
        first.setdefault(m[1], []).append(float(m[2]))
for v, xs in sorted(first.items()):
    print(f"{v:3} first GET /: median {statistics.median(xs):.2f} s of {', '.join(f'{x:.2f}' for x in xs)}")
for (v, run, what), xs in sorted(rows.items()):
    med = [statistics.median(x[i] for x in xs) for i in range(3)]
    label = {"pages": "pages, no writes", "saves": "while saving"}[run]
    print(f"{v:3} {label:17} {what:12}: {med[0]:8.1f}/s  p50 {med[1]:7.1f} ms  p99 {med[2]:7.1f} ms  (n = {len(xs)})")
PY
