#!/usr/bin/env bash
# Times `portal serve` rebuilding after one file's text changes, in a site of
# PAGES pages (default 10000) with COMMITS commits of history (default 2000).
# Usage: bench/incremental.sh [PAGES] [COMMITS]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
commits=${2:-2000}
bench=build/bench/serve_bench
[ -x "$bench" ] || { echo "build first: cmake --build build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=("$pages" "$work/site")
((commits > 0)) && args+=(--commits "$commits")
python3 bench/gen_corpus.py "${args[@]}"
file=$(cd "$work/site" && find content/meetings -name 'b2-paper.md' | sort | sed -n 2p)
echo "pages=$pages commits=$commits file=$file"
"$bench" "$work/site" "$file"
