#!/usr/bin/env bash
# Builds the same corpus with the portal and with Hugo, alternately, as an
# author does: a first build into an empty folder, then rebuilds into the same
# folder with nothing changed, with one page's text changed, with a hundred
# pages' text changed, with one page added (linked from none), and with the
# template of those pages changed. Reports
# medians of wall time, CPU time (user and system) and peak memory, the files
# each rebuild wrote (new inode or modification time), the portal's work
# (documents read, texts rendered, pages drawn, pieces of the search index made, commits of the
# history walked, as it says them), and the ratios portal/Hugo measured in the same run; also the CPU
# time of the cmark-gfm command alone on the same Markdown bodies.
#
# Outputs go to the project's own file system first (where people build),
# then to memory (/dev/shm) as a second table. Hugo builds the corpus twice
# each round: with minimal layouts, and with layouts that make the pages the
# portal makes (bench/gen_corpus.py).
#
# Usage: bench/compare.sh PAGES [COMMITS] [RUNS]
#   PAGES    size of the corpus (bench/gen_corpus.py)
#   COMMITS  0 (default): no history; else a git repository of that many
#            commits, and Hugo runs with --enableGitInfo
#   RUNS     runs of each case, at least 3 (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:?pages}
commits=${2:-0}
runs=${3:-5}
((runs >= 3)) || { echo "at least 3 runs" >&2; exit 2; }
portal=$(realpath build/portal)
command -v hugo >/dev/null || { echo "install Debian's hugo first: apt-get install hugo" >&2; exit 2; }
# The corpus and the first outputs on the project's own file system.
work=$(mktemp -d -p "$PWD/bench" work.XXXXXX)
shm=$(mktemp -d -p "$([ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work" "$shm"' EXIT
gen_args=("$pages" "$work/portal" --hugo "$work/hugo")
((commits > 0)) && gen_args+=(--commits "$commits")
python3 bench/gen_corpus.py "${gen_args[@]}"
git_info=()
((commits > 0)) && git_info=(--enableGitInfo)
# The site's own copy of the theme, so that a template can change (not committed: a look with --local).
cp -r themes "$work/portal/themes"

source bench/measure.sh  # measure, median
# Each file of a folder with its inode and modification time: a file written
# by a build has a new one of either.
snapshot() { if [ -d "$1" ]; then find "$1" -type f -printf '%i %T@ %P\n' | sort; fi; }
written() { comm -13 "$1" "$2" | wc -l; }

# The papers whose text the rebuilds change: the same files in both corpora.
mapfile -t papers < <(cd "$work/portal" && find content/meetings -name 'b2-paper.md' | sort)
edit() {  # edit ROUND COUNT: a sentence more at the end of COUNT papers' text, in both corpora
  local k
  for ((k = 0; k < $2 && k < ${#papers[@]}; k++)); do
    for corpus in portal hugo; do
      printf '\nEdited in round %s of the benchmark.\n' "$1" >> "$work/$corpus/${papers[$k]}"
    done
  done
}

# edit_template ROUND: the template of the papers' pages changed (Hugo: of every page), in each site.
edit_template() {
  local f
  for f in "$work/portal/themes/default/templates/paper.mustache" "$work/hugo/layouts/_default/single.html" \
           "$work/hugo/matched/layouts/_default/single.html"; do
    printf '<!-- round %s -->\n' "$1" >> "$f"
  done
}

# add_page ROUND: a new page in each corpus, linked from none.
add_page() {
  local corpus
  for corpus in portal hugo; do
    printf '+++\ntitle = "Notice %s"\n+++\n\nA notice added in round %s of the benchmark.\n' "$1" "$1" \
      > "$work/$corpus/content/notice-$1.md"
  done
}

tools=(portal hugo matched)
run_tool() {  # run_tool TOOL OUT
  case $1 in
    # --local: the rounds' edits are not committed, and a build to publish would refuse them.
    portal) measure "$portal" build --source "$work/portal" --output "$2/portal/public" --local ;;
    hugo) measure hugo --quiet -s "$work/hugo" -d "$2/hugo" "${git_info[@]}" ;;
    matched) measure hugo --quiet -s "$work/hugo" --config matched/config.toml --layoutDir matched/layouts \
               -d "$2/matched" "${git_info[@]}" ;;
  esac
}
live_of() { case $1 in portal) echo "$2/portal/public" ;; *) echo "$2/$1" ;; esac; }

cases=(first unchanged one hundred added template)
declare -A label=([first]="first build, empty folder" [unchanged]="rebuild, nothing changed"
                  [one]="rebuild, one page's text changed" [hundred]="rebuild, 100 pages' text changed"
                  [added]="rebuild, one page added" [template]="rebuild, one template changed")
# The work the portal says it did: "documents texts pages pieces commits" (0 0 0 0 0 when nothing had changed).
work_done() {
  if grep -q '^Nothing had changed' "$work/stdout"; then echo "0 0 0 0 0"; else
    local commits  # none said without a history
    commits=$(sed -n 's/^Read \([0-9]*\) commits\? of the history.*/\1/p' "$work/stdout")
    echo "$(sed -n 's/^Read \([0-9]*\) documents\?, rendered \([0-9]*\) texts\?, drew \([0-9]*\) pages\?, made \([0-9]*\) pieces\?.*/\1 \2 \3 \4/p' "$work/stdout")" \
      "${commits:-0}"
  fi
}

