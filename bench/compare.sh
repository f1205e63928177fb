#!/usr/bin/env bash
# Builds the same corpus with the portal and with Hugo, alternately, and reports
# medians of wall time, CPU time and peak memory, and the ratios portal/Hugo
# measured in the same run; also the CPU time of the cmark-gfm command alone on
# the same Markdown bodies. Hugo builds the corpus twice: with minimal layouts,
# and with layouts that make the pages the portal makes (bench/gen_corpus.py).
#
# Usage: bench/compare.sh PAGES [COMMITS] [RUNS]
#   PAGES    size of the corpus (bench/gen_corpus.py)
#   COMMITS  0 (default): no history; else a git repository of that many
#            commits, and Hugo runs with --enableGitInfo
#   RUNS     runs of each, at least 5 (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:?pages}
commits=${2:-0}
runs=${3:-5}
((runs >= 5)) || { echo "at least 5 runs" >&2; exit 2; }
portal=$(realpath build/portal)
command -v hugo >/dev/null || { echo "install Debian's hugo first: apt-get install hugo" >&2; exit 2; }
work=$(mktemp -d)
# Both tools write their output to memory (/dev/shm) when it exists: the
# benchmark measures the generators, not the disk's state (ext4 slows down
# creating files after many were deleted, as repeated runs do).
out=$(mktemp -d -p "$([ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work" "$out"' EXIT
gen_args=("$pages" "$work/portal" --hugo "$work/hugo")
((commits > 0)) && gen_args+=(--commits "$commits")
python3 bench/gen_corpus.py "${gen_args[@]}"
hugo_args=(--quiet -s "$work/hugo" -d "$out/hugo-out")
matched_args=(--quiet -s "$work/hugo" --config matched/config.toml --layoutDir matched/layouts -d "$out/matched-out")
((commits > 0)) && hugo_args+=(--enableGitInfo) && matched_args+=(--enableGitInfo)

measure() {  # prints "wall cpu peak_kb"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/log" || {
    echo "failed: $*" >&2
    cat "$work/log" >&2
    exit 1
  }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/time"
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

: > "$work/portal.txt"
: > "$work/hugo.txt"
: > "$work/matched.txt"
: > "$work/cmark.txt"
# The Markdown alone, as one input: every body without its front matter.
python3 - "$work/portal/content" > "$work/bodies.md" <<'PY'
import os, sys
for d, _, fs in sorted(os.walk(sys.argv[1])):
    for f in sorted(fs):
        if f.endswith(".md"):
            t = open(os.path.join(d, f), encoding="utf-8").read()
            print(t.split("+++", 2)[2] if t.startswith("+++") else t)
PY
have_cmark=$(command -v cmark-gfm || true)
# Each round builds with each tool in turn (and runs cmark-gfm), so that a
# slower spell of the machine falls on all of them alike.
for ((r = 1; r <= runs; r++)); do
  rm -rf "$out/portal-out" "$out/hugo-out" "$out/matched-out"
  measure "$portal" build --source "$work/portal" --output "$out/portal-out" --quiet >> "$work/portal.txt"
  measure hugo "${hugo_args[@]}" >> "$work/hugo.txt"
  measure hugo "${matched_args[@]}" >> "$work/matched.txt"
  if [ -n "$have_cmark" ]; then
    measure cmark-gfm -e table -e strikethrough -e autolink -e tagfilter "$work/bodies.md" >> "$work/cmark.txt"
  fi
done
cmark_cpu=""
[ -n "$have_cmark" ] && cmark_cpu=$(cut -d' ' -f2 "$work/cmark.txt" | median)

col() { cut -d' ' -f"$2" "$work/$1.txt" | median; }
ratio() { echo "$1 / $2" | bc -l; }
pw=$(col portal 1); pc=$(col portal 2); pm=$(col portal 3)
hw=$(col hugo 1); hc=$(col hugo 2); hm=$(col hugo 3)
mw=$(col matched 1); mc=$(col matched 2); mm=$(col matched 3)
version=$(hugo version | awk '{print $2}' | cut -d+ -f1)
files=$(find "$work/portal/content" -name '*.md' | wc -l)
mb=$(find "$work/portal/content" -name '*.md' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1e6}')
echo "corpus: $files pages, $mb MB of Markdown, $commits commits; $runs runs each, medians"
printf '| | wall (s) | CPU (s) | peak memory (MB) |\n|---|---:|---:|---:|\n'
printf '| portal | %.2f | %.2f | %.0f |\n' "$pw" "$pc" "$(echo "$pm / 1024" | bc -l)"
printf '| Hugo %s, minimal layouts | %.2f | %.2f | %.0f |\n' "$version" "$hw" "$hc" "$(echo "$hm / 1024" | bc -l)"
printf '| Hugo %s, the portal'"'"'s pages | %.2f | %.2f | %.0f |\n' "$version" "$mw" "$mc" "$(echo "$mm / 1024" | bc -l)"
printf '| portal / Hugo, minimal layouts | %.2f | %.2f | %.2f |\n' "$(ratio "$pw" "$hw")" "$(ratio "$pc" "$hc")" "$(ratio "$pm" "$hm")"
printf '| portal / Hugo, the portal'"'"'s pages | %.2f | %.2f | %.2f |\n' "$(ratio "$pw" "$mw")" "$(ratio "$pc" "$mc")" "$(ratio "$pm" "$mm")"
if [ -n "$cmark_cpu" ]; then
  printf '\ncmark-gfm alone on the same bodies: %.2f s CPU; portal CPU / cmark-gfm CPU: %.2f\n' "$cmark_cpu" "$(ratio "$pc" "$cmark_cpu")"
fi
