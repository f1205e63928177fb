#!/usr/bin/env python3
"""The developers' own attack on a running preview (issue 25).

run.sh starts `portal serve` on a git copy of the every-kind fixture with raw
HTML allowed and a hostile page, then runs this script. Each attempt prints
`PASS family: what` or `FAIL family: what — got …`; the last line is
`N passed, M failed`, and the exit status is 1 when anything got through.

Nothing here waits for a clock: the preview's rebuilds are awaited through
its own long poll (/__portal/wait?since=N), each wait bounded by a count.
Socket timeouts of 60 s are safety nets only.
"""

import argparse
import html.parser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 60  # seconds: a safety net, never a synchronisation
MEMORY_GROWTH = 100 * 1024 * 1024  # what a batch of attacks may add to the server's resident memory
ROUNDS = 20  # rebuilds awaited at most before a condition is given up

ARGS = None
PORT = 0
HOST = ""  # the Host a browser on this computer sends
ORIGIN = ""
SECRET = ""
RESULTS = {"passed": 0, "failed": 0}


# ---------------------------------------------------------------- reporting

def record(ok, family, what, got=""):
    if ok:
        RESULTS["passed"] += 1
        print(f"PASS {family}: {what}", flush=True)
    else:
        RESULTS["failed"] += 1
        print(f"FAIL {family}: {what} — got {got}", flush=True)
    return ok


def attempt(family, what, body):
    """Runs one attempt; an exception is a failure of that attempt, and the script goes on."""
    try:
        body()
    except Exception as e:  # noqa: BLE001 - every error is reported as the attempt's failure
        record(False, family, what, f"an exception: {type(e).__name__}: {e}")


# ---------------------------------------------------------------- HTTP

class Response:
    def __init__(self, raw):
        self.raw = raw
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError(f"no whole answer: {raw[:200]!r}")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        self.status = int(parts[1])
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.setdefault(name.strip().lower(), []).append(value.strip())
        length = self.header("content-length")
        if length is not None:
            self.body = rest[: int(length)]
            self.after = rest[int(length):]  # bytes past the answer: a second, smuggled answer
        else:
            self.body = rest
            self.after = b""
        self.text = self.body.decode("utf-8", "replace")

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def json(self):
        return json.loads(self.text)

    def __repr__(self):
        return f"{self.status} {self.text[:300]!r}"


def connect():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


def read_all(s):
    chunks = []
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def exchange(raw):
    """Sends `raw` bytes as they are and reads the whole answer (the preview closes after each)."""
    with connect() as s:
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before all of it was read: the answer is still there to read
        return Response(read_all(s))


def request(method, path, headers=None, body=b"", host=None):
    head = f"{method} {path} HTTP/1.1\r\nHost: {host if host is not None else HOST}\r\n"
    for name, value in (headers or {}).items():
        head += f"{name}: {value}\r\n"
    if body or method == "POST":
        head += f"Content-Length: {len(body)}\r\n"
    head += "\r\n"
    return exchange(head.encode("latin-1") + body)


def get(path, host=None, headers=None):
    return request("GET", path, headers=headers, host=host)


def multipart(fields):
    boundary = "attack" + os.urandom(12).hex()
    body = b""
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.encode("utf-8")
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode() + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def editor_post(route, fields, origin=None, secret=None, extra=None, query=""):
    """A POST as the editor's own pages send it, unless told otherwise."""
    body, content_type = multipart(fields)
    headers = {"Origin": ORIGIN if origin is None else origin, "Content-Type": content_type}
    key = SECRET if secret is None else secret
    if key:
        headers["X-Portal-Secret"] = key
    headers.update(extra or {})
    return request("POST", f"/__portal/edit/{route}{query}", headers=headers, body=body)


# ---------------------------------------------------------------- the site and the server

def site_file(rel):
    return os.path.join(ARGS.site, rel)


def read_bytes(rel):
    with open(site_file(rel), "rb") as f:
        return f.read()


def write_atomically(rel, data):
    """Replaces a file by a rename, so that the preview's watcher never sees it half written."""
    path = site_file(rel)
    hidden = os.path.join(os.path.dirname(path), ".attack-" + os.path.basename(path))
    with open(hidden, "wb") as f:
        f.write(data)
    os.replace(hidden, path)


def blob_id(rel):
    return subprocess.run(["git", "hash-object", site_file(rel)], check=True, capture_output=True, text=True).stdout.strip()


