#!/usr/bin/env bash
# The editor in `portal serve` on a site of PAGES pages (bench/gen_corpus.py,
# default 10000, one commit of history), on the project's own disk: from a
# keystroke in a document's text to the updated preview and diagnostics, in
# headless Chromium (bench/editor/measure.mjs), for a new bulletin and for a
# meeting paper full of cross-references.
# Usage: bench/editor.sh [PAGES] [KEYS]   (defaults 10000, 40)
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
keys=${2:-40}
root=$PWD
portal=$root/build/portal
[ -x "$portal" ] || { echo "build first: cmake --build build" >&2; exit 2; }
(cd bench/editor && { [ -d node_modules/playwright-core ] || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; })
work=$(mktemp -d -p "$root/bench" work.XXXXXX)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
python3 bench/gen_corpus.py "$pages" "$work/site"
"$portal" new bulletin --date 2024-07-12 --source "$work/site" > /dev/null
python3 - "$work/site/content/bulletins/2024-07.md" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read().split("\nWrite the text here")[0]
body = "\n".join(f"## News {i}\n\nThe partnership met on {i} July and agreed the [refreshed agreement](@/agreements/2020-04.md). "
                 "Partners shared what they had learned about domestic abuse, road safety and anti-social behaviour.\n"
                 for i in range(1, 13))
open(path, "w").write(text + "\n" + body)
PY
git -C "$work/site" init -q
git -C "$work/site" add -A
git -C "$work/site" -c user.name=Bench -c user.email=bench@example.org commit -qm "The corpus"
log=$work/serve.log
"$portal" serve --source "$work/site" --port 0 > "$log" 2>&1 &
server=$!
for _ in $(seq 600); do grep -qs "^Editor: " "$log" && break; sleep 0.1; done
editor=$(sed -n 's/^Editor: //p' "$log")
[ -n "$editor" ] || { cat "$log" >&2; exit 1; }
paper=$(cd "$work/site" && find content/meetings -name 'b2-paper.md' | sort | sed -n 2p)
echo "pages=$pages keys=$keys (from a keystroke to the preview and diagnostics updated)"
for file in content/bulletins/2024-07.md "$paper"; do
  printf '%-44s ' "$file"
  node bench/editor/measure.mjs "${editor}doc/$file" "$keys"
done
