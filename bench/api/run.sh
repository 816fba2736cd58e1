#!/usr/bin/env bash
# The JSON API against the CSV export (issue 22): every response of a wave of 40,000
# members pulled through the API's pages (bench/api/pull.py: a client that follows the
# cursors and parses every page, as an R or Python script does) against `leernet export
# --format csv` of the same questionnaire, measured in the same run, alternating.
#
#   bench/api/run.sh          # NETWORKS=200 MEMBERS=40000 REPEATS=3 LIMIT=1000 [BIN=path]
#
# The data is bench/pages/national_data.py's (rows of the demo study, seeded), made into a
# project through the command line. Builds this checkout's release binary with this shell's
# CARGO_TARGET_DIR; serves on 127.0.0.1 only; everything it makes goes to a temporary
# folder under /var/tmp that it removes at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
NETWORKS=${NETWORKS:-200}
MEMBERS=${MEMBERS:-40000}
REPEATS=${REPEATS:-3}
LIMIT=${LIMIT:-1000}
PORT=${PORT:-18661}

if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p leernet
  target=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  bin="$target/release/leernet"
else
  bin="$BIN"   # a binary built elsewhere (BIN=…/leernet); the figures say which
fi

work=$(mktemp -d /var/tmp/leernet-api-bench.XXXXXX)
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
printf 'een lang genoeg wachtwoord voor de bench\n' > "$work/pw"

echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); build $(git rev-parse --short HEAD), $bin"
python3 bench/pages/national_data.py "$work/data" "$NETWORKS" "$MEMBERS"
p="$work/project"
"$bin" init "$p" > /dev/null
while IFS=$'\t' read -r slug name region; do
  "$bin" --project "$p" workplace add --slug "$slug" --name "$name" --region "$region" > /dev/null
done < "$work/data/workplaces.tsv"
while IFS=$'\t' read -r slug name wp; do
  "$bin" --project "$p" network add --slug "$slug" --name "$name" --workplace "$wp" > /dev/null
done < "$work/data/networks.tsv"
"$bin" --project "$p" instrument add instruments/member.xlsx > /dev/null
"$bin" --project "$p" import responses --instrument leernet_member --wave 2026 --network-column network "$work/data/member.csv" > /dev/null
"$bin" --project "$p" user add --email bench@example.org --role researcher < "$work/pw" > /dev/null
token=$("$bin" --project "$p" token create --email bench@example.org --name bench --scope read | tail -n 1)

"$bin" --project "$p" serve --addr "127.0.0.1:$PORT" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.1
done
# One pull first, so both sides start with the database in the page cache.
python3 bench/api/pull.py "127.0.0.1:$PORT" "$token" "$LIMIT" > /dev/null
for r in $(seq "$REPEATS"); do
  echo "-- repeat $r"
  s=$(date +%s.%N)
  "$bin" --project "$p" export --format csv --out "$work/members.csv" --instrument leernet_member > /dev/null
  echo "export: $(python3 -c "print(f'{$(date +%s.%N) - $s:.3f}')") s, $(($(wc -l < "$work/members.csv") - 1)) rows"
  python3 bench/api/pull.py "127.0.0.1:$PORT" "$token" "$LIMIT"
done 2>&1 | tee "$work/out"
echo "== medians of $REPEATS repeats"
python3 - "$work/out" <<'PY'
import re, statistics, sys
ex, api = [], []
for line in open(sys.argv[1]):
    if m := re.match(r"export: ([\d.]+) s", line):
        ex.append(float(m.group(1)))
    if m := re.match(r"api: .*: ([\d.]+) s", line):
        api.append(float(m.group(1)))
e, a = statistics.median(ex), statistics.median(api)
print(f"export (csv): {e:.3f} s   api pages: {a:.3f} s   api / export = {a / e:.2f}")
PY
