#!/usr/bin/env bash
# Times the history walk (one walk of the commit graph, each commit diffed
# against its first parent, renames followed) on a repository of FILES content
# files and COMMITS commits, median of 5 runs.
# Usage: bench/history-bench.sh [FILES] [COMMITS]   (default: 10000 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
commits=${2:-2000}
bench=build/bench/history_bench
[ -x "$bench" ] || { echo "build first: cmake --build build" >&2; exit 2; }
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
git -C "$repo" init -q -b main
python3 bench/gen_history.py "$files" "$commits" | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q main
times=()
for _ in 1 2 3 4 5; do
  line=$("$bench" "$repo")
  times+=("${line%% s*}")
  last=$line
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "files=$files commits=$commits: median ${median} s over 5 runs (last run: $last)"
