#!/usr/bin/env bash
# The fieldwork load benchmark on both back ends: survey page saves and submissions per second
# with p50/p99 latency, against the app on 127.0.0.1 (see
# crates/leernet-web/examples/fieldwork_load.rs for what is measured and how).
#
#   bench/fieldwork/run.sh [INVITATIONS] [CONNECTIONS]
#
# PostgreSQL is used when LEERNET_TEST_DATABASE_URL names a server where the user may create
# databases (a fresh one is made and dropped), e.g.
#   LEERNET_TEST_DATABASE_URL=postgres://leernet:leernet@127.0.0.1:5432/leernet
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-2000}
c=${2:-32}
cargo build --release -q -p leernet-web --example fieldwork_load
bin=${CARGO_TARGET_DIR:-target}/release/examples/fieldwork_load
echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" --backend sqlite --invitations "$n" --connections "$c"
if [ -n "${LEERNET_TEST_DATABASE_URL:-}" ]; then
  "$bin" --backend postgres --invitations "$n" --connections "$c"
else
  echo "LEERNET_TEST_DATABASE_URL is not set: PostgreSQL skipped"
fi
