#!/usr/bin/env bash
# The portal used in headless Chromium as its readers and its comms people use
# it, over the portal's own content and the every-kind fixture site (as
# published, and as a --drafts preview): the search page, its results clicked
# and its keyboard journey (search.mjs); the record followed by its links
# (record.mjs); the editor in the preview, a comms
# person's journey through it and what it must refuse (editor.mjs), and the
# editor's pages as it left them by the accessibility checkers (tests/a11y/);
# a comms officer's journey with a photo, to the public build and its e-mail
# copy (comms.mjs).
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

# The record followed by links (record.mjs), first over a copy with the faults partners met: a meeting silent
# about its notes, a minute with no way back to its item, a contents link that lands nowhere, a paragraph's
# link hidden on focus and its paragraph unmarked on arrival, a chart whose labels shrink out of reading on a phone.
cp -r "$out/portal" "$out/faulty-record"
sed -i 's|Not held: the portal holds no notes of this meeting||' "$out/faulty-record/meetings/2020-03-18/index.html"
sed -i 's|<p class="minute-links">[^\n]*</p>||' "$out/faulty-record/meetings/2019-10-08/notes/index.html"
sed -i -e 's|<li><a href="#leads">|<li><a href="#lead">|' -e 's|<svg class="chart" viewBox="0 0 340 |<svg class="chart" viewBox="0 0 680 |' \
  "$out/faulty-record/agreements/2020-04/index.html"
sed -i -e 's|\.para-link:focus::before { opacity: 1; }|.para-link:focus::before { }|' \
  -e 's|, .para-link:focus::before { opacity: 1; }| { opacity: 1; }|' -e 's|background: #fff2a8; border-left|border-left|' \
  "$out/faulty-record/assets/portal.css"
must_fail "$out/faulty-record.log" node record.mjs "$out/faulty-record"
expect "$out/faulty-record.log" 'the March 2020 meeting says of its notes: ""' "minute 242 has no link back to item C1" \
  "contents link #lead: no element #lead" "the focused paragraph link does not show" \
  "paragraph 2.1 is not marked on arrival" "at 375 px the chart's labels are drawn"
node record.mjs "$out/portal"

# The editor in the preview: the journey must fail where publishing cannot
# work (a site outside any git repository); then the journey, then its pages
# as it left them.
cp -r "$root/tests/sites/every-kind" "$out/editor-no-git"
must_fail "$out/faulty-editor.log" node editor.mjs "$portal" "$out/editor-no-git" "$out/editor-no-git-pages"
expect "$out/faulty-editor.log" "publishing did not say \"Published\""
# committed_fixture DIR: a copy of the every-kind fixture in a git work tree of its own, as a team's content is.
committed_fixture() {
  cp -r "$root/tests/sites/every-kind" "$1"
  git -C "$1" init -q
  git -C "$1" config user.name "Comms Officer"
  git -C "$1" config user.email "comms@example.org"
  git -C "$1" add -A
  git -C "$1" commit -qm "The fixture site"
}
editor_site="$out/editor-site"
committed_fixture "$editor_site"
node editor.mjs "$portal" "$editor_site" "$out/editor-pages"
node ../a11y/check.mjs "$out/editor-pages"
node ../a11y/person.mjs --local "$out/editor-pages"
node ../a11y/codesniffer.mjs "$out/editor-pages"

# A comms officer's journey with a phone's photo (comms.mjs), first where the e-mail copy is the 640 px
# readers met; then at a phone's width and a desktop's.
photo="$out/photo.jpg"
"$(dirname "$portal")/tests/make_photo" 3000 2000 "$photo"
committed_fixture "$out/faulty-comms"
mkdir -p "$out/faulty-comms/themes"
cp -r "$root/themes/default" "$out/faulty-comms/themes/default"
sed -i 's|600|640|g' "$out/faulty-comms/themes/default/templates/email.mustache"
git -C "$out/faulty-comms" add -A
git -C "$out/faulty-comms" commit -qm "The e-mail copy at 640 px"
must_fail "$out/faulty-comms.log" node comms.mjs "$portal" "$out/faulty-comms" "$photo" 1280
expect "$out/faulty-comms.log" "the e-mail copy is 640 px wide"
for width in 375 1280; do
  committed_fixture "$out/comms-$width"
  node comms.mjs "$portal" "$out/comms-$width" "$photo" "$width" "$out/comms-pages"
done
node ../a11y/check.mjs "$out/comms-pages"
node ../a11y/person.mjs --local "$out/comms-pages"
node ../a11y/codesniffer.mjs "$out/comms-pages"
