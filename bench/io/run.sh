#!/usr/bin/env bash
# Import speed: 1,000,000 rows x 60 columns into SQLite with `leernet import responses`,
# next to pandas.read_csv on the same file. One run each; the ratio is what counts.
#
# usage: bash bench/io/run.sh [ROWS]        (from the repository root)
set -euo pipefail
ROWS=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${BENCH_DIR:-/tmp/leernet-bench-io}
PY=$(bash "$ROOT/tools/pyenv.sh" | tail -1)
cargo build --release -p leernet --manifest-path "$ROOT/Cargo.toml" >&2
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/leernet

rm -rf "$WORK" && mkdir -p "$WORK"
"$PY" "$ROOT/bench/io/make_data.py" "$WORK/data" "$ROWS"
ls -l "$WORK/data/responses.csv" >&2
"$BIN" demo --dir "$WORK/project" > /dev/null
"$BIN" --project "$WORK/project" instrument add "$WORK/data/bench60.xlsx" > /dev/null

sync
/usr/bin/time -f "leernet import: %e s wall, %M KB max RSS" \
  "$BIN" --project "$WORK/project" import responses "$WORK/data/responses.csv" \
  --instrument bench60 --network havenmond-wijkkracht --wave bench
/usr/bin/time -f "pandas.read_csv: %e s wall, %M KB max RSS" \
  "$PY" -c "import pandas, sys; df = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False); print(len(df), 'rows read by pandas')" \
  "$WORK/data/responses.csv"
