#!/usr/bin/env bash
# Builds the portal's own content and the every-kind fixture site (as published,
# and as a --drafts preview), then checks every page as people and their tools
# meet it: axe-core in headless Chromium and the Nu HTML Checker (check.mjs);
# a phone, 400 % zoom, text spacing, the keyboard, print, forced colours and the
# 404 page at a nested address (person.mjs); HTML_CodeSniffer through pa11y
# (codesniffer.mjs); the search page, its results clicked and its keyboard journey
# (search.mjs); the editor in the preview, a comms person's journey through it
# and what it must refuse (editor.mjs), and its pages by the same checkers.
# Each checker must first fail on pages with known faults.
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

# expect LOG MESSAGE...: each message must be in the log of a run that failed.
expect() {
  local log=$1
  shift
  for message in "$@"; do
    grep -qF -- "$message" "$log" || {
      echo "a check did not report \"$message\" on the pages with known faults:" >&2
      cat "$log" >&2
      exit 1
    }
  done
}
must_fail() {
  local log=$1
  shift
  if "$@" > "$log" 2>&1; then
    echo "a check passed pages with known faults: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

# The pages with known faults.
faulty="$out/faulty"
mkdir -p "$faulty/a/changes" "$faulty/wide" "$faulty/clip" "$faulty/focus" "$faulty/print"
printf '<!DOCTYPE html>\n<html><head><title>Faulty</title></head><body><img src="x.png"><p id="a">One</p><p id="a">Two</p><p><a href="JaVa&#9;ScRiPt:alert(1)">Run</a></p></body></html>\n' > "$faulty/index.html"
printf '<?xml version="1.0"?>\n<feed><entry></feed>\n' > "$faulty/feed.xml"
page() { printf '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>%s</title><link rel="stylesheet" href="%s"></head><body><main>%s</main></body></html>\n' "$@"; }
page "Wide" "" '<p>A table too wide for a phone:</p><div style="width:900px">Nine hundred pixels</div>' > "$faulty/wide/index.html"
page "Clipped" "" '<p style="height:1.2em;overflow:hidden;width:200px">A paragraph in a box of one line, which spacing pushes out of sight</p>' > "$faulty/clip/index.html"
page "Focus" "" '<style>a:focus{background:#fd0;color:#fff;outline:none}.quiet:focus{background:none;color:#1d70b8;box-shadow:none}.quiet{color:#1d70b8}</style><p><a href="../">White on yellow</a> <a class="quiet" href="../">No change</a></p>' > "$faulty/focus/index.html"
page "Print" "" '<p><a href="../wide/">A relative link</a></p><p style="color:#fff;background:#0b0c0c">White on black</p>' > "$faulty/print/index.html"
page "Changes" "" '<style>ins{background:#cce2d8;text-decoration:none}del{background:#f6d7d2;text-decoration:none}</style><p>Unchanged.</p><div class="text-diff"><p><ins>Added words</ins></p><p><del>Removed words</del></p><p><ins>Added with <del>struck</del> words</ins></p></div>' > "$faulty/a/changes/index.html"
page "Not found" "assets/portal.css" '<h1>Page not found</h1><p><a href="./">Home</a></p>' > "$faulty/404.html"

must_fail "$out/faulty-check.log" node check.mjs "$faulty"
expect "$out/faulty-check.log" "axe: index.html: image-alt" "vnu: " \
  "links: index.html: a link or image leads to javascript:alert(1)" "xml: feed.xml: not well-formed"
must_fail "$out/faulty-person.log" node person.mjs "$faulty"
expect "$out/faulty-person.log" \
  "wide/index.html: at 320 px: the page is 908 px wide in a view of 320: it scrolls sideways" \
  "wide/index.html: at 1280 px and 400 % zoom: the page is" \
  "clip/index.html: at 320 px with WCAG text spacing: text is cut off in <p" \
  "focus/index.html: focus on <a> \"White on yellow\": its text contrasts 1.35:1 with the focus colour" \
  "focus/index.html: focus on <a class=\"quiet\"> \"No change\" changes nothing that can be seen" \
  "print/index.html: printed: the link \"A relative link\" prints without its address" \
  "print/index.html: printed: \"White on black\" prints at 1.00:1 on white paper" \
  "a/changes/index.html: forced colours: added \"Added words\" looks like the text around it" \
  "a/changes/index.html: forced colours: added \"Added words\" and removed \"Removed words\" differ only in colour" \
  "a/changes/index.html: forced colours: \"struck\", struck through in added text, looks like removed \"Removed words\"" \
  "404.html: served at a missing nested address, it loads no stylesheet" "404.html: it does not say noindex"
must_fail "$out/faulty-codesniffer.log" node codesniffer.mjs "$faulty"
expect "$out/faulty-codesniffer.log" "htmlcs: index.html: WCAG2AA.Principle1.Guideline1_1.1_1_1.H37"

# The search page with the faults readers met: result links under search/index.json (all 404), the whole
# list inside a live region, focus left on the button for more, passages wider than a phone; and a word the
# browser cuts unlike the index.
cp -r "$out/portal" "$out/faulty-search"
sed -i -e "s|new URL(info.url + |new URL('index.json' + info.url + |" \
  -e "s|items\[0\].querySelector('a').focus();||" \
  -e "s|var list = document.createElement('ol');|var list = document.createElement('ol'); results.setAttribute('aria-live', 'polite');|" \
  -e "s|var LONGEST_WORD = 64;|var LONGEST_WORD = 12;|" \
  -e "s|p.className = 'search-result-passage';|p.className = 'search-result-passage'; p.style.whiteSpace = 'nowrap';|" \
  "$out/faulty-search/assets/search.js"
must_fail "$out/faulty-search.log" node search.mjs "$out/faulty-search" --queries "$root/bench/search/queries.json" --count 2
expect "$out/faulty-search.log" "\"road safety\": the first result opened http://" "/index.jsonpriorities/road-safety/: 404" \
  "a live region holds" "after \"more\", focus is on result 0, not the first new one (11)" \
  "which the browser reads in no page" "at 320 px the results page is"

# The sites themselves.
node check.mjs "$out/portal" "$out/fixture" "$out/fixture-drafts"
node person.mjs "$out/portal" "$out/fixture" "$out/fixture-drafts" ${PORTAL_SCREENSHOTS:+--screenshots "$PORTAL_SCREENSHOTS"}
node codesniffer.mjs "$out/portal" "$out/fixture" "$out/fixture-drafts"
node search.mjs "$out/portal" --queries "$root/bench/search/queries.json" --count 10
node search.mjs "$out/fixture" --common agreement \
  --renamed serious-organised-crime,serious-violence-organised-crime,refreshed,meetings/2020-03-18/b1-csa-update/
node search.mjs "$out/fixture-drafts" --common agreement

# The editor in the preview: the journey must fail where publishing cannot
# work (a site outside any git repository); then the journey, then its pages
# as it left them.
cp -r "$root/tests/sites/every-kind" "$out/editor-no-git"
must_fail "$out/faulty-editor.log" node editor.mjs "$portal" "$out/editor-no-git" "$out/editor-no-git-pages"
expect "$out/faulty-editor.log" "publishing did not say \"Published\""
editor_site="$out/editor-site"
cp -r "$root/tests/sites/every-kind" "$editor_site"
git -C "$editor_site" init -q
git -C "$editor_site" config user.name "Comms Officer"
git -C "$editor_site" config user.email "comms@example.org"
git -C "$editor_site" add -A
git -C "$editor_site" commit -qm "The fixture site"
node editor.mjs "$portal" "$editor_site" "$out/editor-pages"
node check.mjs "$out/editor-pages"
node person.mjs --local "$out/editor-pages"
node codesniffer.mjs "$out/editor-pages"