bench_on() {  # bench_on NAME OUT
  local name=$1 out=$2 c r t
  rm -rf "$out"/*
  for c in "${cases[@]}"; do
    for t in "${tools[@]}"; do : > "$work/$name.$c.$t"; done
    for ((r = 1; r <= runs; r++)); do
      case $c in
        one) edit "$name-$r" 1 ;;
        hundred) edit "$name-$r" 100 ;;
        added) add_page "$name-$r" ;;
        template) edit_template "$name-$r" ;;
      esac
      # Each round builds with each tool in turn, so that a slower spell of
      # the machine falls on all of them alike.
      for t in "${tools[@]}"; do
        [ "$c" = first ] && rm -rf "$out/$t"
        snapshot "$(live_of "$t" "$out")" > "$work/before"
        local m
        m=$(run_tool "$t" "$out")
        snapshot "$(live_of "$t" "$out")" > "$work/after"
        echo "$m $(written "$work/before" "$work/after") $([ "$t" = portal ] && work_done || echo "- - - - -")" \
          >> "$work/$name.$c.$t"
      done
      if [ "$c" = first ] && ((r == runs)); then
        # The portal's first rebuild after a build into an empty folder makes
        # its second generation (a hard link a file): measured, shown apart.
        snapshot "$out/portal/public" > "$work/before"
        m=$(run_tool portal "$out")
        snapshot "$out/portal/public" > "$work/after"
        echo "$m $(written "$work/before" "$work/after")" > "$work/$name.second"
      fi
    done
  done
}

bench_on disk "$work/out"
bench_on tmpfs "$shm"

# The Markdown alone, as one input: every body without its front matter.
python3 - "$work/portal/content" > "$work/bodies.md" <<'PY'
import os, sys
for d, _, fs in sorted(os.walk(sys.argv[1])):
    for f in sorted(fs):
        if f.endswith(".md"):
            t = open(os.path.join(d, f), encoding="utf-8").read()
            print(t.split("+++", 2)[2] if t.startswith("+++") else t)
PY
cmark_cpu=""
if command -v cmark-gfm > /dev/null; then
  : > "$work/cmark.txt"
  for ((r = 1; r <= runs; r++)); do
    measure cmark-gfm -e table -e strikethrough -e autolink -e tagfilter "$work/bodies.md" >> "$work/cmark.txt"
  done
  cmark_cpu=$(cut -d' ' -f2 "$work/cmark.txt" | median)
fi

col() { cut -d' ' -f"$2" "$work/$1" | median; }
ratio() { echo "$1 / $2" | bc -l; }
version=$(hugo version | awk '{print $2}' | cut -d+ -f1)
files=$(find "$work/portal/content" -name '*.md' | wc -l)
mb=$(find "$work/portal/content" -name '*.md' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1e6}')
echo "corpus: $files pages, $mb MB of Markdown, $commits commits; $runs runs of each case, medians; Hugo $version"
declare -A where=([disk]="on the project's file system ($(df --output=fstype "$work" | tail -1 | tr -d ' '), $work)"
                  [tmpfs]="in memory ($(df --output=fstype "$shm" | tail -1 | tr -d ' '))")
for name in disk tmpfs; do
  printf '\n### Outputs %s\n\n' "${where[$name]}"
  printf '| case | tool | wall (s) | CPU (s) | peak memory (MB) | files written | documents read · texts rendered · pages drawn · search pieces made · commits walked |\n|---|---|---:|---:|---:|---:|---:|\n'
  for c in "${cases[@]}"; do
    for t in "${tools[@]}"; do
      f="$name.$c.$t"
      case $t in portal) tn=portal ;; hugo) tn="Hugo, minimal layouts" ;; matched) tn="Hugo, the portal's pages" ;; esac
      work_cell="—"
      [ "$t" = portal ] && work_cell="$(col "$f" 5) · $(col "$f" 6) · $(col "$f" 7) · $(col "$f" 8) · $(col "$f" 9)"
      printf '| %s | %s | %.2f | %.2f | %.0f | %s | %s |\n' "${label[$c]}" "$tn" "$(col "$f" 1)" "$(col "$f" 2)" \
        "$(echo "$(col "$f" 3) / 1024" | bc -l)" "$([ "$c" = first ] && echo "all" || col "$f" 4)" "$work_cell"
    done
  done
  printf '\n| case | wall portal/Hugo (minimal · the portal'"'"'s pages) | CPU portal/Hugo (minimal · the portal'"'"'s pages) | memory portal/Hugo (minimal · the portal'"'"'s pages) |\n|---|---:|---:|---:|\n'
  for c in "${cases[@]}"; do
    p="$name.$c.portal" h="$name.$c.hugo" m="$name.$c.matched"
    printf '| %s | %.2f · %.2f | %.2f · %.2f | %.2f · %.2f |\n' "${label[$c]}" \
      "$(ratio "$(col "$p" 1)" "$(col "$h" 1)")" "$(ratio "$(col "$p" 1)" "$(col "$m" 1)")" \
      "$(ratio "$(col "$p" 2)" "$(col "$h" 2)")" "$(ratio "$(col "$p" 2)" "$(col "$m" 2)")" \
      "$(ratio "$(col "$p" 3)" "$(col "$h" 3)")" "$(ratio "$(col "$p" 3)" "$(col "$m" 3)")"
  done
  read -r sw sc sm sf < "$work/$name.second"
  printf '\nThe portal'"'"'s first rebuild after a build into an empty folder (the generations make their second one only when a build writes; with nothing changed, nothing is): %.2f s wall, %.2f s CPU, %s files written.\n' "$sw" "$sc" "$sf"
done
if [ -n "$cmark_cpu" ]; then
  printf '\ncmark-gfm alone on the same bodies: %.2f s CPU; the portal'"'"'s CPU for a first build into memory / cmark-gfm'"'"'s: %.2f\n' \
    "$cmark_cpu" "$(ratio "$(col tmpfs.first.portal 2)" "$cmark_cpu")"
fi
