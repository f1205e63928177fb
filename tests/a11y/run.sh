#!/usr/bin/env bash
# Builds the portal's own content and the every-kind fixture site (as published,
# and as a --drafts preview), then checks every page with axe-core in headless
# Chromium and with the Nu HTML Checker, and uses the search page as a reader would.
# Usage: tests/a11y/run.sh PATH_TO_PORTAL   (PORTAL_SCREENSHOTS=DIR also saves screenshots)
set -euo pipefail
portal=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$portal" build --source "$root" --output "$out/portal" --quiet
"$portal" build --source "$root/tests/sites/every-kind" --output "$out/fixture" --quiet
"$portal" build --source "$root/tests/sites/every-kind" --output "$out/fixture-drafts" --drafts --quiet
cd "$root/tests/a11y"
[ -d node_modules ] || npm ci --ignore-scripts --no-audit --no-fund
# The checkers must catch a page with known faults, or a clean report means nothing.
mkdir -p "$out/faulty"
printf '<!DOCTYPE html>\n<html><head><title>Faulty</title></head><body><img src="x.png"><p id="a">One</p><p id="a">Two</p><p><a href="JaVa&#9;ScRiPt:alert(1)">Run</a></p></body></html>\n' > "$out/faulty/index.html"
printf '<?xml version="1.0"?>\n<feed><entry></feed>\n' > "$out/faulty/feed.xml"
if node check.mjs "$out/faulty" > "$out/faulty.log" 2>&1; then
  echo "the accessibility checks passed a page with known faults:" >&2
  cat "$out/faulty.log" >&2
  exit 1
fi
grep -q "axe: index.html: image-alt" "$out/faulty.log" && grep -q "vnu: " "$out/faulty.log" &&
  grep -q "links: index.html: a link or image leads to javascript:alert(1)" "$out/faulty.log" &&
  grep -q "xml: feed.xml: not well-formed" "$out/faulty.log" || {
  echo "the accessibility checks did not report the faulty page's missing alt text and duplicate id:" >&2
  cat "$out/faulty.log" >&2
  exit 1
}
node check.mjs "$out/portal" "$out/fixture" "$out/fixture-drafts" ${PORTAL_SCREENSHOTS:+--screenshots "$PORTAL_SCREENSHOTS"}
