#!/usr/bin/env bash
# Measures `portal check` on corpora of growing size, to show checking is
# linear in the size of the content: the time per page should stay flat.
# Usage: bench/check-scaling.sh [SIZES...]   (default: 1000 2000 4000 8000 16000)
set -euo pipefail
cd "$(dirname "$0")/.."
portal=build/portal
[ -x "$portal" ] || { echo "build the portal first (README)" >&2; exit 2; }
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 2000 4000 8000 16000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| pages | Markdown (MB) | check, median of 5 (s) | ms per page |\n|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  python3 bench/gen_corpus.py "$n" "$work/$n"
  pages=$(find "$work/$n/content" -name '*.md' | wc -l)
  mb=$(find "$work/$n/content" -type f -printf "%s\n" | awk "{s+=\$1} END {printf \"%.1f\", s/1e6}")
  times=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    "$portal" check --source "$work/$n" > /dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  printf '| %d | %s | %.3f | %.3f |\n' "$pages" "$mb" "$median" "$(echo "$median * 1000 / $pages" | bc -l)"
  rm -rf "${work:?}/$n"
done
