#!/usr/bin/env bash
# The portal used in headless Chromium as its readers and its comms people use
# it, over the portal's own content and the every-kind fixture site (as
# published, and as a --drafts preview): the search page, its results clicked
# and its keyboard journey (search.mjs); the editor in the preview, a comms
# person's journey through it and what it must refuse (editor.mjs), and the
# editor's pages as it left them by the accessibility checkers (tests/a11y/).
# Each journey must first fail where readers met faults or where it cannot succeed.
# Usage: tests/browser/run.sh PATH_TO_PORTAL
set -euo pipefail
source "$(dirname "$0")/../a11y/common.sh" "$1"
cd "$root/tests/browser"

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
node ../a11y/check.mjs "$out/editor-pages"
node ../a11y/person.mjs --local "$out/editor-pages"
node ../a11y/codesniffer.mjs "$out/editor-pages"
