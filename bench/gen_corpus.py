#!/usr/bin/env python3
"""Writes a deterministic portal site of about N pages for benchmarks.

Usage: gen_corpus.py N OUT_DIR

Each meeting contributes six pages (agenda, four papers, notes); papers carry
headings, lists, a table, internal links and priorities valid for their date,
so every check of the portal has work to do. The same N always gives the same
bytes.
"""
import datetime
import os
import random
import sys

PRIORITIES_2019 = ["domestic-abuse", "substance-misuse", "serious-organised-crime", "road-safety"]
PRIORITIES_2020 = ["domestic-abuse", "substance-misuse", "serious-violence-organised-crime", "road-safety"]
WORDS = ("partnership community safety agreement priority domestic abuse violence reduction "
         "substance misuse road casualty prevention education victims resilience county district "
         "working group action plan performance funding project conference information session").split()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def sentence(rng, n=18):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng, sentences=5):
    return " ".join(sentence(rng) for _ in range(sentences))


def agreement(slug, version, effective, priorities, formerly=None, supersedes=None):
    lines = ["+++", f'title = "Community Safety Agreement ({slug})"', f'version = "{version}"',
             f"effective = {effective}", 'plans = ["safer-in-kent", "drug-strategy"]']
    if supersedes:
        lines.append(f'supersedes = "{supersedes}"')
    for p in priorities:
        lines += ["", "[[priorities]]", f'id = "{p}"', f'name = "{p.replace("-", " ").title()}"']
        if formerly and p in formerly:
            lines.append(f'formerly = ["{formerly[p]}"]')
    for p in priorities:
        lines += ["", "[[leads]]", f'priority = "{p}"', 'lead = "Lead officer"']
    lines += ["+++", "", "## 1. Introduction", "", "The agreement.", ""]
    return "\n".join(lines)


def paper_body(rng, meeting, code, previous):
    parts = [f"## 1.0 Background", "", paragraph(rng), "",
             "## 2.0 Update", "", paragraph(rng, 6), "",
             "- " + sentence(rng, 8), "- " + sentence(rng, 8), "- " + sentence(rng, 8), "",
             "| Measure | Value |", "|---|---|"]
    parts += [f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(6)]
    parts += ["", "## 3.0 Links", "",
              "See [the agreement's leads](@/agreements/2020-04.md#leads)"
              + (f" and [the previous meeting's paper](@/meetings/{previous}/b1-paper.md#20-update)." if previous else "."),
              "", "### 3.1 Detail", "", paragraph(rng, 8), ""]
    return "\n".join(parts)


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(n)
    write(f"{out}/site.toml", 'title = "Bench"\npartnership = "Bench Partnership"\nbase_url = "https://example.org/"\n')
    write(f"{out}/content/_index.md", '+++\ntitle = "Bench"\n+++\n\nHome.\n')
    write(f"{out}/content/plans.toml",
          '[[plan]]\nid = "safer-in-kent"\ntitle = "Safer in Kent"\nowner = "PCC"\n\n'
          '[[plan]]\nid = "drug-strategy"\ntitle = "Drug Strategy"\nowner = "KCC"\n')
    write(f"{out}/content/agreements/2019-04.md", agreement("2019-04", "3.0", "2019-04-01", PRIORITIES_2019))
    write(f"{out}/content/agreements/2020-04.md",
          agreement("2020-04", "4.0", "2020-04-01", PRIORITIES_2020,
                    {"serious-violence-organised-crime": "serious-organised-crime"}, "2019-04"))
    meetings = max(1, (n - 3) // 6)
    start = datetime.date(2019, 4, 1)
    previous = None
    for i in range(meetings):
        day = start + datetime.timedelta(days=i)
        folder = day.isoformat()
        prios = PRIORITIES_2019 if day < datetime.date(2020, 4, 1) else PRIORITIES_2020
        items = ['[[items]]\ncode = "A1"\ntitle = "Apologies"']
        if previous:
            items.append(f'[[items]]\ncode = "A2"\ntitle = "Notes of the previous meeting"\nminutes_of = "{previous}"')
        for k in range(1, 5):
            items.append(f'[[items]]\ncode = "B{k}"\ntitle = "Paper {k}"\npaper = "b{k}-paper.md"\npages = "{k}-{k + 9}"')
        write(f"{out}/content/meetings/{folder}/_index.md",
              f'+++\ntitle = "Meeting {folder}"\ndate = {folder}T10:00:00\nvenue = "Council Chamber"\n\n'
              + "\n\n".join(items) + "\n+++\n")
        for k in range(1, 5):
            write(f"{out}/content/meetings/{folder}/b{k}-paper.md",
                  f'+++\ntitle = "Paper {k} of {folder}"\nitem = "B{k}"\nauthors = ["Author"]\n'
                  f'classification = "For Information"\npriorities = ["{rng.choice(prios)}"]\n+++\n\n'
                  + paper_body(rng, folder, f"B{k}", previous))
        minutes = "\n\n".join(f"## {i * 5 + k}. Paper {k} (Item B{k})\n\n{paragraph(rng, 3)}" for k in range(1, 5))
        write(f"{out}/content/meetings/{folder}/notes.md",
              f'+++\ntitle = "Notes of {folder}"\npresent = ["Chair", "Member"]\n+++\n\n'
              f"## {i * 5}. Apologies (Item A1)\n\nNone.\n\n{minutes}\n")
        previous = folder


if __name__ == "__main__":
    main()
