#!/usr/bin/env bash
# Runs the test suite RUNS times in a row while two other builds load the
# machine: two loops, each building the 10,000-page benchmark corpus again and
# again on every core, for as long as the suite runs. Stops at the first run
# that fails, and says which. Tests that wait for events, not for time, pass
# here as on an idle machine.
#
# Usage: bench/under-load.sh RUNS [CTEST ARGUMENTS…]
#   e.g. bench/under-load.sh 20                  the whole suite, 20 times
#        bench/under-load.sh 20 -E accessibility   all but the browser's page checks
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?runs}
shift
portal=$(realpath build/portal)
[ -x "$portal" ] || { echo "build first: cmake --build build" >&2; exit 2; }
work=$(mktemp -d -p "$PWD/bench" load.XXXXXX)
loaders=()
cleanup() {
  # Each loop first, so that it starts no other build, then the build it runs.
  for p in "${loaders[@]}"; do
    kill "$p" 2> /dev/null || true
    pkill -P "$p" 2> /dev/null || true
  done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
python3 bench/gen_corpus.py 10000 "$work/corpus" > /dev/null
for n in 1 2; do
  (while :; do "$portal" build --source "$work/corpus" --output "$work/out$n" --quiet || exit 1; done) > "$work/load$n.log" 2>&1 &
  loaders+=($!)
done
start=$(date +%s)
for i in $(seq "$runs"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  if ! ctest --test-dir build --output-on-failure "$@" > "$work/run.log" 2>&1; then
    cat "$work/run.log"
    echo "run $i of $runs failed (load average $load)" >&2
    exit 1
  fi
  for n in 1 2; do
    kill -0 "${loaders[$((n - 1))]}" 2> /dev/null || { cat "$work/load$n.log"; echo "build $n of the load stopped" >&2; exit 1; }
  done
  echo "run $i of $runs passed: $(grep -o '[0-9]* tests passed.*' "$work/run.log" | head -1), load average $load, $(( $(date +%s) - start )) s so far"
done
echo "all $runs runs passed while two builds loaded the machine"
