#!/usr/bin/python3
"""The files beside the pages, read by the programs that consume them.

Every calendar by Debian's python3-icalendar and by the musts of RFC 5545,
the Atom feed against RFC 4287's RELAX NG schema (jing) and by
python3-feedparser, the sitemap against the sitemaps.org 0.9 schema
(xmllint), the search index by a JSON parser. Any problem fails the run, and
so does a site without a calendar, a feed, a sitemap, JSON or a search index.

Usage: check.py SITE_DIR... (each a built site)
"""
import json
import os
import subprocess
import sys

import feedparser
import icalendar

HERE = os.path.dirname(os.path.abspath(__file__))
ATOM_SCHEMA = os.path.join(HERE, "atom.rnc")
SITEMAP_SCHEMA = os.path.join(HERE, "..", "a11y", "node_modules", "sitemap", "schema", "sitemap.xsd")

problems = []


def problem(path, message):
    problems.append(f"{path}: {message}")


def check_calendar(path):
    raw = open(path, "rb").read()
    # RFC 5545 §3.1: lines end with CRLF and are folded at 75 octets.
    if not raw.endswith(b"\r\n"):
        problem(path, "the last line does not end with CRLF")
    lines = raw.split(b"\n")
    for number, line in enumerate(lines[:-1], 1):
        if not line.endswith(b"\r"):
            problem(path, f"line {number} ends without CR")
        line = line[:-1] if line.endswith(b"\r") else line
        if b"\r" in line:
            problem(path, f"line {number} holds a bare carriage return")
        if len(line) > 75:
            problem(path, f"line {number} is {len(line)} octets long; at most 75 are allowed")
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except Exception as e:  # the parser's own verdict
        problem(path, f"python3-icalendar cannot read it: {e}")
        return
    if calendar.name != "VCALENDAR":
        problem(path, "it is not a VCALENDAR")
    if str(calendar.get("VERSION", "")) != "2.0":
        problem(path, "VERSION:2.0 is missing")
    if not calendar.get("PRODID"):
        problem(path, "PRODID is missing")
    if not calendar.subcomponents:
        problem(path, "it holds no component (RFC 5545 §3.6 requires one)")
    zones = {str(z.get("TZID")) for z in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            if not event.get(required):
                problem(path, f"an event has no {required}")
        stamp = event.get("DTSTAMP")
        if stamp is not None and getattr(stamp.dt, "tzinfo", None) is None:
            problem(path, "DTSTAMP is not in UTC")
        for key in ("DTSTART", "DTEND"):
            value = event.get(key)
            if value is None:
                continue
            zone = value.params.get("TZID")
            if zone and zone not in zones:
                problem(path, f"{key} names the time zone {zone}, which the calendar does not define")
            if zone is None and hasattr(value.dt, "hour") and value.dt.tzinfo is None:
                problem(path, f"{key} is a floating time: a calendar elsewhere would show it in its own zone")
        start, end = event.get("DTSTART"), event.get("DTEND")
        if start is not None and end is not None and type(start.dt) is not type(end.dt):
            problem(path, "DTSTART and DTEND are of different kinds")
    for zone in calendar.walk("VTIMEZONE"):
        if not zone.subcomponents:
            problem(path, f"the time zone {zone.get('TZID')} has no STANDARD or DAYLIGHT rule")


def check_feed(path):
    result = subprocess.run(["jing", "-c", ATOM_SCHEMA, path], capture_output=True, text=True)
    if result.returncode != 0:
        for line in result.stdout.splitlines() + result.stderr.splitlines():
            if "error" in line:
                problem(path, f"RFC 4287 schema: {line}")
        if not any("error" in l for l in result.stdout.splitlines() + result.stderr.splitlines()):
            problem(path, "jing could not check it")
    feed = feedparser.parse(path)
    if feed.bozo:
        problem(path, f"python3-feedparser: {feed.bozo_exception}")
    if feed.version != "atom10":
        problem(path, f"python3-feedparser reads it as {feed.version or 'no feed'}, not Atom 1.0")
    for entry in feed.entries:
        if not entry.get("link", "").startswith(("https://", "http://")):
            problem(path, f"the entry {entry.get('title')!r} has no absolute link")


def check_sitemap(path):
    result = subprocess.run(["xmllint", "--noout", "--schema", SITEMAP_SCHEMA, path], capture_output=True, text=True)
    if result.returncode != 0:
        for line in result.stderr.splitlines():
            if "validates" not in line:
                problem(path, f"sitemaps.org 0.9 schema: {line}")


def check_json(path):
    raw = open(path, encoding="utf-8").read()
    try:
        json.loads(raw)
    except ValueError as e:
        problem(path, f"not JSON: {e}")
    for markup in "<>&":
        if markup in raw:
            problem(path, f"holds {markup!r}, which a mislabelled answer could read as markup")


def check_search(site):
    """The search index as the search page reads it: meta.json names every piece, each piece is there,
    each stem's pages are pages of the index, and each page's text lies inside its texts file."""
    folder = os.path.join(site, "search")
    try:
        meta = json.load(open(os.path.join(folder, "meta.json"), encoding="utf-8"))
    except (OSError, ValueError) as e:
        problem(folder, f"no readable meta.json: {e}")
        return
    missing = [k for k in ("documents", "per_piece", "per_directory", "words", "stems", "docs", "kinds", "groups")
               if k not in meta]
    if missing:
        problem(folder, f"meta.json lacks {', '.join(missing)}")
        return
    named = {"index.html", "meta.json"}
    def directory(name):
        named.add(f"dirs/{name}.json")
        return json.load(open(os.path.join(folder, f"dirs/{name}.json"), encoding="utf-8"))["entries"]
    try:
        words = [e for d in meta["words"] for e in directory(d[1])]
        stems = [e for d in meta["stems"] for e in directory(d[1])]
        docs = [e for d in meta["docs"] for e in directory(d)]
    except (OSError, ValueError, KeyError) as e:
        problem(folder, f"a directory piece cannot be read: {e}")
        return
    for listed, kind in ((words, "words"), (stems, "stems")):
        keys = [e[0] for e in listed]
        if keys != sorted(keys) or (keys and keys[0] != ""):
            problem(folder, f"the {kind} pieces are not listed in order from the first")
    named.update(f"words/{p[1]}.json" for p in words)
    named.update(f"stems/{p[1]}.json" for p in stems)
    named.update(f"places/{p[2]}.json" for p in stems)
    named.update(f"docs/{p[0]}.json" for p in docs)
    named.update(f"docs/{p[1]}.txt" for p in docs)
    present = {os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs}
    for path in sorted(named - present):
        problem(folder, f"meta.json names {path}, which is not there")
    for path in sorted(present - named):
        problem(folder, f"{path} is named by no meta.json entry")
    pages = 0
    for piece in docs:
        pages_of = json.load(open(os.path.join(folder, f"docs/{piece[0]}.json"), encoding="utf-8"))["docs"]
        size = os.path.getsize(os.path.join(folder, f"docs/{piece[1]}.txt"))
        for d in pages_of:
            pages += 1
            if d["text"][0] + d["text"][1] > size:
                problem(folder, f"the text of {d['url']} runs past the end of docs/{piece[1]}.txt")
    if pages != meta["documents"]:
        problem(folder, f"meta.json counts {meta['documents']} pages, the docs pieces hold {pages}")


def main(sites):
    if not sites:
        print(__doc__, file=sys.stderr)
        return 2
    for site in sites:
        counts = {"calendars": 0, "feeds": 0, "sitemaps": 0, "json": 0}
        for folder, _, files in os.walk(site):
            for name in sorted(files):
                path = os.path.join(folder, name)
                if name.endswith(".ics"):
                    check_calendar(path)
                    counts["calendars"] += 1
                elif name.endswith(".xml") and "feed" in os.path.relpath(path, site):
                    check_feed(path)
                    counts["feeds"] += 1
                elif name == "sitemap.xml":
                    check_sitemap(path)
                    counts["sitemaps"] += 1
                elif name.endswith(".json"):
                    check_json(path)
                    counts["json"] += 1
        # Every built site has each of these: one missing is a fault, not a file less to check.
        for kind, n in counts.items():
            if n == 0:
                problem(site, f"it holds no {kind}")
        check_search(site)
        print(f"{site}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
