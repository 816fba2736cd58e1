#!/usr/bin/env bash
# The national-scale study pipeline end to end: leernet vs pandas + gower + scipy +
# scikit-learn, on the same generated data (2,000 networks, 40,000 members, 80
# variables; seed 2026), in one run.
#
# Usage: bench/national/run.sh [RUST_REPEATS] [PYTHON_REPEATS]   (defaults 5 and 3)
# Each repeat is a fresh process under /usr/bin/time -v (wall time, CPU time, peak RSS).
# Prints every run, the medians and the ratios python / leernet, and the load average
# before and after.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rr=${1:-5}
pr=${2:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
cargo build --release -q -p leernet-stats --example bench_national --manifest-path "$root/Cargo.toml"
bin="$CARGO_TARGET_DIR/release/examples/bench_national"
py=$("$root/tools/pyenv.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" "$root/bench/national/make_data.py" "$tmp/members.csv" 2000 40000 2026
echo "load before: $(cat /proc/loadavg)"
run() { # side, command...
  local side=$1; shift
  /usr/bin/time -v -o "$tmp/time.txt" "$@" > "$tmp/out.json"
  local wall rss cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tmp/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$tmp/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
  echo "RUN $side wall_s=$wall cpu_s=$cpu peak_kb=$rss load=$(cut -d' ' -f1 /proc/loadavg) $(cat "$tmp/out.json")"
}
for _ in $(seq "$rr"); do run leernet "$bin" "$tmp/members.csv"; done | tee "$tmp/runs.txt"
for _ in $(seq "$pr"); do run python "$py" "$root/bench/national/pipeline.py" "$tmp/members.csv"; done | tee -a "$tmp/runs.txt"
echo "load after: $(cat /proc/loadavg)"
python3 - "$tmp/runs.txt" <<'PY'
import json, re, statistics, sys
runs = {"leernet": [], "python": []}
for line in open(sys.argv[1]):
    m = re.match(r"RUN (\w+) wall_s=(\S+) cpu_s=(\S+) peak_kb=(\d+) load=\S+ (.*)", line)
    if m:
        runs[m[1]].append((float(m[2]), float(m[3]), int(m[4]), json.loads(m[5])))
med = {s: [statistics.median(r[i] for r in v) for i in range(3)] for s, v in runs.items()}
for s, (w, c, k) in med.items():
    print(f"MEDIAN {s}: wall {w:.3f} s, cpu {c:.2f} s, peak {k / 1024:.0f} MB ({len(runs[s])} runs)")
(lw, lc, lk), (pw, pc, pk) = med["leernet"], med["python"]
print(f"RATIO wall: python/leernet = {pw / lw:.1f}x; cpu: {pc / lc:.1f}x; peak memory leernet/python = {lk / pk:.2f}")
a, b = runs["leernet"][0][3], runs["python"][0][3]
same = a["sizes"] == b["sizes"] and abs(a["silhouette"] - b["silhouette"]) < 1e-6 \
    and abs(a["chi2_sum"] - b["chi2_sum"]) < 1e-6 * b["chi2_sum"] and a["low_expected_tables"] == b["low_expected_tables"]
print(f"SAME RESULT: {same} (type sizes {a['sizes']} vs {b['sizes']}, silhouette {a['silhouette']:.8f} vs {b['silhouette']:.8f} (gower returns float32), chi-square sum {a['chi2_sum']:.6f} vs {b['chi2_sum']:.6f})")
PY
