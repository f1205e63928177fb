#!/usr/bin/env python3
"""Writes a deterministic portal site of about N pages for benchmarks.

Usage: gen_corpus.py N OUT_DIR [--hugo HUGO_DIR] [--commits C] [--vocabulary V]

With --hugo, the same pages are also written as a Hugo site (same Markdown and
TOML front matter), with two sets of layouts: minimal ones (config.toml,
layouts/), and in matched/ a configuration and layouts that make the pages the
portal makes (menu, breadcrumbs, a paper's facts, priorities as taxonomy pages
listing their papers, a feed, a search index of every page's text, the last
change from git); run them with `--config matched/config.toml --layoutDir
matched/layouts`. With --commits, each site becomes a git
repository: one commit adding everything, then C-1 commits each changing five
random pages.

Each meeting contributes six pages (agenda, four papers, notes); papers carry
headings, lists, a table, internal links and priorities valid for their date,
so every check of the portal has work to do. The same N always gives the same
bytes.

By default the text draws on 29 words, evenly. With --vocabulary, it draws on
V words with Zipf's law (the k-th most common word about 1/k as often as the
first), as real text does: those 29 first, then made-up words of two to four
syllables. That gives a search index words both common and rare
(bench/search.sh).
"""
import bisect
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


VOCABULARY = None   # with --vocabulary: the words, most common first
CUMULATIVE = None   # and their cumulative Zipf weights


def zipf_vocabulary(size):
    """WORDS, then made-up words, `size` in all, with Zipf weights (exponent 1)."""
    global VOCABULARY, CUMULATIVE
    made = random.Random(size)
    onsets = "b c d f g h j k l m n p r s t v w z br ch cl dr gr pl sh st th tr".split()
    vowels = "a e i o u ai ea ou".split()
    words, seen = list(WORDS), set(WORDS)
    while len(words) < size:
        w = "".join(made.choice(onsets) + made.choice(vowels) for _ in range(made.randint(2, 4)))
        if made.random() < 0.5:
            w += made.choice("n r s t l".split())
        if w not in seen:
            seen.add(w)
            words.append(w)
    VOCABULARY = words
    total, CUMULATIVE = 0.0, []
    for rank in range(1, size + 1):
        total += 1.0 / rank
        CUMULATIVE.append(total)


def sentence(rng, n=18):
    if VOCABULARY:
        top = CUMULATIVE[-1]
        words = [VOCABULARY[bisect.bisect(CUMULATIVE, rng.random() * top)] for _ in range(n)]
    else:
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
    parts = [f"## 1.0 Background", "", paragraph(rng), "", paragraph(rng), "", paragraph(rng), "",
             "## 2.0 Update", "", paragraph(rng, 6), "", paragraph(rng, 6), "",
             "- " + sentence(rng, 8), "- " + sentence(rng, 8), "- " + sentence(rng, 8), "",
             "| Measure | Value |", "|---|---|"]
    parts += [f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(6)]
    parts += ["", "## 3.0 Links", "",
              "See [the agreement's leads](@/agreements/2020-04.md#leads)"
              + (f" and [the previous meeting's paper](@/meetings/{previous}/b1-paper.md#20-update)." if previous else "."),
              "", "### 3.1 Detail", "", paragraph(rng, 8), "", paragraph(rng, 8), "",
              "### 3.2 Next steps", "", paragraph(rng, 8), "", "1. " + sentence(rng), "2. " + sentence(rng), ""]
    return "\n".join(parts)


HUGO_CONFIG = """baseURL = "https://example.org/"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_BASEOF = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main>
{{ with .GitInfo }}<p>Last updated {{ .AuthorDate.Format "2 January 2006" }}: {{ .Subject }}</p>{{ end }}</body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ with .Params.priorities }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}{{ .Content }}{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }}</li>{{ end }}</ul>{{ end }}
"""


