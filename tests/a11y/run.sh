#!/usr/bin/env bash
# Builds the portal's own content and the every-kind fixture site (as published,
# and as a --drafts preview), then checks every page as people and their tools
# meet it: axe-core in headless Chromium and the Nu HTML Checker (check.mjs);
# a phone, 400 % zoom, text spacing, the keyboard, print, forced colours and the
# 404 page at a nested address (person.mjs); HTML_CodeSniffer through pa11y
# (codesniffer.mjs). Each checker must first fail on pages with known faults.
# The journeys through the search page and the editor, and the editor's pages,
# are tests/browser/'s.
# Usage: tests/a11y/run.sh PATH_TO_PORTAL   (PORTAL_SCREENSHOTS=DIR also saves screenshots)
set -euo pipefail
source "$(dirname "$0")/common.sh" "$1"
cd "$root/tests/a11y"

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

# The sites themselves.
node check.mjs "$out/portal" "$out/fixture" "$out/fixture-drafts"
node person.mjs "$out/portal" "$out/fixture" "$out/fixture-drafts" ${PORTAL_SCREENSHOTS:+--screenshots "$PORTAL_SCREENSHOTS"}
node codesniffer.mjs "$out/portal" "$out/fixture" "$out/fixture-drafts"
