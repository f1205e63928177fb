#!/usr/bin/env python3
"""The code's limits, checked on every C++ file under a folder (the repository's generator/ by default):

  - no function longer than 80 lines, a lambda counting as part of the function it is written in
    (Universal Ctags gives each function's first and last line);
  - no file longer than 500 lines;
  - no line wider than 120 columns (characters, not bytes);
  - the file as clang-format (the repository's .clang-format) would write it.

Usage: limits.py [FOLDER]. Prints each breach as `file:line: what`, and exits 1 when there is one.
"""

import pathlib
import subprocess
import sys

MAX_FUNCTION = 80
MAX_FILE = 500
MAX_COLUMNS = 120


def sources(folder):
    return sorted(p for p in folder.rglob("*") if p.suffix in (".cpp", ".h") and p.is_file())


def long_functions(files):
    """Functions (and methods) whose body runs over MAX_FUNCTION lines, from ctags' line and end fields."""
    out = subprocess.run(
        ["ctags", "--languages=C++", "--kinds-C++=f", "--fields=+ne", "-o", "-", *map(str, files)],
        check=True, capture_output=True, text=True).stdout
    for row in out.splitlines():
        cells = row.split("\t")
        fields = dict(c.split(":", 1) for c in cells[3:] if ":" in c)
        if "line" not in fields or "end" not in fields:
            continue
        length = int(fields["end"]) - int(fields["line"]) + 1
        if length > MAX_FUNCTION:
            yield f"{cells[1]}:{fields['line']}: function {cells[0]} is {length} lines (at most {MAX_FUNCTION}): " \
                  "cut it into named steps"


def long_files_and_lines(files):
    for f in files:
        lines = f.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) > MAX_FILE:
            yield f"{f}:1: the file is {len(lines)} lines (at most {MAX_FILE}): split it by what its parts do"
        for n, line in enumerate(lines, 1):
            if len(line) > MAX_COLUMNS:
                yield f"{f}:{n}: the line is {len(line)} columns (at most {MAX_COLUMNS})"


def unformatted(files, style_root):
    """Files clang-format would change, with its own message for the first place in each."""
    result = subprocess.run(["clang-format", "--dry-run", "-Werror", f"--style=file:{style_root / '.clang-format'}",
                             *map(str, files)], capture_output=True, text=True)
    for line in result.stderr.splitlines():
        if ": error: " in line:
            yield line + " (run clang-format -i on the file)"


def main():
    root = pathlib.Path(__file__).resolve().parents[2]
    folder = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "generator"
    files = sources(folder)
    if not files:
        print(f"{folder}: no C++ files to check", file=sys.stderr)
        return 2
    breaches = [*long_functions(files), *long_files_and_lines(files), *unformatted(files, root)]
    for b in breaches:
        print(b)
    print(f"{len(files)} files checked, {len(breaches)} over the limits")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
