#!/usr/bin/env bash
# The page benchmark: GET /, /networks and a network's profile with 8 concurrent clients on
# the demo study, before (the commit named by OLD_REV, built in a worktree of its own) and
# after (this checkout), in the same run, alternating, REPEATS times; then the same pages
# while survey saves change the data all the time (so the figures are being recomputed),
# with the saves' latency. The load client is crates/leernet-web/examples/pages_load.rs.
#
#   bench/pages/run.sh            # OLD_REV=0493f86 REPEATS=3 SECONDS_PER_RUN=10 CLIENTS=8
#   OLD_BIN=/path/to/old/leernet OLD_REV=abc1234 bench/pages/run.sh   # an old build made already
#
# Builds release binaries: the old one in /tmp/leernet-bench-old with
# CARGO_TARGET_DIR=/var/tmp/leernet-bench-old-target, the new one with this shell's
# CARGO_TARGET_DIR. Serves on 127.0.0.1 only; everything it makes goes to a temporary folder
# under /var/tmp that it removes at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
OLD_REV=${OLD_REV:-0493f86}
REPEATS=${REPEATS:-3}
SECS=${SECONDS_PER_RUN:-10}
CLIENTS=${CLIENTS:-8}
old_src=${OLD_SRC:-/tmp/leernet-bench-old}
old_target=${OLD_TARGET:-/var/tmp/leernet-bench-old-target}

OLD_BIN=${OLD_BIN:-}
if [ -z "$OLD_BIN" ]; then
  if [ ! -d "$old_src" ]; then git worktree add --detach "$old_src" "$OLD_REV"; fi
  (cd "$old_src" && CARGO_TARGET_DIR="$old_target" cargo build --release -q -p leernet)
  OLD_BIN="$old_target/release/leernet"
fi
target=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# NEW_BIN and LOAD_BIN: this checkout's release builds of leernet and pages_load, made
# already (e.g. elsewhere from the same commit); otherwise built here.
if [ -z "${NEW_BIN:-}" ]; then
  cargo build --release -q -p leernet
  cargo build --release -q -p leernet-web --example pages_load
fi
declare -A bin=([old]="$OLD_BIN" [new]="${NEW_BIN:-$target/release/leernet}")
load=${LOAD_BIN:-$target/release/examples/pages_load}

work=$(mktemp -d /var/tmp/leernet-pages.XXXXXX)
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
printf 'een lang genoeg wachtwoord voor de bench\n' > "$work/pw"

# A demo project per build (the new build adds a table the old one would refuse), with a
# researcher who can log in and an open wave of the network questionnaire with invitations.
for v in old new; do
  "${bin[$v]}" demo --dir "$work/$v" > /dev/null
  "${bin[$v]}" --project "$work/$v" user add --email bench@example.org --role researcher < "$work/pw" > /dev/null
  python3 - "$work/$v/leernet.sqlite" $((REPEATS * 3000)) > "$work/$v/tokens" <<'PY'
import base64, hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
inst = db.execute("SELECT id FROM instruments WHERE form_id LIKE '%network%' ORDER BY id DESC LIMIT 1").fetchone()[0]
net = db.execute("SELECT id FROM networks ORDER BY id LIMIT 1").fetchone()[0]
wave = db.execute("INSERT INTO waves (instrument_id, name, status) VALUES (?, 'bench-pages', 'open') RETURNING id", (inst,)).fetchone()[0]
for i in range(int(sys.argv[2])):
    tok = base64.b32encode(hashlib.sha256(b"bench-pages %d" % i).digest()[:20]).decode().lower()
    db.execute("INSERT INTO invitations (wave_id, network_id, token, person_id, kind, email) VALUES (?, ?, ?, NULL, 'network', NULL)", (wave, net, tok))
    print(tok)
db.commit()
PY
done
slug=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT slug FROM networks ORDER BY id LIMIT 1").fetchone()[0])' "$work/new/leernet.sqlite")
paths="/,/networks,/networks/$slug/profile"

serve() { # serve VERSION PORT
  # (the new build logs each computation of the figures at debug; counted below)
  RUST_LOG=leernet_app::figures=debug,leernet_web::figures=debug "${bin[$1]}" --project "$work/$1" serve --addr "127.0.0.1:$2" > "$work/$1.serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    if python3 -c 'import sys,urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/healthz" % sys.argv[1], timeout=1)' "$2" 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "the $1 server did not start" >&2; exit 1
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); old = $OLD_REV, new = $(git rev-parse --short HEAD)"
echo "paths: $paths; $CLIENTS clients, $SECS s per run"
port=18600
for r in $(seq "$REPEATS"); do
  for v in old new; do
    port=$((port + 1))
    serve "$v" "$port"
    echo "-- repeat $r, $v, pages"
    "$load" --addr "127.0.0.1:$port" --email bench@example.org --password-file "$work/pw" \
      --paths "$paths" --clients "$CLIENTS" --seconds "$SECS" | sed "s/^/$v pages: /"
    echo "-- repeat $r, $v, pages while survey saves change the data"
    sed -n "$(( (r - 1) * 3000 + 1 )),$(( r * 3000 ))p" "$work/$v/tokens" > "$work/$v/tokens.$r"
    "$load" --addr "127.0.0.1:$port" --email bench@example.org --password-file "$work/pw" \
      --paths "$paths" --clients "$CLIENTS" --seconds "$SECS" --tokens "$work/$v/tokens.$r" --savers 2 \
      | sed "s/^/$v saves: /"
    stop
    echo "$v: figures computed $(grep -c 'study figures computed' "$work/$v.serve.log" || true) times in this server's life"
  done
done 2>&1 | tee "$work/out"

echo "== medians of $REPEATS repeats"
python3 - "$work/out" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(old|new) (pages|saves): (pages|survey saves) .*?= ([\d.]+)/s; latency p50 ([\d.]+) ms, p99 ([\d.]+) ms", line)
    if m:
        rows.setdefault((m[1], m[2], m[3]), []).append(tuple(float(x) for x in m.groups()[3:]))
for (v, run, what), xs in sorted(rows.items()):
    med = [statistics.median(x[i] for x in xs) for i in range(3)]
    label = {"pages": "pages, no writes", "saves": "while saving"}[run]
    print(f"{v:3} {label:17} {what:12}: {med[0]:8.1f}/s  p50 {med[1]:7.1f} ms  p99 {med[2]:7.1f} ms  (n = {len(xs)})")
PY