def head_commit():
    return subprocess.run(["git", "-C", ARGS.site, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


def resident_memory():
    with open(f"/proc/{ARGS.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS for the server")


def version():
    """The preview's version now (the first build made it at least 1)."""
    return int(get("/__portal/wait?since=0").text.strip())


def until(condition):
    """Waits, rebuild by rebuild, until `condition()` holds; at most ROUNDS rebuilds (or 25 s polls)."""
    for _ in range(ROUNDS):
        seen = version()  # read before the condition: a rebuild in between is not missed
        if condition():
            return True
        get(f"/__portal/wait?since={seen}")
    return condition()


def save(path, text, publish=False, message="", base=None, extra=None):
    fields = {"path": path, "base": base if base is not None else blob_id(path), "mode": "text", "text": text}
    if publish:
        fields["message"] = message
    return editor_post("publish" if publish else "save", fields, extra=extra)


def built_site():
    """The public site, as `portal build --local` makes it from the source folder now: with what is
    saved but not committed, which a build to publish refuses (the stricter probe)."""
    out = tempfile.mkdtemp(dir=ARGS.work, prefix="public-")
    result = subprocess.run([ARGS.portal, "build", "--source", ARGS.site, "--output", out, "--local", "--quiet"],
                            capture_output=True, text=True, timeout=600)
    return out, result


def public_after(fam, what):
    """When an attempt got through: whether the public site built from it holds a restricted text."""
    out, result = built_site()
    leaks = files_holding(out, b"LEAKTOKEN")
    record(not leaks, fam, f"after {what} went through, the public build holds no LEAKTOKEN",
           f"{leaks} (build status {result.returncode})")


def files_under(folder):
    for root, _, names in os.walk(folder):
        for name in names:
            yield os.path.join(root, name)


def files_holding(folder, needle):
    found = []
    for path in files_under(folder):
        with open(path, "rb") as f:
            if needle in f.read():
                found.append(os.path.relpath(path, folder))
    return found


# ---------------------------------------------------------------- what may run in a page

class ScriptFinder(html.parser.HTMLParser):
    """Everything in a page that could run a script: handlers, javascript: addresses, inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def check(self, tag, attrs):
        names = {name: (value or "") for name, value in attrs}
        for name, value in names.items():
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if "javascript:" in squeezed or "vbscript:" in squeezed or squeezed.startswith("data:text/html"):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")
            if name in ("srcdoc", "formaction", "xlink:href"):
                self.found.append(f"<{tag} {name}=…>")
        if tag == "script":
            src = names.get("src", "")
            if not src:
                self.found.append("<script> without src")
            elif src.startswith("//") or re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
                self.found.append(f"<script src={src!r}> from elsewhere")
        if tag in ("iframe", "object", "embed", "frame", "frameset", "applet"):
            self.found.append(f"<{tag}>")
        # The editor's preview names the page's own address as its base; a base elsewhere moves every relative script.
        if tag == "base" and not re.match(r"^/(?!/)", names.get("href", "")):
            self.found.append(f"<base href={names.get('href', '')!r}>")
        if tag == "meta" and names.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")


def scripts_in(page_html):
    finder = ScriptFinder()
    finder.feed(page_html)
    finder.close()
    return finder.found


# ---------------------------------------------------------------- 1. script in content

def family_script_in_content():
    fam = "script-in-content"

    def preview_page():
        r = get("/hostile/")
        if not record(r.status == 200 and "HOSTILE-MARKER" in r.text and "HOSTILE-END" in r.text and "<details" in r.text, fam,
                      "the hostile page is in the preview, whole, its raw HTML kept where allowed", r):
            return
        found = scripts_in(r.text)
        record(not found, fam, "the preview's hostile page runs nothing (no handler, javascript: address, inline script)", found)
        policy = r.header("content-security-policy") or ""
        record("script-src 'self'" in policy, fam, "the preview's hostile page is sent with script-src 'self'", repr(policy))
        record(SECRET not in r.text, fam, "the preview's hostile page does not hold the editor's key", "the key in the page")
    attempt(fam, "the preview's hostile page", preview_page)

    def other_pages():
        for path in ("/", "/about/", "/no-such-page/"):
            r = get(path)
            found = scripts_in(r.text)
            policy = r.header("content-security-policy") or ""
            record(not found and "script-src 'self'" in policy and SECRET not in r.text, fam,
                   f"{path} runs nothing, is under script-src 'self' and holds no key", f"{found} {policy!r}")
    attempt(fam, "the preview's other pages", other_pages)

    def svg():
        r = get("/hostile.svg")
        policy = r.header("content-security-policy") or ""
        record(r.status == 200 and "<script>" in r.text and policy.strip() == "sandbox"
               and r.header("x-content-type-options") == "nosniff", fam,
               "an SVG from content/ with a script is sent under CSP sandbox and nosniff", f"{r.status} {policy!r}")
    attempt(fam, "the hostile SVG", svg)

    def check_preview():
        text = read_bytes("content/hostile.md").decode()
        r = editor_post("check", {"path": "content/hostile.md", "mode": "text", "text": text})
        preview = r.json().get("preview", "") if r.status == 200 else ""
        record(r.status == 200 and "HOSTILE-MARKER" in preview and "HOSTILE-END" in preview, fam,
               "the editor's check previews the hostile page", r)
        found = scripts_in(preview)
        record(not found and SECRET not in preview, fam, "the editor's preview of the hostile page runs nothing", found)
    attempt(fam, "the editor's preview", check_preview)

    def public_build():
        out, result = built_site()
        if not record(result.returncode == 0, fam, "portal build builds the site with the hostile page", result.stderr[-500:]):
            return
        page = os.path.join(out, "hostile", "index.html")
        with open(page, encoding="utf-8") as f:
            record("HOSTILE-END" in f.read(), fam, "the public site has the hostile page, whole", "no HOSTILE-END in it")
        bad = {}
        for path in files_under(out):
            if path.endswith(".html"):
                with open(path, encoding="utf-8", errors="replace") as f:
                    found = scripts_in(f.read())
                if found:
                    bad[os.path.relpath(path, out)] = found
        record(not bad, fam, "no page of the public site runs a script written in content", bad)
        svg_copy = os.path.join(out, "hostile.svg")
        record(True, fam, "the public site's copy of the SVG is served by the web server, not the preview"
               if os.path.exists(svg_copy) else "the public site has no copy of the hostile SVG")
        record(not files_holding(out, SECRET.encode()), fam, "the public site holds no editor key", "the key in a file")
    attempt(fam, "the public build", public_build)


# ---------------------------------------------------------------- 2. smuggling in the head

def family_smuggling():
    fam = "smuggling"
    many = ",".join(["0-"] * 300)
    attempts = [
        ("a bare LF before a Range of 300 ranges", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-A: b\nRange: bytes={many}\r\n\r\n", {400}),
        ("a bare LF before a Range of 300 ranges, the head ending in LF", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-A: b\nRange: bytes={many}\n\n", {400}),
        ("a bare CR between headers", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-A: b\rRange: bytes={many}\r\n\r\n", {400}),
        ("a NUL in a header", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-A: b\x00Range: bytes={many}\r\n\r\n", {400}),
        ("a folded header (obs-fold)", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-A: b\r\n Range: bytes={many}\r\n\r\n", {400}),
        ("a folded header with a tab", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-A: b\r\n\tc\r\n\r\n", {400}),
        ("two Range headers", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nRange: bytes=0-0\r\nRange: bytes={many}\r\n\r\n", {400}),
        ("two Content-Length headers", f"POST /__portal/edit/check HTTP/1.1\r\nHost: {HOST}\r\nOrigin: {ORIGIN}\r\n"
         f"X-Portal-Secret: {SECRET}\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n", {400}),
        ("two Host headers", f"GET /__portal/edit/ HTTP/1.1\r\nHost: {HOST}\r\nHost: evil.example:{PORT}\r\n\r\n", {400}),
        ("a Range of 300 ranges", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nRange: bytes={many}\r\n\r\n", {416}),
        ("a Range of 2 ranges", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nRange: bytes=0-0,1-1\r\n\r\n", {416}),
        ("a Range with a space before its colon", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nRange : bytes={many}\r\n\r\n", {400}),
        ("a whole request with LF line ends", f"GET / HTTP/1.1\nHost: {HOST}\nRange: bytes={many}\n\n", {400}),
        ("Transfer-Encoding with Content-Length", f"GET / HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 4\r\n"
         f"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400, 403, 411}),
    ]
    before = resident_memory()
    for what, raw, expected in attempts:
        def one(what=what, raw=raw, expected=expected):
            r = exchange(raw.encode("latin-1"))
            record(r.status in expected and not r.after, fam, f"{what}: {'/'.join(map(str, sorted(expected)))}",
                   f"{r.status}, {len(r.after)} bytes after the answer")
        attempt(fam, what, one)

    def pipelined():
        raw = (f"GET / HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\n\r\n"
               f"GET /__portal/edit/ HTTP/1.1\r\nHost: evil.example:{PORT}\r\n\r\n")
        r = exchange(raw.encode())
        record(r.status == 200 and not r.after and 'data-secret' not in r.text, fam,
               "a second request behind the first is not answered", f"{r.status}, {r.after[:200]!r}")
    attempt(fam, "a pipelined request", pipelined)

    def smuggled_body():
        # A body that is itself a request: the gate reads it as a body, never as a second request.
        inner = f"GET /__portal/edit/ HTTP/1.1\r\nHost: evil.example:{PORT}\r\n\r\n"
        raw = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {len(inner)}\r\n\r\n{inner}"
        r = exchange(raw.encode())
        record(r.status in (400, 403) and not r.after, fam, "a GET with a body holding a request: refused, once",
               f"{r.status}, {r.after[:200]!r}")
    attempt(fam, "a body holding a request", smuggled_body)

    def repeated():
        raw = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-A: b\nRange: bytes={many}\r\n\r\n".encode()
        statuses = {exchange(raw).status for _ in range(200)}
        record(statuses == {400}, fam, "200 bare-LF requests with 300 ranges: each 400", statuses)
        raw = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nRange: bytes={many}\r\n\r\n".encode()
        statuses = {exchange(raw).status for _ in range(200)}
        record(statuses == {416}, fam, "200 requests with 300 ranges: each 416", statuses)
    attempt(fam, "many of them", repeated)

    def after():
        r = get("/")
        record(r.status == 200, fam, "a normal GET is answered afterwards", r)
        r = get("/", headers={"Range": "bytes=0-9"})
        record(r.status == 206 and len(r.body) == 10, fam, "a single range is still answered (206)", r)
        grown = resident_memory() - before
        record(grown < MEMORY_GROWTH, fam, f"the server's memory grew by {grown // 1024} KB (under 100 MB)", f"{grown} bytes")
    attempt(fam, "afterwards", after)


# ---------------------------------------------------------------- 3. restricted marks

def family_restricted_marks():
    fam = "restricted-mark"
    path = "content/secret-page.md"
    original = read_bytes(path)
    text = original.decode()
    bom = "\ufeff"
    attempts = [
        ("a BOM and a control character in the title, the mark kept",
         bom + text.replace('title = "LEAKTOKEN', 'title = "\x01LEAKTOKEN')),
        ("a BOM and a control character before the mark",
         bom + text.replace("restricted = true", "\x01restricted = true")),
        ("a BOM and the mark taken away", bom + text.replace("restricted = true\n", "")),
        ("the mark taken away", text.replace("restricted = true\n", "")),
        ("the mark set to false", text.replace("restricted = true", "restricted = false")),
        ("the mark made a comment", text.replace("restricted = true", "# restricted = true")),
        ("the mark made a string", text.replace("restricted = true", 'restricted = "true"')),
        ("the mark moved into a table", text.replace("restricted = true\n", "") .replace("+++\n\n", "[extra]\nrestricted = true\n+++\n\n", 1)),
        ("the front matter broken, the mark kept", text.replace("restricted = true", "restricted = true\n= broken")),
    ]
    for what, new_text in attempts:
        def one(what=what, new_text=new_text):
            r = save(path, new_text)
            same = read_bytes(path) == original
            record(r.status == 422 and same, fam, f"save of secret-page.md with {what}: refused (422), the file unchanged",
                   f"{r}, file {'unchanged' if same else 'CHANGED'}")
            if not same:
                public_after(fam, f"the save with {what}")
                write_atomically(path, original)
        attempt(fam, what, one)

    def two_steps():
        # The file left unreadable, its mark still written in it (by a save, were one taken, or on disk),
        # then saved without the mark: the mark is read as the loader read it before, and at the last commit.
        broken = (bom + text.replace("restricted = true", "\x01restricted = true")).encode()
        write_atomically(path, broken)
        try:
            for what, new_text in (("a BOM", bom + text.replace("restricted = true\n", "")),
                                   ("no BOM", text.replace("restricted = true\n", "")),
                                   ("the mark set to false", text.replace("restricted = true", "restricted = false"))):
                r = save(path, new_text)
                same = read_bytes(path) == broken
                record(r.status == 422 and same, fam,
                       f"secret-page.md left unreadable on disk, then saved without its mark ({what}): refused (422), the file unchanged",
                       f"{r}, file {'unchanged' if same else 'CHANGED'}")
                if not same:
                    public_after(fam, f"the save without the mark ({what}) of an unreadable secret-page.md")
                    write_atomically(path, broken)
        finally:
            write_atomically(path, original)
    attempt(fam, "two steps", two_steps)

    def published():
        r = save(path, text.replace("restricted = true\n", ""), publish=True, message="Made public")
        same = read_bytes(path) == original
        record(r.status == 422 and same, fam, "publish of secret-page.md without its mark: refused (422), the file unchanged",
               f"{r}, file {'unchanged' if same else 'CHANGED'}")
        if not same:
            write_atomically(path, original)
    attempt(fam, "publish without the mark", published)


# ---------------------------------------------------------------- 4. restricted paper moved

def family_paper_moved():
    """The paper of restricted item E1 is withheld twice over: the item names it (`paper`) and it names
    the item (`item`). One of the two changed keeps it withheld, and may be saved; both changed, by
    two saves in either order, would publish it, and the second is refused. It is never published."""
    fam = "paper-moved"
    paper = "content/meetings/2020-03-18/e1-dhr-update.md"
    agenda = "content/meetings/2020-03-18/_index.md"
    restricted_files = {paper, "content/meetings/2020-03-18/e1-annex.pdf", "content/secret-page.md"}
    originals = {paper: read_bytes(paper), agenda: read_bytes(agenda)}
    first_commit = head_commit()
    paper_text = originals[paper].decode()
    agenda_text = originals[agenda].decode()
    moved = {
        "A1": paper_text.replace('item = "E1"', 'item = "A1"'),
        "B1": paper_text.replace('item = "E1"', 'item = "B1"'),
        "none": paper_text.replace('item = "E1"\n', ""),
        "e1": paper_text.replace('item = "E1"', 'item = "e1"'),
        "Z9": paper_text.replace('item = "E1"', 'item = "Z9"'),
    }
    named_by_a1 = agenda_text.replace('paper = "e1-dhr-update.md"\n', "").replace(
        'title = "Introduction"\n', 'title = "Introduction"\npaper = "e1-dhr-update.md"\n')
    unmarked = agenda_text.replace('restricted = true\npaper = "e1', 'paper = "e1')
    renamed = agenda_text.replace('code = "E1"', 'code = "E2"')
    for text, rel in [(t, paper) for t in moved.values()] + [(named_by_a1, agenda), (unmarked, agenda), (renamed, agenda)]:
        if text == originals[rel].decode():
            raise RuntimeError(f"an attempt changes nothing in {rel}: the fixture changed")

    def restore():
        for rel, data in originals.items():
            if read_bytes(rel) != data:
                write_atomically(rel, data)

    def refused(r, rel, before, what):
        same = read_bytes(rel) == before
        ok = record(r.status == 422 and same, fam, f"{what}: refused (422), the file unchanged",
                    f"{r}, file {'unchanged' if same else 'CHANGED'}")
        if not same:
            public_after(fam, what)
        return ok

    def withheld_or_refused(r, rel, what):
        """A change that keeps the paper withheld may be saved; the public site must not have it."""
        if r.status == 422 and read_bytes(rel) == originals[rel]:
            return record(True, fam, f"{what}: refused (422)")
        # A save answers once the preview has been rebuilt with it; a build that fails publishes nothing.
        shown = [page for page in ("/", "/meetings/", "/meetings/2020-03-18/") if "LEAKTOKEN" in get(page).text]
        out, result = built_site()
        leaks = files_holding(out, b"LEAKTOKEN")
        return record(r.status == 200 and not leaks and not shown, fam,
                      f"{what}: saved ({r.status}), the paper still withheld: neither the preview's pages nor the public "
                      f"build (status {result.returncode}) hold LEAKTOKEN",
                      f"{r}, LEAKTOKEN in {leaks} of the build and {shown} of the preview")

    # Both keys changed, by two saves, in either order: the second lifts the restriction.
    def paper_then_agenda():
        try:
            withheld_or_refused(save(paper, moved["A1"]), paper, "two steps, first: the paper's item set to A1")
            before = read_bytes(agenda)
            refused(save(agenda, named_by_a1), agenda, before, "two steps, then: the agenda's A1 naming the paper")
            refused(save(agenda, named_by_a1, publish=True, message="Moved"), agenda, before,
                    "two steps, then: the agenda's A1 naming the paper, published")
        finally:
            restore()
    attempt(fam, "paper, then agenda", paper_then_agenda)

    def agenda_then_paper():
        try:
            withheld_or_refused(save(agenda, named_by_a1), agenda, "two steps, first: the agenda's A1 naming the paper")
            before = read_bytes(paper)
            refused(save(paper, moved["A1"]), paper, before, "two steps, then: the paper's item set to A1")
            refused(save(paper, moved["A1"], publish=True, message="Moved"), paper, before,
                    "two steps, then: the paper's item set to A1, published")
        finally:
            restore()
    attempt(fam, "agenda, then paper", agenda_then_paper)

    for key, text in moved.items():
        def one(key=key, text=text):
            try:
                what = f"the paper's item {'taken away' if key == 'none' else 'set to ' + key}"
                withheld_or_refused(save(paper, text), paper, f"save with {what}")
                restore()
                refused(save(paper, text, publish=True, message="Moved"), paper, originals[paper], f"publish with {what}")
            finally:
                restore()
        attempt(fam, key, one)

    for what, text in (("the agenda's E1 mark taken away", unmarked), ("the agenda's E1 renamed E2", renamed)):
        for publish in (False, True):
            def agenda_change(what=what, text=text, publish=publish):
                try:
                    verb = "publish" if publish else "save"
                    refused(save(agenda, text, publish=publish, message="Changed"), agenda, originals[agenda], f"{verb} with {what}")
                finally:
                    restore()
            attempt(fam, what, agenda_change)

    def nothing_public():
        changed = subprocess.run(["git", "-C", ARGS.site, "diff", "--name-only", first_commit, "HEAD"],
                                 check=True, capture_output=True, text=True).stdout.split()
        record(not restricted_files & set(changed), fam, "no commit made since holds a restricted file", changed)
        out, result = built_site()
        record(result.returncode == 0, fam, "portal build builds the site", result.stderr[-500:])
        leaks = files_holding(out, b"LEAKTOKEN")
        record(not leaks, fam, "no file of the public build holds LEAKTOKEN", leaks)
    attempt(fam, "the public build", nothing_public)


# ---------------------------------------------------------------- 5. Markdown limits

def family_markdown_limits():
    fam = "markdown-limits"
    columns = 60_000
    table = "|" + "a|" * columns + "\n|" + "-|" * columns + "\n|" + "b|" * columns + "\n"
    text = read_bytes("content/about.md").decode() + "\n" + table
    results = {}
    go = threading.Barrier(2)

    def check():
        go.wait(TIMEOUT)
        start = time.monotonic()
        try:
            results["check"] = editor_post("check", {"path": "content/about.md", "mode": "text", "text": text})
        except Exception as e:  # noqa: BLE001
            results["check"] = e
        results["check_time"] = time.monotonic() - start

    def page():
        go.wait(TIMEOUT)
        start = time.monotonic()
        try:
            results["page"] = get("/")
        except Exception as e:  # noqa: BLE001
            results["page"] = e
        results["page_time"] = time.monotonic() - start

    threads = [threading.Thread(target=check), threading.Thread(target=page)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    r = results["check"]
    limits = []
    if isinstance(r, Response) and r.status == 200:
        limits = [d for d in r.json().get("diagnostics", []) if d.get("rule") == "limit"]
    record(bool(limits), fam, f"a check of a {columns}-column table is answered with a `limit` diagnostic "
           f"({results['check_time']:.2f} s)", r)
    p = results["page"]
    record(isinstance(p, Response) and p.status == 200, fam,
           f"a GET / sent with it is answered ({results['page_time']:.2f} s)", p)

    def nested():
        deep = "> " * 5000 + "deep\n" + "- " * 5000 + "list\n"
        r = editor_post("check", {"path": "content/about.md", "mode": "text", "text": read_bytes("content/about.md").decode() + "\n" + deep})
        limits = [d for d in r.json().get("diagnostics", [])] if r.status == 200 else []
        record(any(d.get("rule") == "limit" for d in limits), fam, "a check of 5,000 nested quotes and lists: a `limit` diagnostic", r)
    attempt(fam, "nesting", nested)


# ---------------------------------------------------------------- 6. symlinks

def family_symlinks():
    fam = "symlinks"
    events = site_file("content/events")
    kept = os.path.join(ARGS.work, "events-kept")
    outside = tempfile.mkdtemp(dir=ARGS.work, prefix="outside-")
    linked_page = site_file("content/linked.md")
    dangling = site_file("content/dangling.md")
    os.rename(events, kept)
    try:
        os.symlink(outside, events)
        # The attempts go to a preview that has seen the link (its panel names it), not one still on its way to it.
        record(until(lambda: "symbolic link" in panel_of(get("/").text)), fam,
               "the preview's panel names content/events as a link", "no panel naming it")

        def new_event():
            r = editor_post("new", {"kind": "event", "title": "Written through a link", "date": "2030-01-01"},
                            secret="", query=f"?secret={SECRET}")
            record(r.status != 303 and not os.listdir(outside), fam,
                   "a new event in content/events, a link to a folder outside: refused, the folder outside still empty",
                   f"{r.status}, outside holds {os.listdir(outside)}")
        attempt(fam, "new event through a linked folder", new_event)

        def refused_save(path, what):
            before = read_bytes(path)
            r = save(path, before.decode() + "\nWritten through a link.\n")
            same = read_bytes(path) == before
            record(r.status != 200 and same, fam, f"a save of {path}, {what}: refused",
                   f"{r}, file {'unchanged' if same else 'CHANGED'}")

        def save_through_folder():
            shutil.copy(os.path.join(kept, "webinar.md"), os.path.join(outside, "webinar.md"))
            refused_save("content/events/webinar.md", "through the linked folder")
        attempt(fam, "save through a linked folder", save_through_folder)

        def save_linked_file():
            target = os.path.join(outside, "linked.md")
            with open(target, "w") as f:
                f.write('+++\ntitle = "Linked"\n+++\n\nOutside.\n')
            os.symlink(target, linked_page)
            refused_save("content/linked.md", "a link to a file outside")
        attempt(fam, "save of a linked file", save_linked_file)

        def new_over_dangling():
            target = os.path.join(outside, "dangling-target.md")
            os.symlink(target, dangling)
            r = editor_post("new", {"kind": "page", "title": "Dangling", "name": "dangling"}, secret="", query=f"?secret={SECRET}")
            record(r.status != 303 and not os.path.exists(target), fam,
                   "a new page where a dangling link stands: refused, nothing written where it points",
                   f"{r.status}, target {'WRITTEN' if os.path.exists(target) else 'absent'}")
        attempt(fam, "new page over a dangling link", new_over_dangling)
    finally:
        for link in (events, linked_page, dangling):
            if os.path.islink(link):
                os.unlink(link)
        os.rename(kept, events)
    attempt(fam, "restored", lambda: record(
        until(lambda: get("/events/webinar/").status == 200), fam, "the preview has its events again", "no /events/webinar/"))


def family_paths():
    """Paths that lead out of content/ or to what the site does not load."""
    fam = "paths"
    config = read_bytes("site.toml")
    for path in ("content/../site.toml", "content/events/../../site.toml", "/etc/passwd", ARGS.site + "/site.toml",
                 "content\\..\\site.toml", "content/./about.md", "content//about.md", "content/.git-like.md",
                 "site.toml", ".git/config", "content/about.md\x00.txt", "content/%2e%2e/site.toml"):
        def one(path=path):
            r = editor_post("save", {"path": path, "base": "0" * 40, "mode": "text", "text": "title = 'x'\n"})
            record(r.status in (404, 422) and read_bytes("site.toml") == config, fam, f"a save of {path!r}: refused", r)
        attempt(fam, path, one)

    def new_outside():
        before = sorted(os.listdir(ARGS.site))
        for name in ("../../escaped", "../escaped", "/tmp/escaped", ".hidden", "a/../../escaped"):
            r = editor_post("new", {"kind": "page", "title": "Escaped", "name": name}, secret="", query=f"?secret={SECRET}")
            record(r.status != 303 and sorted(os.listdir(ARGS.site)) == before
                   and not os.path.exists(os.path.join(ARGS.work, "escaped.md")), fam,
                   f"a new page named {name!r}: refused, nothing written outside content/", f"{r.status} {r.header('location')}")
    attempt(fam, "new outside", new_outside)


# ---------------------------------------------------------------- 7. panel leak

def panel_of(page_html):
    m = re.search(r'<div role="alert".*?</div>', page_html, re.S)
    return m.group(0) if m else ""


def family_panel_leak():
    fam = "panel-leak"
    agenda = "content/meetings/2020-03-18/_index.md"
    paper = "content/meetings/2020-03-18/e1-dhr-update.md"
    originals = {agenda: read_bytes(agenda), paper: read_bytes(paper)}
    unreadable = originals[agenda].replace(b'title = "Partnership', b'title = "\x01Partnership')
    linked = originals[paper] + b"\nSee [the missing page](@/LEAKTOKEN-PANEL.md).\n"
    pages = ("/", "/about/", "/meetings/", "/no-such-page/")

    def shows(name):
        return lambda: name in panel_of(get("/").text)

    def leaks():
        found = {}
        for path in pages:
            r = get(path)
            if "LEAKTOKEN" in r.text:
                at = r.text.find("LEAKTOKEN")
                found[path] = r.text[max(0, at - 200): at + 60]
        return found

    def restore():
        for rel, data in originals.items():
            write_atomically(rel, data)
        return until(lambda: not panel_of(get("/").text))

    orders = [("the link added, then the agenda made unreadable", [(paper, linked, "e1-dhr-update.md"), (agenda, unreadable, "_index.md")]),
              ("the agenda made unreadable, then the link added", [(agenda, unreadable, "_index.md"), (paper, linked, "e1-dhr-update.md")])]
    for what, steps in orders:
        def one(what=what, steps=steps):
            try:
                for rel, data, name in steps:
                    write_atomically(rel, data)
                    if not record(until(shows(name)), fam, f"{what}: the panel names {name}", "no panel naming it"):
                        return
                found = leaks()
                record(not found, fam, f"{what}: no page's problem panel holds LEAKTOKEN", found)
            finally:
                record(restore(), fam, f"{what}: restored, the panel gone", "the panel stays")
        attempt(fam, what, one)


# ---------------------------------------------------------------- 8. DNS rebinding

def family_rebinding():
    fam = "rebinding"
    hosts = [f"evil.example:{PORT}", "evil.example", f"127.0.0.1.evil.example:{PORT}", f"localhost.evil.example:{PORT}",
             f"127.0.0.1:{PORT + 1 if PORT < 65535 else PORT - 1}", f"127.0.0.1:{PORT}.evil.example", f"[::1].evil.example:{PORT}",
             f"0x7f.0.0.1:{PORT}", f"2130706433:{PORT}"]
    for host in hosts:
        for path in ("/__portal/wait?since=0", "/", "/__portal/edit/", "/__portal/edit/doc/content/secret-page.md", "/__portal/reload.js"):
            def one(host=host, path=path):
                r = get(path, host=host)
                record(r.status == 403 and SECRET not in r.text and "LEAKTOKEN" not in r.text, fam,
                       f"GET {path} with Host {host}: 403", r)
            attempt(fam, f"{host} {path}", one)

    def no_host():
        r = exchange(b"GET /__portal/edit/ HTTP/1.1\r\n\r\n")
        record(r.status == 400 and SECRET not in r.text, fam, "GET /__portal/edit/ without Host: 400", r)
        r = exchange(b"GET /__portal/edit/ HTTP/1.0\r\n\r\n")
        record(r.status == 400 and SECRET not in r.text, fam, "GET /__portal/edit/ in HTTP/1.0 without Host: 400", r)
    attempt(fam, "no Host", no_host)

    def post_rebound():
        body, content_type = multipart({"path": "content/about.md", "mode": "text", "text": "x"})
        r = request("POST", "/__portal/edit/check", host=f"evil.example:{PORT}", body=body,
                    headers={"Origin": f"http://evil.example:{PORT}", "X-Portal-Secret": SECRET, "Content-Type": content_type})
        record(r.status == 403, fam, "a check from evil.example with its own Origin and the key: 403", r)
    attempt(fam, "a rebound POST", post_rebound)


# ---------------------------------------------------------------- 9. unchanged saves

def family_unchanged():
    fam = "unchanged-save"

    def same_text_crlf():
        path = "content/about.md"
        before = read_bytes(path)
        mtime = os.stat(site_file(path)).st_mtime_ns
        r = save(path, before.decode().replace("\n", "\r\n"))
        record(r.status == 200 and read_bytes(path) == before and os.stat(site_file(path)).st_mtime_ns == mtime, fam,
               "about.md saved with its own text in CRLF: bytes and time unchanged",
               f"{r}, bytes {'same' if read_bytes(path) == before else 'CHANGED'}")
    attempt(fam, "CRLF", same_text_crlf)

    def ends_at_mark():
        path = "content/ends-at-mark.md"
        before = read_bytes(path)
        if before.endswith(b"\n") or not before.endswith(b"+++"):
            raise RuntimeError(f"{path} does not end in +++ without a newline: {before!r}")
        for what, text in (("as it is", before.decode()), ("in CRLF", before.decode().replace("\n", "\r\n"))):
            mtime = os.stat(site_file(path)).st_mtime_ns
            r = save(path, text)
            now = read_bytes(path)
            record(r.status == 200 and now == before and os.stat(site_file(path)).st_mtime_ns == mtime, fam,
                   f"a file ending in +++ without a newline, saved {what}: bytes unchanged", f"{r}, bytes {now!r}")
            if now != before:
                write_atomically(path, before)
    attempt(fam, "ends at its mark", ends_at_mark)

    def lone_cr():
        path = "content/contact.md"
        before = read_bytes(path)
        try:
            r = save(path, before.decode() + "\nLINEONE\rLINETWO\n")
            now = read_bytes(path)
            record(r.status == 200 and b"LINEONELINETWO" not in now and b"LINEONE\nLINETWO" in now, fam,
                   "a lone CR in the text: saved as a line break, the lines not joined", f"{r}, {now[-40:]!r}")
            r = editor_post("check", {"path": path, "mode": "text", "text": before.decode() + "\nLINEONE\rLINETWO\n"})
            preview = r.json().get("preview", "") if r.status == 200 else ""
            record("LINEONELINETWO" not in preview and "LINEONE" in preview, fam,
                   "a lone CR in a check: the preview does not join the lines", r)
        finally:
            write_atomically(path, before)
    attempt(fam, "lone CR", lone_cr)


# ---------------------------------------------------------------- 10. unauthenticated bodies

def family_unauthenticated():
    fam = "unauthenticated-body"
    size = 3 * 1024 * 1024
    kinds = ([("/__portal/edit/save", {})] * 20 + [("/", {})] * 10 + [("/__portal/edit/save", {"Origin": ORIGIN})] * 10
             + [("/__portal/edit/save", {"Origin": ORIGIN, "X-Portal-Secret": "0" * 64})] * 10)
    before = resident_memory()
    go = threading.Barrier(len(kinds))
    answers = [None] * len(kinds)

    def one(i, path, headers):
        try:
            with connect() as s:
                head = f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: {size}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
                go.wait(TIMEOUT)
                s.sendall(head.encode())
                # Only the head is sent: an answer now proves the body was never waited for.
                answers[i] = Response(read_all(s)).status
        except Exception as e:  # noqa: BLE001
            answers[i] = f"{type(e).__name__}: {e}"

    threads = [threading.Thread(target=one, args=(i, path, headers)) for i, (path, headers) in enumerate(kinds)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    record(all(a == 403 for a in answers), fam, f"{len(kinds)} POSTs announcing 3 MB without Origin or key, head only: each 403",
           sorted(set(map(str, answers))))
    grown = resident_memory() - before
    record(grown < MEMORY_GROWTH, fam, f"the server's memory grew by {grown // 1024} KB (under 100 MB)", f"{grown} bytes")
    r = get("/")
    record(r.status == 200, fam, "a normal GET is answered afterwards", r)

    def foreign():
        fields = {"path": "content/about.md", "base": blob_id("content/about.md"), "mode": "text", "text": "changed\n"}
        before = read_bytes("content/about.md")
        for what, origin, extra in (
                ("a foreign Origin", "http://evil.example", {}),
                ("Origin null", "null", {}),
                ("an Origin that starts as ours", f"{ORIGIN}.evil.example", {}),
                ("an https Origin of ours", f"https://127.0.0.1:{PORT}", {}),
                ("our Origin marked cross-site", ORIGIN, {"Sec-Fetch-Site": "cross-site"}),
                ("our Origin marked same-site", ORIGIN, {"Sec-Fetch-Site": "same-site"}),
                ("localhost's Origin at 127.0.0.1", f"http://localhost:{PORT}", {})):
            r = editor_post("save", fields, origin=origin, extra=extra)
            record(r.status == 403 and read_bytes("content/about.md") == before, fam,
                   f"a save with the key but {what}: 403, nothing written", r)
        r = editor_post("save", fields, secret="f" * 64)
        record(r.status == 403 and read_bytes("content/about.md") == before, fam, "a save with our Origin and a wrong key: 403", r)
        r = editor_post("save", fields, secret="")
        record(r.status == 403 and read_bytes("content/about.md") == before, fam, "a save with our Origin and no key: 403", r)
    attempt(fam, "foreign origins", foreign)


# ---------------------------------------------------------------- main

def main():
    global ARGS, PORT, HOST, ORIGIN, SECRET
    parser = argparse.ArgumentParser()
    for name in ("--port", "--pid"):
        parser.add_argument(name, type=int, required=True)
    for name in ("--site", "--portal", "--work"):
        parser.add_argument(name, required=True)
    ARGS = parser.parse_args()
    PORT = ARGS.port
    HOST = f"127.0.0.1:{PORT}"
    ORIGIN = f"http://{HOST}"

    # The key, as a page of the editor carries it.
    page = get("/__portal/edit/")
    m = re.search(r'data-secret="([0-9a-f]{64})"', page.text)
    if not m:
        print(f"cannot read the editor's key from its start page: {page}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    SECRET = m.group(1)

    start = time.monotonic()
    for family in (family_rebinding, family_smuggling, family_unauthenticated, family_script_in_content,
                   family_restricted_marks, family_paper_moved, family_markdown_limits, family_unchanged,
                   family_symlinks, family_paths, family_panel_leak):
        began = time.monotonic()
        attempt(family.__name__, "the whole family", family)
        print(f"# {family.__name__}: {time.monotonic() - began:.1f} s", flush=True)
    print(f"# all: {time.monotonic() - start:.1f} s")
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
