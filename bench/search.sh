#!/usr/bin/env bash
# The portal's search beside Pagefind (npm `pagefind`, pinned in
# bench/search/package-lock.json), over the same built pages, on the
# project's own disk:
#
#  - the corpus of PAGES pages (bench/gen_corpus.py, Zipf text over 200,000
#    words): the time the build spends indexing, as a share of the build, and
#    Pagefind's indexing time over the same output; each index's size (files,
#    bytes, gzip bytes as served); and for a rare word (in 3 pages) and a
#    common query, what a reader's browser downloads from a cold cache (gzip
#    level 6, as a static host serves) and the time to the first result in
#    headless Chromium; and the same for a query with a typo;
#  - the portal's own content: relevance on bench/search/queries.json (each
#    query names the page that must come first): top-1, top-3, and queries
#    without results.
#
# Usage: bench/search.sh [PAGES] [RUNS]   (defaults 10000, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
runs=${2:-3}
root=$PWD
portal=$root/build/portal
phases=$root/build/bench/phases
[ -x "$portal" ] && [ -x "$phases" ] || { echo "build first: cmake --build build" >&2; exit 2; }
(cd bench/search && { [ -d node_modules/pagefind ] || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; })
pagefind=$root/bench/search/node_modules/.bin/pagefind
work=$(mktemp -d -p "$root/bench" work.XXXXXX)
trap 'rm -rf "$work"' EXIT
source bench/measure.sh  # median

python3 bench/gen_corpus.py "$pages" "$work/corpus" --vocabulary 200000
# The build, phase by phase, into an empty folder each run.
: > "$work/index.s"; : > "$work/total.s"; : > "$work/pagefind.s"
for ((r = 1; r <= runs; r++)); do
  rm -rf "$work/out"
  "$phases" "$work/corpus" "$work/out" > "$work/phases.txt"
  awk '/^Indexing for search/ {print $4}' "$work/phases.txt" >> "$work/index.s"
  awk '/^total/ {print $2}' "$work/phases.txt" >> "$work/total.s"
  rm -rf "$work/out/pagefind"
  /usr/bin/time -f "%e" -o "$work/time" "$pagefind" --site "$work/out" --root-selector main --output-subdir pagefind \
    > "$work/pagefind.log" 2>&1 || { cat "$work/pagefind.log" >&2; exit 1; }
  cat "$work/time" >> "$work/pagefind.s"
done
index_s=$(median < "$work/index.s")
total_s=$(median < "$work/total.s")
pagefind_s=$(median < "$work/pagefind.s")

# A word in exactly three pages, and a query of two common words.
rare=$(python3 - "$work/corpus/content" <<'PY'
import collections, os, re, sys
pages = collections.Counter()
for d, _, fs in sorted(os.walk(sys.argv[1])):
    for f in sorted(fs):
        if f.endswith(".md"):
            pages.update(set(re.findall(r"[a-z]{6,}", open(os.path.join(d, f), encoding="utf-8").read().lower())))
print(min((w for w, n in pages.items() if n == 3), default=min(pages, key=pages.get)))
PY
)
common="domestic abuse"
typo="domestik abuse"
(cd bench/search && node measure.mjs "$work/out" --query "$rare" --query "$common" --query "$typo" --runs "$runs") \
  > "$work/corpus.json"

# The portal's own content, for relevance.
"$portal" build --source "$root" --output "$work/site" --quiet
"$pagefind" --site "$work/site" --root-selector main --output-subdir pagefind > "$work/pagefind-site.log" 2>&1
(cd bench/search && node measure.mjs "$work/site" --relevance "$root/bench/search/queries.json") > "$work/site.json"

python3 - "$work/corpus.json" "$work/site.json" "$pages" "$index_s" "$total_s" "$pagefind_s" "$rare" <<'PY'
import json, sys
corpus, site = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
pages, index_s, total_s, pagefind_s, rare = sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7]
def kb(b): return f"{b / 1024:,.0f} KB"
def ratio(a, b): return f"{a / b:.2f}" if b else "-"
print(f"Search at {int(pages):,} pages (Zipf text over 200,000 words), on the project's disk; medians")
print()
print(f"{'':44} {'portal':>14} {'Pagefind':>14} {'portal/Pagefind':>16}")
print(f"{'indexing time (s)':44} {index_s:>14.2f} {pagefind_s:>14.2f} {ratio(index_s, pagefind_s):>16}")
print(f"{'  share of the portal build':44} {index_s / total_s * 100:>13.0f}% {'':>14} {'':>16}")
ip, ig = corpus["index"]["portal"], corpus["index"]["pagefind"]
print(f"{'index files':44} {ip['files']:>14,} {ig['files']:>14,} {ratio(ip['files'], ig['files']):>16}")
print(f"{'index bytes (as written)':44} {kb(ip['raw']):>14} {kb(ig['raw']):>14} {ratio(ip['raw'], ig['raw']):>16}")
print(f"{'index bytes (gzip, as served)':44} {kb(ip['gz']):>14} {kb(ig['gz']):>14} {ratio(ip['gz'], ig['gz']):>16}")
for q in corpus["queries"]:
    p, g = q["portal"], q["pagefind"]
    name = "rare" if q["query"] == rare else "typo" if q["query"] == "domestik abuse" else "common"
    print(f"{'cold bytes, ' + name + ' query ' + repr(q['query']):44} {kb(p['bytes']):>14} {kb(g['bytes']):>14} {ratio(p['bytes'], g['bytes']):>16}")
    print(f"{'  requests':44} {p['requests']:>14} {g['requests']:>14} {'':>16}")
    print(f"{'  time to first result (ms)':44} {p['ms']:>14.0f} {g['ms']:>14.0f} {ratio(p['ms'], g['ms']):>16}")
    print(f"{'  result links on the page':44} {p['shown']:>14} {g['shown']:>14} {'':>16}")
r = site["relevance"]
n = r["portal"]["queries"]
print()
print(f"Relevance on the portal's content, {n} queries (bench/search/queries.json)")
print()
print(f"{'':44} {'portal':>14} {'Pagefind':>14}")
for key, label in (("top1", "right page first"), ("top3", "right page in the first three")):
    print(f"{label:44} {r['portal'][key]:>7} ({r['portal'][key] / n:>4.0%}) {r['pagefind'][key]:>7} ({r['pagefind'][key] / n:>4.0%})")
print(f"{'queries without results':44} {r['portal']['without_results']:>14} {r['pagefind']['without_results']:>14}")
PY
