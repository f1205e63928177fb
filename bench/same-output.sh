#!/usr/bin/env bash
# Saves, or compares with what was saved, everything a portal makes from the
# same input: the portal's own content/ built; every fixture site under
# tests/sites/ built (as published and with --drafts) or, where it has errors,
# its check report in each format; the benchmark corpus built; and the
# editor's pages for the every-kind fixture as the preview serves them (its
# per-run secret masked). A change to the code's shape must leave all of it
# byte for byte the same.
#
# Usage: bench/same-output.sh save DIR [PORTAL] [PAGES]
#        bench/same-output.sh compare DIR [PORTAL]
#   PORTAL  the portal binary (default build/portal)
#   PAGES   the size of the benchmark corpus, written once into DIR by save (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mode=${1:?save or compare}
dir=${2:?a folder}
portal=$(realpath "${3:-build/portal}")
pages=${4:-10000}
[ "$mode" = save ] || [ "$mode" = compare ] || { echo "save or compare, not $mode" >&2; exit 2; }
mkdir -p "$dir"
dir=$(realpath "$dir")
if [ "$mode" = save ]; then
  rm -rf "$dir/made"
  made=$dir/made
  [ -d "$dir/corpus" ] || python3 bench/gen_corpus.py "$pages" "$dir/corpus" --commits 200
else
  [ -d "$dir/made" ] || { echo "nothing saved in $dir: run save first" >&2; exit 2; }
  made=$(mktemp -d)
  made_is_temporary=1
fi
mkdir -p "$made"
builds=$(mktemp -d)
trap 'rm -rf "$builds" ${made_is_temporary:+"$made"}' EXIT

# One site: built, or its problems reported when it has errors.
site() {
  local name=$1 source=$2
  shift 2
  # Built beside its other generation and state (generator/output/output.h): only the served folder is kept.
  if "$portal" build --source "$source" --output "$builds/$name" --quiet "$@" 2> "$made/$name.stderr"; then
    rm -f "$made/$name.stderr"
    mv "$builds/$name" "$made/$name"
  else
    for format in text json github; do
      "$portal" check --source "$source" --format "$format" "$@" > "$made/$name.check.$format" 2>&1 || true
    done
  fi
}
site content "$root"
for s in tests/sites/*/; do
  name=$(basename "$s")
  site "$name" "$root/$s"
  site "$name-drafts" "$root/$s" --drafts
done
site corpus "$dir/corpus"

# The editor's pages: the start page and each document's page, from a preview of a copy of every-kind.
copy=$(mktemp -d)
cp -r tests/sites/every-kind "$copy/site"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$portal" serve --source "$copy/site" --port "$port" > "$copy/serve.log" 2>&1 &
server=$!
stop() { kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; rm -rf "$copy"; }
python3 - "$port" "$copy/site" "$made/editor" << 'EOF' || { stop; exit 1; }
import os, re, sys, time, urllib.request, urllib.error
port, site, out = sys.argv[1], sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}"
def get(path):
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + path, timeout=60) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            return e.read()
        except OSError:
            time.sleep(0.1)  # the preview is still starting: poll until it answers
    raise SystemExit(f"the preview never answered {path}")
get("/__portal/wait?since=none")
paths = ["/__portal/edit/"]
for folder, _, files in os.walk(os.path.join(site, "content")):
    for f in sorted(files):
        if f.endswith(".md"):
            paths.append("/__portal/edit/doc/" + os.path.relpath(os.path.join(folder, f), site))
for path in sorted(paths):
    body = re.sub(rb'(data-secret="|secret=)[0-9a-f]+', rb"\1SECRET", get(path))
    name = os.path.join(out, path.strip("/").replace("/", "__") + ".html")
    os.makedirs(out, exist_ok=True)
    with open(name, "wb") as f:
        f.write(body)
EOF
stop

if [ "$mode" = save ]; then
  echo "saved in $made: $(find "$made" -type f | wc -l) files"
else
  if diff -r "$dir/made" "$made" > "$made.diff" 2>&1; then
    echo "the same: $(find "$made" -type f | wc -l) files"
    rm -f "$made.diff"
  else
    echo "different from what was saved in $dir/made:" >&2
    head -50 "$made.diff" >&2
    rm -f "$made.diff"
    exit 1
  fi
fi
