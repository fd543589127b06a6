#!/usr/bin/env bash
# Macro benchmarks of whole serving runs (scripts/bench --macro): the 300-request validation
# replay, DeepSeek-V3 on 1,024 H100 GPUs with 10,000 requests, the same at 64 to 512 GPUs and at
# 1,000 and 3,000 requests. Prints one table (wall from the shell, the rest from moesim's
# "run statistics" line: peak RSS from getrusage, iterations, simulated events, routed
# token-expert pairs per second) and the exponents of wall time against GPUs and requests,
# fitted by least squares on logarithms.
#   scripts/bench --macro            every case
#   scripts/bench --macro --quick    the validation replay and the 64-GPU, 1,000-request case
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/setup.sh"
quick=0
[ "${1:-}" = "--quick" ] && quick=1

moesim_install_missing_packages
moesim_build "$MOESIM_ROOT/build" Release moesim
bin="$MOESIM_ROOT/build/cli/moesim"
work="$MOESIM_ROOT/build/bench-macro"
mkdir -p "$work"
scale="$MOESIM_ROOT/scenarios/scale/deepseek_v3_1024_h100.yaml"
requests="$MOESIM_ROOT/scenarios/scale/workloads/fixed-1000-200-10k.csv"
for n in 1000 3000; do head -n $((n + 1)) "$requests" >"$work/requests-$n.csv"; done
cp "$requests" "$work/requests-10000.csv"

table="$work/table.tsv"
: >"$table"
# run_case NAME GPUS REQUESTS SCENARIO [--set ...]
run_case() {
  local name="$1" gpus="$2" reqs="$3" scenario="$4"
  shift 4
  local log="$work/$name.log" start end
  start=$(date +%s.%N)
  "$bin" run "$scenario" --out "$work/out-$name" --no-trace "$@" >"$log" 2>&1 \
    || { cat "$log" >&2; echo "bench: $name failed" >&2; exit 1; }
  end=$(date +%s.%N)
  local stats
  stats=$(grep '^run statistics:' "$log") || { echo "bench: $name printed no statistics" >&2; exit 1; }
  # run statistics: I iterations, E events, P routed token-expert pairs (R/s wall), peak RSS M MB
  echo "$stats" | awk -v name="$name" -v gpus="$gpus" -v reqs="$reqs" -v start="$start" -v end="$end" '
    { gsub(/[(),]/, " "); iterations = $3; events = $5; pairs = $7; rss = $(NF - 1)
      printf "%s\t%d\t%d\t%.2f\t%d\t%d\t%d\t%s\t%.3g\n", name, gpus, reqs, end - start, rss,
             iterations, events, pairs, pairs / (end - start) }' >>"$table"
}

nodes_for() { echo $(($1 / 8)); }
scale_case() {  # scale_case GPUS REQUESTS
  run_case "dsv3-$1gpu-$2req" "$1" "$2" "$scale" --set "serving.data_parallel=$1" \
    --set "hardware.nodes=$(nodes_for "$1")" --set "workload.requests=$work/requests-$2.csv"
}

run_case validation-replay 2 300 "$MOESIM_ROOT/scenarios/validation/vllm_qwen3_30b_a3b_dp2ep2.yaml"
if [ "$quick" -eq 1 ]; then
  scale_case 64 1000
else
  for gpus in 64 128 256 512 1024; do scale_case "$gpus" 10000; done
  for reqs in 1000 3000; do scale_case 1024 "$reqs"; done
fi

printf '%-24s %6s %8s %9s %9s %10s %9s %14s %14s\n' case GPUs requests "wall s" "RSS MB" \
  iterations events "routed pairs" "pairs/s wall"
awk -F'\t' '{ printf "%-24s %6d %8d %9.2f %9d %10d %9d %14s %14s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$table"
# Exponents: slope of log(wall) against log(GPUs) at 10,000 requests, and against
# log(requests) at 1,024 GPUs.
awk -F'\t' '
  function fit(n, xs, ys,   i, mx, my, sxx, sxy) {
    for (i = 1; i <= n; i++) { mx += xs[i] / n; my += ys[i] / n }
    for (i = 1; i <= n; i++) { sxx += (xs[i] - mx) ^ 2; sxy += (xs[i] - mx) * (ys[i] - my) }
    return sxy / sxx
  }
  $1 ~ /^dsv3-/ && $3 == 10000 { g++; gx[g] = log($2); gy[g] = log($4) }
  $1 ~ /^dsv3-/ && $2 == 1024 { r++; rx[r] = log($3); ry[r] = log($4) }
  END {
    if (g >= 2) printf "wall ~ GPUs^%.2f at 10,000 requests (%d points)\n", fit(g, gx, gy), g
    if (r >= 2) printf "wall ~ requests^%.2f at 1,024 GPUs (%d points)\n", fit(r, rx, ry), r
  }' "$table"
