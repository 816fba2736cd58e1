#!/usr/bin/env bash
# The scale-out benchmark: survey submissions per second with one and with two `leernet serve`
# instances on one PostgreSQL database, medians of REPEATS alternating runs (see
# crates/leernet/examples/scaleout_load.rs for what is measured and how).
#
#   LEERNET_TEST_DATABASE_URL=postgres://leernet:leernet@127.0.0.1:5432/leernet \
#     bench/scaleout/run.sh [INVITATIONS] [CONNECTIONS] [REPEATS]
#
# The user in LEERNET_TEST_DATABASE_URL must be allowed to create databases (a fresh one is
# made and dropped).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
c=${2:-32}
r=${3:-3}
: "${LEERNET_TEST_DATABASE_URL:?set LEERNET_TEST_DATABASE_URL to a PostgreSQL server (see above)}"
cargo build --release -q -p leernet --bin leernet --example scaleout_load
target=${CARGO_TARGET_DIR:-target}
echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$target/release/examples/scaleout_load" --leernet "$target/release/leernet" \
  --invitations "$n" --connections "$c" --repeats "$r"
echo "== done $(date -u +%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
