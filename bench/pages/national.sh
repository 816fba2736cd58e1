#!/usr/bin/env bash
# The page benchmark at national scale: a leernet project of 2,000 networks (153
# Werkplaatsen) and 40,000 member responses plus 2,000 network questionnaires, made through
# the command line as a researcher would (init, workplace add, network add, instrument add,
# import responses), then served: the time of the first computation of the study's figures,
# and GET /, /networks and a network's profile with 8 concurrent clients once they are cached.
#
#   bench/pages/national.sh          # NETWORKS=2000 MEMBERS=40000 REPEATS=3 SECONDS_PER_RUN=10 CLIENTS=8
#
# Builds this checkout's release binary and the load client
# (crates/leernet-web/examples/pages_load.rs) with this shell's CARGO_TARGET_DIR. Serves on
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

cargo build --release -q -p leernet
cargo build --release -q -p leernet-web --example pages_load
target=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target/release/leernet"
load="$target/release/examples/pages_load"

work=$(mktemp -d /var/tmp/leernet-national-pages.XXXXXX)
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
printf 'een lang genoeg wachtwoord voor de bench\n' > "$work/pw"

echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); build $(git rev-parse --short HEAD)"
python3 bench/pages/national_data.py "$work/data" "$NETWORKS" "$MEMBERS"
p="$work/project"
started=$(date +%s.%N)
"$bin" init "$p" > /dev/null
while IFS=$'\t' read -r slug name region; do
  "$bin" --project "$p" workplace add --slug "$slug" --name "$name" --region "$region" > /dev/null
done < "$work/data/workplaces.tsv"
while IFS=$'\t' read -r slug name wp; do
  "$bin" --project "$p" network add --slug "$slug" --name "$name" --workplace "$wp" > /dev/null
done < "$work/data/networks.tsv"
for f in network member; do "$bin" --project "$p" instrument add "instruments/$f.xlsx" > /dev/null; done
"$bin" --project "$p" import responses --instrument leernet_network --wave 2026 --network-column network "$work/data/network.csv"
"$bin" --project "$p" import responses --instrument leernet_member --wave 2026 --network-column network "$work/data/member.csv"
"$bin" --project "$p" user add --email bench@example.org --role researcher < "$work/pw" > /dev/null
echo "project made in $(python3 -c "import sys; print(round($(date +%s.%N) - $started, 1))") s"

echo "-- leernet analyse (the figures, in a process of its own)"
/usr/bin/time -f "analyse: %e s wall, %U s user, %M KB peak" "$bin" --project "$p" analyse > /dev/null

RUST_LOG=leernet_web::figures=debug "$bin" --project "$p" serve --addr 127.0.0.1:18650 > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  if python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:18650/healthz", timeout=1)' 2>/dev/null; then break; fi
  sleep 0.1
done
# The first page waits for the first computation of the figures; later pages must not.
curl -s -o /dev/null --max-time 1800 -w "first GET / (computes the figures): %{time_total} s\n" http://127.0.0.1:18650/
paths="/,/networks,/networks/net-0001/profile"
for r in $(seq "$REPEATS"); do
  echo "-- repeat $r"
  "$load" --addr 127.0.0.1:18650 --email bench@example.org --password-file "$work/pw" \
    --paths "$paths" --clients "$CLIENTS" --seconds "$SECS"
done 2>&1 | tee "$work/out"
kill "$server"; wait "$server" 2>/dev/null || true; server=""
grep 'study figures computed' "$work/serve.log" | sed 's/\x1b\[[0-9;]*m//g' | sed 's/^.*study figures computed/figures computed:/'
echo "== medians of $REPEATS repeats"
python3 - "$work/out" <<'PY'
import re, statistics, sys
xs = []
for line in open(sys.argv[1]):
    m = re.match(r"pages .*?= ([\d.]+)/s; latency p50 ([\d.]+) ms, p99 ([\d.]+) ms", line)
    if m:
        xs.append(tuple(float(x) for x in m.groups()))
med = [statistics.median(x[i] for x in xs) for i in range(3)]
print(f"pages: {med[0]:.1f}/s  p50 {med[1]:.1f} ms  p99 {med[2]:.1f} ms  (n = {len(xs)})")
PY
