#!/usr/bin/env python3
"""Writes a `git fast-import` stream: FILES content files in a first commit, then
COMMITS-1 commits each changing a few of them (and now and then renaming one).

Usage: gen_history.py FILES COMMITS | git fast-import --quiet
Deterministic: the same arguments give the same repository.
"""
import random
import sys


def main():
    files, commits = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(files * 7919 + commits)
    paths = [f"content/meetings/{2000 + i // 3650:04d}-{(i // 10) % 12 + 1:02d}-{i // 10 % 28 + 1:02d}-{i // 10}/paper-{i % 10}.md"
             for i in range(files)]
    out = sys.stdout.buffer
    t = 1_500_000_000

    def data(text):
        raw = text.encode()
        out.write(b"data %d\n" % len(raw) + raw + b"\n")

    def commit(n, ops):
        nonlocal t
        t += 3600
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.org> %d +0000\n" % t)
        data(f"Change {n}")
        for op in ops:
            out.write(op)

    first = []
    for p in paths:
        first.append(b"M 100644 inline " + p.encode() + b"\n")
        raw = f"+++\ntitle = \"{p}\"\n+++\n\nBody of {p}.\n".encode()
        first.append(b"data %d\n" % len(raw) + raw + b"\n")
    commit(0, first)
    for n in range(1, commits):
        ops = []
        for _ in range(5):
            i = rng.randrange(files)
            raw = f"+++\ntitle = \"{paths[i]}\"\n+++\n\nRevision {n} of {paths[i]}.\n".encode()
            ops.append(b"M 100644 inline " + paths[i].encode() + b"\n" + b"data %d\n" % len(raw) + raw + b"\n")
        if n % 100 == 0:
            i = rng.randrange(files)
            new = paths[i].replace(".md", f"-r{n}.md")
            ops.append(b"R " + paths[i].encode() + b" " + new.encode() + b"\n")
            paths[i] = new
        commit(n, ops)
    out.write(b"done\n")


if __name__ == "__main__":
    main()
