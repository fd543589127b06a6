#!/usr/bin/env bash
# The Slurm test: brings up a one-host Slurm cluster (scripts/slurm-local-cluster: munged,
# slurmctld and slurmd on localhost, as root), submits the 16-point sweep tests/slurm/sweep16.yaml
# with `moesim sweep submit --slurm` in array tasks of 3 points, 2 at once, waits for it, and
# checks that every point ran once and that results.csv equals a local `moesim sweep run` of
# the same sweep byte for byte. It stops the daemons it started (by their pid files) and
# removes the folder it made. Exit 77 (ctest: skipped) with a message where Slurm or munge is
# not installed or this is not root.
#   tests/slurm/sweep_submit_test.sh MOESIM_BINARY SOURCE_DIR
set -euo pipefail
moesim=$1
source_dir=$2

for tool in munged mungekey slurmctld slurmd sbatch squeue; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool not found; the Slurm test needs Debian's slurm-wlm and munge" \
      "(.ci/run installs them)"
    exit 77
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: the one-host Slurm cluster runs its daemons as root (SlurmUser=root)"
  exit 77
fi

work=$(mktemp -d /tmp/moesim-slurm-test.XXXXXX)
cluster=$work/cluster
finish() {
  "$source_dir/scripts/slurm-local-cluster" stop "$cluster" 2>/dev/null || true
  rm -rf "$work"
}
trap finish EXIT

fail() {
  echo "FAILED: $*" >&2
  for log in "$cluster"/log/*.log "$work"/slurm-sweep/slurm/*.out; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

exports=$("$source_dir/scripts/slurm-local-cluster" start "$cluster") || fail "cluster start"
eval "$exports"
[ "${SLURM_CONF:-}" = "$cluster/slurm.conf" ] || fail "the cluster did not print its SLURM_CONF"
scenario=$source_dir/tests/slurm/sweep16.yaml
"$moesim" sweep submit "$scenario" --out "$work/slurm-sweep" --slurm --chunk 3 --max-running 2 ||
  fail "sweep submit"
job=$(cut -d' ' -f1 "$work/slurm-sweep/slurm/jobs")

# Up to 5 minutes for the 6 array tasks to leave the queue.
for _ in $(seq 1500); do
  [ -z "$(squeue -h -j "$job" -t pending,running,configuring,completing 2>/dev/null)" ] && break
  sleep 0.2
done
states=$(squeue -h -t all -j "$job" -o "%T" | sort | uniq -c | tr -s ' ')
echo "slurm job $job:$states"
[ "$(echo "$states" | xargs)" = "6 COMPLETED" ] || fail "array tasks not all COMPLETED: $states"
"$moesim" sweep status "$work/slurm-sweep"
"$moesim" sweep status "$work/slurm-sweep" | grep -q "16 points, 16 done" ||
  fail "sweep status does not report 16 points done"

# Every point computed exactly once across the tasks.
[ "$(wc -l <"$work/slurm-sweep/runs.log")" -eq 16 ] || fail "runs.log does not have 16 lines"
[ "$(sort -u "$work/slurm-sweep/runs.log" | wc -l)" -eq 16 ] || fail "a point ran twice"

"$moesim" sweep collect "$work/slurm-sweep" >/dev/null
"$moesim" sweep run "$scenario" --out "$work/local-sweep" -j 2 2>/dev/null || fail "local sweep run"
"$moesim" sweep collect "$work/local-sweep" >/dev/null
cmp "$work/slurm-sweep/results.csv" "$work/local-sweep/results.csv" ||
  fail "results.csv of the Slurm sweep differs from the local run"
[ "$(wc -l <"$work/slurm-sweep/results.csv")" -eq 17 ] || fail "results.csv does not have 16 rows"

# The daemons stop by their pid files, which stop removes.
pids=$(cat "$cluster/slurmctld.pid" "$cluster/slurmd.pid" "$cluster/munge/munged.pid")
"$source_dir/scripts/slurm-local-cluster" stop "$cluster"
for pid in $pids; do
  ! kill -0 "$pid" 2>/dev/null || fail "daemon $pid still runs after stop"
done
echo "PASSED: 16 points in 6 Slurm array tasks; results.csv equals the local run"
