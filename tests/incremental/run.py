#!/usr/bin/env python3
"""A rebuild is never wrong: random sequences of edits to a fixture site, and
after each one the rebuild into the same output compared, byte for byte and
with what it printed about the content, with a full build into an empty
folder (docs/incremental.md).

Usage: tests/incremental/run.py PORTAL [--seed N] [--steps N] [--runs N]

Each run copies tests/sites/every-kind (with a copy of the default theme, so
that its templates can change) into a git repository, then takes random
steps: a sentence added, a letter changed keeping the size and the time (as
within the same tick of the clock as the last build), a title changed, a file touched without a
change, a priority renamed in the agreement in force, a template changed, a
document renamed, one deleted, one added (linking to another), a link to a
document not there yet (the next one added), a PDF moved away or back, a commit, the clock moved past a document's
date, what was not committed put back, and nothing at all. A sentence added
to one document must not draw every page again, nor walk a commit of the
history. A failure prints the seed, the step and the first difference; the
same seed repeats the same steps.
"""
import argparse
import filecmp
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(ROOT, "tests", "sites", "every-kind")
THEME = os.path.join(ROOT, "themes", "default")
# Dates the clock takes, in order: before the fixture's documents of 2999, then past the first of them.
CLOCK = ["2026-12-05", "2999-01-11", "2999-01-14"]


def git(site, *args):
    subprocess.run(["git", "-C", site, *args], check=True, capture_output=True)


def documents(site):
    found = []
    for folder, _, files in os.walk(os.path.join(site, "content")):
        found += [os.path.join(folder, f) for f in files if f.endswith(".md")]
    return sorted(found)


def edit(path, change):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    changed = change(text)
    if changed == text:
        return False
    with open(path, "w", encoding="utf-8") as f:
        f.write(changed)
    return True


