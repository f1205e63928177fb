#!/usr/bin/env bash
# The files beside the pages, read by their consumers: builds the portal's own
# content and the every-kind fixture (as published and as a --drafts preview)
# and checks every calendar, feed, sitemap and JSON file with check.py, after
# seeing it fail on files with known faults.
# Usage: tests/formats/run.sh PATH_TO_PORTAL
set -euo pipefail
portal=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# jing's own warning line is dropped from the checks' messages; the filter runs
# in the pipeline, so every message is written before check returns.
check() {
  { /usr/bin/python3 "$here/check.py" "$@" 2>&1 1>&3 3>&- | { grep -v '^\[warning\] /usr/bin/jing' || true; } >&2
    return "${PIPESTATUS[0]}"; } 3>&1
}

mkdir -p "$out/faulty/events" "$out/faulty/feeds" "$out/faulty/search"
printf 'BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//x//EN\nBEGIN:VEVENT\nUID:a\nDTSTART:20240910T140000\nSUMMARY:%s\nEND:VEVENT\nEND:VCALENDAR\n' \
  "$(printf 'x%.0s' $(seq 80))" > "$out/faulty/events/event.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nEND:VCALENDAR\r\n' > "$out/faulty/events/upcoming.ics"
printf '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>t</title></entry></feed>\n' \
  > "$out/faulty/feeds/bulletins.xml"
printf '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><link>x</link></url></urlset>\n' \
  > "$out/faulty/sitemap.xml"
printf '{"title": "<script>alert(1)</script>"}\n' > "$out/faulty/search/meta.json"
# And a site that lacks every one of these files.
mkdir -p "$out/empty"
if check "$out/faulty" "$out/empty" > "$out/faulty.log" 2>&1; then
  echo "the checks passed files with known faults:" >&2; cat "$out/faulty.log" >&2; exit 1
fi
for expected in "line 7 is 88 octets long" "line 1 ends without CR" "the last line does not end with CRLF" "an event has no DTSTAMP" \
    "DTSTART is a floating time" "it holds no component" "RFC 4287 schema: " "missing required elements \"id\" and \"updated\"" \
    "sitemaps.org 0.9 schema: " "holds '<'" "meta.json lacks documents" "empty: it holds no calendars" \
    "empty: it holds no feeds" "empty: it holds no sitemaps" "empty/search: no readable meta.json"; do
  grep -qF "$expected" "$out/faulty.log" || {
    echo "the checks did not report \"$expected\" in the faulty files:" >&2; cat "$out/faulty.log" >&2; exit 1; }
done

"$portal" build --source "$root" --output "$out/portal" --quiet 2>/dev/null
"$portal" build --source "$root/tests/sites/every-kind" --output "$out/fixture" --quiet
"$portal" build --source "$root/tests/sites/every-kind" --output "$out/fixture-drafts" --drafts --quiet
check "$out/portal" "$out/fixture" "$out/fixture-drafts"
