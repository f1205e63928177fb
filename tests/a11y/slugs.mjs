// Heading ids, checked against github-slugger itself: a page of hard headings
// (accents, other scripts, emoji, punctuation, repeats) is built with the
// portal, and every id it gives must be the id github-slugger gives.
//
// Usage: node slugs.mjs PATH_TO_PORTAL
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';

const portal = process.argv[2];
if (!portal) {
  console.error('usage: node slugs.mjs PATH_TO_PORTAL');
  process.exit(2);
}

const headings = [
  'Leads', 'Leads', 'Leads-1', 'Leads', 'leads-2',
  'Café & Co', 'Cafe\u0301 au lait', 'ÉCOLE – Über Straße', 'Ünïcödé Ŀ Ħ ŒUVRE',
  'ΑΒΓ Σοφία ΟΔΟΣ', 'Москва Кремль', 'İstanbul', 'Ǆemal ǅ', '東京 タワー', 'مرحبا بالعالم',
  '🎉 Party 🎉', '👩‍👩‍👧 Family', '❤️ Love', '2.0 KCSP Funding – Crime Reduction Grant',
  "What's new? (2024)", 'C++ & Rust: "quotes" and ‘curly’ «guillemets»', 'Section 3.5: Leads!',
  '  spaces   inside  ', 'snake_case and ‿ tie', '¿Qué? ¡Sí!', '100% £5 €10 ¥ © ® ™ ² ª',
  'Tabs\tand\u00a0no-break spaces', 'Ch.6 - minor_change!', '---', '', '...', 'Content', 'History',
];

const work = mkdtempSync(join(tmpdir(), 'portal-slugs-'));
try {
  mkdirSync(join(work, 'content'));
  writeFileSync(join(work, 'site.toml'),
    'title = "Slugs"\npartnership = "Slugs"\nbase_url = "https://example.org/"\n');
  writeFileSync(join(work, 'content/_index.md'), '+++\ntitle = "Home"\n+++\n');
  const body = headings.map((h) => `## ${h === '' ? ' ' : h}\n\nText.\n`).join('\n');
  writeFileSync(join(work, 'content/hard.md'), `+++\ntitle = "Hard headings"\n+++\n\n${body}`);
  const build = spawnSync(portal, ['build', '--source', work, '--output', join(work, 'out'), '--quiet'],
                          { encoding: 'utf8' });
  if (build.status !== 0) {
    console.error(`portal build failed:\n${build.stdout}${build.stderr}`);
    process.exit(1);
  }
  const html = readFileSync(join(work, 'out/hard/index.html'), 'utf8');
  // The text's own headings: those of the theme (its contents list, the history) are not the slugger's.
  const text = html.slice(html.indexOf('<div id="content" class="prose">'), html.indexOf('<section id="history"'));
  const ours = [...text.matchAll(/<h2 id="([^"]*)">/g)].map((m) => m[1]
    .replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  // The page's own ids, which the portal reserves before the first heading.
  const slugger = new GithubSlugger();
  for (const id of ['content', 'content-heading', 'main-content', 'history', 'history-heading', 'tags-heading'])
    slugger.slug(id);
  // cmark-gfm trims a heading's text, as GitHub does, before its id is made.
  const theirs = headings.map((h) => slugger.slug(h.trim()));
  let failures = 0;
  if (ours.length !== theirs.length) {
    console.error(`slugs: the page has ${ours.length} headings with ids, expected ${theirs.length}`);
    failures++;
  }
  for (let i = 0; i < Math.min(ours.length, theirs.length); i++) {
    if (ours[i] !== theirs[i]) {
      console.error(`slugs: "${headings[i]}": the portal gives "${ours[i]}", github-slugger "${theirs[i]}"`);
      failures++;
    }
  }
  console.log(`${headings.length} hard headings: ${failures} ids differ from github-slugger`);
  process.exit(failures === 0 ? 0 : 1);
} finally {
  rmSync(work, { recursive: true, force: true });
}