# The portal's work, as Hugo does it: what every page of the portal shows,
# priorities as a taxonomy (a page per priority listing its papers), a feed,
# and a search index (each page's plain text, the usual form for Hugo sites,
# written in one linear pass).
MATCHED_CONFIG = """baseURL = "https://example.org/"
title = "Bench"
languageCode = "en-GB"
rssLimit = 20
[taxonomies]
priority = "priorities"
[outputs]
home = ["HTML", "RSS", "JSON"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]
[markup.goldmark.renderer]
unsafe = false
"""
MATCHED_BASEOF = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title>
<link rel="stylesheet" href="{{ "assets/portal.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main-content">Skip to main content</a>
<header class="site-header">
<p class="site-name"><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></p>
<p class="header-search"><a href="{{ "search/" | relURL }}">Search</a></p>
<nav class="site-nav" aria-label="Main">
<ul>
{{ $page := . }}{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}"{{ if or (eq $page .) ($page.IsDescendant .) }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{ end }}<li><a href="{{ "priorities/" | relURL }}">Priorities</a></li>
</ul>
</nav>
</header>
{{ with .Ancestors }}<nav class="breadcrumbs" aria-label="Breadcrumb">
<ol>
{{ range .Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ol>
</nav>{{ end }}
<main id="main-content">
{{ block "main" . }}{{ end }}
{{ with .GitInfo }}<section id="history" class="history" aria-labelledby="history-heading">
<h2 id="history-heading">History</h2>
<dl class="facts"><dt>Last updated</dt><dd><time datetime="{{ .AuthorDate.Format "2006-01-02" }}">{{ .AuthorDate.Format "2 January 2006" }}</time>: {{ .Subject }}</dd></dl>
</section>{{ end }}
</main>
<footer class="site-footer"><p>{{ .Site.Title }}</p><p><a href="{{ "index.xml" | relURL }}">Feed</a></p></footer>
</body>
</html>
"""
MATCHED_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>
<dl class="facts">
{{ with .Parent }}<dt>Meeting</dt><dd><a href="{{ .RelPermalink }}">{{ .Title }}</a></dd>{{ end }}
{{ with .Params.item }}<dt>Agenda item</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.authors }}<dt>By</dt><dd><ul class="plain">{{ range . }}<li>{{ . }}</li>{{ end }}</ul></dd>{{ end }}
{{ with .Params.classification }}<dt>Classification</dt><dd>{{ . }}</dd>{{ end }}
</dl>
{{ with .GetTerms "priorities" }}<h2>Priorities</h2><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
<div id="content" class="prose">
{{ .Content }}
</div>
{{ end }}
"""
MATCHED_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul class="entries">
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Date }} ({{ .Format "2 January 2006" }}){{ end }}</li>
{{ end }}</ul>
{{ end }}
"""
MATCHED_INDEX_JSON = """{"documents":[{{ range $i, $p := .Site.RegularPages }}{{ if $i }},{{ end }}{{ dict "url" .RelPermalink "title" .Title "date" (.Date.Format "2 January 2006") "summary" .Params.summary "text" .Plain | jsonify }}{{ end }}]}
"""


def hugo_copy(portal_dir, hugo_dir):
    """The same pages as a Hugo site: Hugo reads TOML front matter between +++."""
    write(f"{hugo_dir}/config.toml", HUGO_CONFIG)
    write(f"{hugo_dir}/layouts/_default/baseof.html", HUGO_BASEOF)
    write(f"{hugo_dir}/layouts/_default/single.html", HUGO_SINGLE)
    write(f"{hugo_dir}/layouts/_default/list.html", HUGO_LIST)
    write(f"{hugo_dir}/matched/config.toml", MATCHED_CONFIG)
    write(f"{hugo_dir}/matched/layouts/_default/baseof.html", MATCHED_BASEOF)
    write(f"{hugo_dir}/matched/layouts/_default/single.html", MATCHED_SINGLE)
    write(f"{hugo_dir}/matched/layouts/_default/list.html", MATCHED_LIST)
    write(f"{hugo_dir}/matched/layouts/index.json", MATCHED_INDEX_JSON)
    for folder, _, files in os.walk(f"{portal_dir}/content"):
        for name in files:
            if not name.endswith(".md"):
                continue
            src = os.path.join(folder, name)
            rel = os.path.relpath(src, portal_dir)
            with open(src, encoding="utf-8") as f:
                text = f.read()
            # Hugo dates pages by `date`; its own keys must not clash with ours.
            text = text.replace("\n[[items]]", "\n[[agenda]]", ).replace("[[priorities]]", "[[priority]]")
            write(os.path.join(hugo_dir, rel), text)


def git_history(site, commits, seed):
    """Makes `site` a git repository: everything, then commits changing five pages each."""
    import subprocess
    rng = random.Random(seed)
    pages = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content")) for f in fs
                   if f.endswith(".md") and "meetings" in d and f != "_index.md" and f != "notes.md")
    subprocess.run(["git", "init", "-q", "-b", "main", site], check=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@example.org",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@example.org")
    subprocess.run(["git", "-C", site, "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", site, "commit", "-q", "-m", "Publish the record"], check=True, env=env)
    # The rest through fast-import: thousands of commits in a second or two.
    stream = []
    t = 1_600_000_000
    for n in range(1, commits):
        t += 3600
        ops = []
        for _ in range(5):
            path = rng.choice(pages)
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\nRevision {n}.\n")
            with open(path, "rb") as f:
                data = f.read()
            rel = os.path.relpath(path, site).encode()
            ops.append(b"M 100644 inline " + rel + b"\ndata %d\n" % len(data) + data + b"\n")
        msg = f"Update {n}".encode()
        stream.append(b"commit refs/heads/main\ncommitter Bench <b@example.org> %d +0000\ndata %d\n%s\n" % (t, len(msg), msg))
        if n == 1:
            stream.append(b"from refs/heads/main^0\n")
        stream.extend(ops)
    subprocess.run(["git", "-C", site, "fast-import", "--quiet", "--force"], input=b"".join(stream) + b"done\n", check=True)
    subprocess.run(["git", "-C", site, "reset", "-q", "--hard", "main"], check=True)


def main():
    args = sys.argv[1:]
    hugo = args[args.index("--hugo") + 1] if "--hugo" in args else None
    commits = int(args[args.index("--commits") + 1]) if "--commits" in args else 0
    if "--vocabulary" in args:
        zipf_vocabulary(int(args[args.index("--vocabulary") + 1]))
    n, out = int(args[0]), args[1]
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
    if hugo:
        hugo_copy(out, hugo)
    if commits:
        git_history(out, commits, n)
        if hugo:
            git_history(hugo, commits, n)


if __name__ == "__main__":
    main()