class Site:
    def __init__(self, work, rng):
        self.rng = rng
        self.path = os.path.join(work, "site")
        shutil.copytree(FIXTURE, self.path)
        shutil.copytree(THEME, os.path.join(self.path, "themes", "default"))
        git(self.path, "init", "-q")
        git(self.path, "add", "-A")
        self.commit()
        self.clock = 0
        self.last_edited = None
        self.added = 0

    def commit(self):
        git(self.path, "add", "-A")
        git(self.path, "-c", "user.name=Comms Officer", "-c", "user.email=comms@example.org",
            "commit", "-q", "--allow-empty", "-m", "A change to the site")

    def pick(self, pattern=".md"):
        files = [d for d in documents(self.path) if d.endswith(pattern)]
        return self.rng.choice(files) if files else None

    # The steps; each says what it did.
    def sentence(self):
        doc = self.pick()
        edit(doc, lambda t: t + "\nA sentence added in a rebuild test.\n")
        self.last_edited = doc
        return "a sentence added to " + doc

    def same_size(self):
        # The file edited last, written again with its size and time kept: as
        # if within the same tick of the file system's clock as the build that read it.
        doc = self.last_edited if self.last_edited and os.path.exists(self.last_edited) else self.pick()
        before = os.stat(doc)
        def swap(text):
            body = text.rfind("+++")
            at = text.find("e", body + 3)
            return text if at < 0 else text[:at] + "a" + text[at + 1:]
        if not edit(doc, swap):
            return "nothing"
        os.utime(doc, ns=(before.st_atime_ns, before.st_mtime_ns))
        return "a letter changed, the size and time kept, in " + doc

    def title(self):
        doc = self.pick()
        n = self.rng.randint(1, 99)
        if not edit(doc, lambda t: re.sub(r'^title = "([^"]*)"', lambda m: f'title = "{m.group(1)} {n}"', t, count=1,
                                          flags=re.M)):
            return "nothing"
        self.last_edited = doc
        return "a title changed in " + doc

    def touch(self):
        doc = self.pick()
        os.utime(doc)
        return "touched without a change: " + doc

    def priority(self):
        agreements = [d for d in documents(self.path) if "/agreements/" in d]
        if not agreements:
            return "nothing"
        n = self.rng.randint(1, 99)
        if not edit(agreements[-1], lambda t: re.sub(r'^name = "Domestic Abuse[^"]*"', f'name = "Domestic Abuse {n}"',
                                                     t, flags=re.M)):
            return "nothing"
        return "a priority renamed in the agreement in force"

    def template(self):
        templates = os.path.join(self.path, "themes", "default", "templates")
        name = self.rng.choice(sorted(os.listdir(templates)))
        edit(os.path.join(templates, name), lambda t: t + "\n")
        return "a template changed: " + name

    def rename(self):
        doc = self.pick()
        if doc is None or doc.endswith("_index.md"):
            return "nothing"
        target = doc[:-3] + "-renamed.md"
        os.rename(doc, target)
        return "renamed " + doc

    def delete(self):
        doc = self.pick()
        if doc is None or doc.endswith("_index.md"):
            return "nothing"
        os.remove(doc)
        return "deleted " + doc

    def add_page(self):
        # A new document, itself linking to one already there.
        self.added += 1
        target = os.path.relpath(self.pick(), os.path.join(self.path, "content"))
        with open(os.path.join(self.path, "content", f"notice-{self.added}.md"), "w", encoding="utf-8") as f:
            f.write(f'+++\ntitle = "Notice {self.added}"\n+++\n\nAbout [a page](@/{target}).\n')
        return f"added content/notice-{self.added}.md, linking to {target}"

    def link_ahead(self):
        # A link to the document the next page added will be: broken until then.
        doc = self.pick()
        edit(doc, lambda t: t + f"\nSee [the next notice](@/notice-{self.added + 1}.md).\n")
        self.last_edited = doc
        return f"a link to notice-{self.added + 1}.md, not there yet, added to " + doc

    def move_file(self):
        # A file that is not a document (a PDF a text links to) moved away, or back.
        content = os.path.join(self.path, "content")
        files = sorted(os.path.join(folder, f) for folder, _, names in os.walk(content) for f in names
                       if f.endswith(".pdf"))
        if not files:
            return "nothing"
        pdf = self.rng.choice(files)
        target = pdf[:-len("-moved.pdf")] + ".pdf" if pdf.endswith("-moved.pdf") else pdf[:-4] + "-moved.pdf"
        os.rename(pdf, target)
        return f"moved {pdf} to {target}"

    def new_commit(self):
        self.commit()
        return "a commit"

    def clock_on(self):
        if self.clock + 1 == len(CLOCK):
            return "nothing"
        self.clock += 1
        return "the clock at " + CLOCK[self.clock]

    def restore(self):
        git(self.path, "reset", "-q", "--hard")
        git(self.path, "clean", "-q", "-f", "-d")
        return "what was not committed put back"

    def nothing(self):
        return "nothing"


STEPS = ["sentence", "sentence", "same_size", "title", "touch", "priority", "template", "rename", "delete",
         "add_page", "link_ahead", "move_file", "new_commit", "clock_on", "nothing"]


def build(portal, site, output, today, *extra):
    env = dict(os.environ, PORTAL_TODAY=today)
    done = subprocess.run([portal, "build", "--source", site.path, "--output", output, "--local", *extra],
                          capture_output=True, text=True, env=env)
    # What the build says about the content; not the line of what it did, nor the output's path.
    said = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("portal: warning: "))
    return done.returncode, said, done.stdout


def drawn(printed):
    """The pages a build says it drew."""
    found = re.search(r"drew (\d+) pages?", printed)
    return int(found.group(1)) if found else 0


def rendered(printed):
    """The texts a build says it rendered."""
    found = re.search(r"rendered (\d+) texts?", printed)
    return int(found.group(1)) if found else 0


def commits_read(printed):
    """The commits of the history a build says it walked."""
    found = re.search(r"^Read (\d+) commits? of the history", printed, flags=re.M)
    return int(found.group(1)) if found else None


