#!/usr/bin/env bash
# Two portal programs on the same corpus, alternately, in the same run: a
# change that should not alter what the portal does (a change of the code's
# shape) must not make it slower or larger either. Cases as an author meets
# them: a first build into an empty folder, a rebuild with nothing changed,
# and a rebuild with one page's text changed. Reports medians of wall time,
# CPU time (user and system) and peak memory of each, and the ratios
# AFTER/BEFORE. Outputs go to the project's own file system (where people build).
#
# Usage: bench/before-after.sh BEFORE AFTER [PAGES] [COMMITS] [RUNS]
#   BEFORE, AFTER  the two portal programs
#   PAGES          size of the corpus (bench/gen_corpus.py; default 10000)
#   COMMITS        commits of its history (default 2000)
#   RUNS           runs of each case, at least 3 (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "${1:?the portal program before}")
after=$(realpath "${2:?the portal program after}")
pages=${3:-10000}
commits=${4:-2000}
runs=${5:-5}
((runs >= 3)) || { echo "at least 3 runs" >&2; exit 2; }
work=$(mktemp -d -p "$PWD/bench" work.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_corpus.py "$pages" "$work/corpus" --commits "$commits" > /dev/null

source bench/measure.sh  # measure, median
paper=$(cd "$work/corpus" && find content/meetings -name 'b2-paper.md' | sort | sed -n 1p)

cases=(first unchanged one)
declare -A label=([first]="first build, empty folder" [unchanged]="rebuild, nothing changed"
                  [one]="rebuild, one page's text changed")
programs=(before after)
declare -A program=([before]="$before" [after]="$after")
for c in "${cases[@]}"; do
  for p in "${programs[@]}"; do : > "$work/$c.$p"; done
  for ((r = 1; r <= runs; r++)); do
    [ "$c" = one ] && printf '\nEdited in round %s of the benchmark.\n' "$r" >> "$work/corpus/$paper"
    # Each round runs both programs in turn, so that a slower spell of the
    # machine falls on both alike; which goes first alternates.
    order=("${programs[@]}")
    ((r % 2 == 0)) && order=(after before)
    for p in "${order[@]}"; do
      [ "$c" = first ] && rm -rf "$work/out-$p" "$work"/.out-"$p".*
      measure "${program[$p]}" build --source "$work/corpus" --output "$work/out-$p" --quiet >> "$work/$c.$p"
    done
  done
done

col() { cut -d' ' -f"$2" "$work/$1" | median; }
ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }
echo "corpus: $(find "$work/corpus/content" -name '*.md' | wc -l) pages, $commits commits;" \
  "$runs runs of each case, medians; outputs on $(df --output=fstype "$work" | tail -1 | tr -d ' ')"
echo
echo "| case | program | wall (s) | CPU (s) | peak memory (MB) |"
echo "|---|---|---:|---:|---:|"
for c in "${cases[@]}"; do
  for p in "${programs[@]}"; do
    printf '| %s | %s | %s | %s | %d |\n' "${label[$c]}" "$p" "$(col "$c.$p" 1)" "$(col "$c.$p" 2)" \
      "$(($(col "$c.$p" 3 | cut -d. -f1) / 1024))"
  done
done
echo
echo "| case | wall after/before | CPU after/before | memory after/before |"
echo "|---|---:|---:|---:|"
for c in "${cases[@]}"; do
  printf '| %s | %s | %s | %s |\n' "${label[$c]}" \
    "$(ratio "$(col "$c.after" 1)" "$(col "$c.before" 1)")" \
    "$(ratio "$(col "$c.after" 2)" "$(col "$c.before" 2)")" \
    "$(ratio "$(col "$c.after" 3)" "$(col "$c.before" 3)")"
done
