#!/usr/bin/env bash
# Two studies on one installation: one study's survey saves and submissions, alone and while
# the other study imports R rows in one transaction (see
# crates/leernet-web/examples/studies_isolation.rs for what is measured and how).
#
#   bench/studies/run.sh [ROWS] [INVITATIONS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
n=${2:-2000}
c=${3:-32}
cargo build --release -q -p leernet-web --example studies_isolation
bin=${CARGO_TARGET_DIR:-target}/release/examples/studies_isolation
echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" --rows "$rows" --invitations "$n" --connections "$c"
