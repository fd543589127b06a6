#!/usr/bin/env bash
# Instruction-count check of the serving validation replay (scripts/bench --check): runs it
# under callgrind, whose counts do not depend on the machine's load, and fails when the total
# grows more than 10% over bench/baseline.json. With --record, writes the new count there
# instead (a change to the baseline is reviewed like a golden output).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/setup.sh"
record=0
[ "${1:-}" = "--record" ] && record=1

MOESIM_PACKAGES+=(valgrind)
moesim_install_missing_packages
moesim_build "$MOESIM_ROOT/build" Release moesim
work="$MOESIM_ROOT/build/bench-check"
mkdir -p "$work"
baseline="$MOESIM_ROOT/bench/baseline.json"
scenario="scenarios/validation/vllm_qwen3_30b_a3b_dp2ep2.yaml"
cd "$MOESIM_ROOT"
rm -f "$work/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  build/cli/moesim run "$scenario" --out "$work/out" --no-trace --quiet >"$work/valgrind.log" 2>&1 \
  || { cat "$work/valgrind.log" >&2; echo "bench: the replay failed under callgrind" >&2; exit 1; }
count=$(awk '/^totals:/ { print $2 }' "$work/callgrind.out")
[ -n "$count" ] || { echo "bench: no instruction total in $work/callgrind.out" >&2; exit 1; }

if [ "$record" -eq 1 ]; then
  cat >"$baseline" <<JSON
{
  "validation_replay": {
    "command": "valgrind --tool=callgrind moesim run $scenario --no-trace --quiet",
    "instructions": $count
  }
}
JSON
  echo "bench: recorded $count instructions in bench/baseline.json"
  exit 0
fi
base=$(sed -n 's/.*"instructions": *\([0-9]*\).*/\1/p' "$baseline")
[ -n "$base" ] || { echo "bench: no instruction count in $baseline" >&2; exit 1; }
awk -v count="$count" -v base="$base" 'BEGIN {
  change = 100 * (count / base - 1)
  printf "validation replay: %.0f instructions, baseline %.0f (%+.1f%%; fails above +10%%)\n",
         count, base, change
  exit change > 10 ? 1 : 0
}' || { echo "bench: instructions grew more than 10% over bench/baseline.json" >&2; exit 1; }
