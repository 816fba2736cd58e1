#!/usr/bin/env bash
# QCA benchmark: necessity, truth table and the three solutions on generated data.
#
# Usage: bench/qca/run.sh [REPEATS]   (default 7; the two stress cases run once)
# Prints, per case, the median and every repeat in milliseconds and what was found.
# QCA_BENCH_TRACE=1 adds truth-table counts and an untimed-phase trace (it slows the run).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
repeats=${1:-7}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
# Ask cargo where the binary is (a wrapper may redirect the target folder).
bin=$(cargo build --release -q -p leernet-stats --example bench_qca \
  --manifest-path "$root/Cargo.toml" --message-format=json |
  grep -o '"executable":"[^"]*bench_qca"' | cut -d'"' -f4)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" "$repeats"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
