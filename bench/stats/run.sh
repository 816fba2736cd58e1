#!/usr/bin/env bash
# Gower + average linkage + cut + silhouette: leernet vs the Python stack, same data.
#
# Usage: bench/stats/run.sh [N] [RUST_REPEATS] [PYTHON_REPEATS]
#   defaults: N=5000, 5 Rust repeats, 1 Python repeat (the Python pipeline takes about
#   a minute at N=5000). PYTHON_REPEATS=0 skips Python (e.g. for N=20000).
# Prints the medians of each side and the ratios python/leernet.
# LEERNET_BENCH_PATH=exact (default) | compact | f32 | square | auto picks leernet's path (see
# crates/leernet-stats/examples/bench_typology.rs).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-5000}
rr=${2:-5}
pr=${3:-1}
# The target folder cargo uses here (its configuration may put it outside the checkout).
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --release -q -p leernet-stats --example bench_typology --manifest-path "$root/Cargo.toml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin="$target/release/examples/bench_typology"
"$bin" "$n" "$rr" "$tmp/data.csv" | tee "$tmp/rust.txt"
if [ "$pr" -gt 0 ]; then
  py=$("$root/tools/pyenv.sh")
  "$py" "$root/bench/stats/bench_typology.py" "$tmp/data.csv" "$pr" | tee "$tmp/py.txt"
  python3 - "$tmp/rust.txt" "$tmp/py.txt" <<'PY'
import re, sys
def med(path):
    line = [l for l in open(path) if l.startswith("MEDIAN")][-1]
    return {k: float(v) for k, v in re.findall(r"(\w[\w+]*)=([0-9.]+)s", line)}
r, p = med(sys.argv[1]), med(sys.argv[2])
for k in ("gower", "linkage+cut", "silhouette", "total"):
    print(f"RATIO {k}: python {p[k]:.3f}s / leernet {r[k]:.3f}s = {p[k] / r[k]:.1f}x")
PY
fi
