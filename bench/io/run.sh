#!/usr/bin/env bash
# Import speed: 1,000,000 rows x 60 columns into SQLite with `leernet import responses`,
# next to pandas.read_csv on the same file, in one run of this script: each is timed
# RUNS times (3 unless set) and the medians are compared.
#
# usage: bash bench/io/run.sh [ROWS]        (from the repository root)
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${BENCH_DIR:-/tmp/leernet-bench-io}
PY=$(bash "$ROOT/tools/pyenv.sh" | tail -1)
cargo build --release -p leernet --manifest-path "$ROOT/Cargo.toml" >&2
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/leernet

rm -rf "$WORK" && mkdir -p "$WORK"
"$PY" "$ROOT/bench/io/make_data.py" "$WORK/data" "$ROWS"
ls -l "$WORK/data/responses.csv" >&2
"$BIN" demo --dir "$WORK/fresh" > /dev/null
"$BIN" --project "$WORK/fresh" instrument add "$WORK/data/bench60.xlsx" > /dev/null

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

leernet_s=()
pandas_s=()
for i in $(seq "$RUNS"); do
  # every import into the same fresh project (the demo study and the form, no responses)
  rm -rf "$WORK/project" && cp -a "$WORK/fresh" "$WORK/project"
  sync
  /usr/bin/time -o "$WORK/time" -f "%e %U %S %M" \
    "$BIN" --project "$WORK/project" import responses "$WORK/data/responses.csv" \
    --instrument bench60 --network havenmond-wijkkracht --wave bench >&2
  read -r wall user sys rss < "$WORK/time"
  echo "leernet import, run $i: ${wall} s wall, ${user} s user, ${sys} s sys, ${rss} KB max RSS" >&2
  leernet_s+=("$wall")

  # the import's database writes reach the disk before pandas is timed
  sync
  /usr/bin/time -o "$WORK/time" -f "%e %U %S %M" \
    "$PY" -c "import pandas, sys; df = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False); assert len(df) == int(sys.argv[2])" \
    "$WORK/data/responses.csv" "$ROWS"
  read -r wall user sys rss < "$WORK/time"
  echo "pandas.read_csv, run $i: ${wall} s wall, ${user} s user, ${sys} s sys, ${rss} KB max RSS" >&2
  pandas_s+=("$wall")
done

l=$(median "${leernet_s[@]}")
p=$(median "${pandas_s[@]}")
echo "leernet import: ${leernet_s[*]} s -> median $l s = $(awk -v r="$ROWS" -v t="$l" 'BEGIN {printf "%.0f", r / t}') rows/s"
echo "pandas.read_csv: ${pandas_s[*]} s -> median $p s = $(awk -v r="$ROWS" -v t="$p" 'BEGIN {printf "%.0f", r / t}') rows/s"
echo "ratio leernet / pandas (medians): $(awk -v a="$l" -v b="$p" 'BEGIN {printf "%.2f", a / b}')"