def differences(a, b):
    compared = filecmp.dircmp(a, b)
    found = [f"only in the rebuild: {n}" for n in compared.left_only]
    found += [f"only in the full build: {n}" for n in compared.right_only]
    found += [f"differs: {n}" for n in compared.diff_files + compared.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    found += [f"differs: {n}" for n in mismatch + errors if f"differs: {n}" not in found]
    for sub in compared.common_dirs:
        found += [os.path.join(sub, d) for d in differences(os.path.join(a, sub), os.path.join(b, sub))]
    return found


def run(portal, seed, steps, work):
    rng = random.Random(seed)
    site = Site(work, rng)
    rebuilt = os.path.join(work, "public")
    checked = {"nothing": 0, "unchanged": 0}
    last_ok = False
    for n in range(steps):
        # A site left with errors is often put back, as its author would.
        step = "nothing" if n == 0 else "restore" if not last_ok and rng.random() < 0.5 else rng.choice(STEPS)
        did = getattr(site, step)()
        today = CLOCK[site.clock]
        code, said, printed = build(portal, site, rebuilt, today)
        full = tempfile.mkdtemp(dir=work)
        full_code, full_said, full_printed = build(portal, site, os.path.join(full, "public"), today, "--full")
        where = f"seed {seed}, step {n + 1} ({did})"
        if (code, said) != (full_code, full_said):
            sys.exit(f"FAIL {where}: the rebuild said\n{said}\n(exit {code}), the full build\n{full_said}\n"
                     f"(exit {full_code})")
        if code == 0:
            found = differences(rebuilt, os.path.join(full, "public"))
            if found:
                sys.exit(f"FAIL {where}: the outputs differ:\n  " + "\n  ".join(found[:20]))
            # Straight after a build, a build with nothing changed does nothing, and says so.
            _, _, again = build(portal, site, rebuilt, today)
            if "Nothing had changed" not in again:
                sys.exit(f"FAIL {where}: a rebuild with nothing changed did work:\n{again}")
            checked["nothing"] += 1
        # A change of any input is seen; a file touched without a change, or nothing, is not a change.
        unchanged = did == "nothing" or did.startswith("touched")
        if not unchanged and "Nothing had changed" in printed:
            sys.exit(f"FAIL {where}: the rebuild did not see the change")
        if unchanged and last_ok and code == 0:
            if "Nothing had changed" not in printed:
                sys.exit(f"FAIL {where}: the rebuild did work though nothing had changed:\n{printed}")
            checked["unchanged"] += 1
        # A sentence added to one document draws again only the pages that show it, never all of them.
        if did.startswith("a sentence") and last_ok and code == 0 and drawn(printed) >= drawn(full_printed):
            sys.exit(f"FAIL {where}: the rebuild drew {drawn(printed)} pages, as many as a full build")
        # And renders again only the texts that changed and those never kept (drafts, restricted papers).
        if did.startswith("a sentence") and last_ok and code == 0 and rendered(printed) >= rendered(full_printed):
            sys.exit(f"FAIL {where}: the rebuild rendered {rendered(printed)} texts, as many as a full build")
        # And walks no commit of the history: the last build kept what it read, and HEAD is where it was.
        if did.startswith("a sentence") and last_ok and code == 0 and commits_read(printed) != 0:
            sys.exit(f"FAIL {where}: the rebuild walked {commits_read(printed)} commits of the history, not 0")
        last_ok = code == 0
        shutil.rmtree(full)
    return checked


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("portal")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    portal = os.path.abspath(args.portal)
    seeds = [args.seed] if args.seed is not None else [random.randrange(1 << 30) for _ in range(args.runs)]
    for seed in seeds:
        with tempfile.TemporaryDirectory() as work:
            checked = run(portal, seed, args.steps, work)
        print(f"seed {seed}: {args.steps} steps, each rebuild the same as a full build; "
              f"{checked['nothing'] + checked['unchanged']} rebuilds with nothing changed did nothing")


if __name__ == "__main__":
    main()
