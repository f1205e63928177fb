// The search page as its readers use it, in headless Chromium, over a built
// site: the browser's words are the index's words; queries from the bench's
// set open the page (and heading) they must, by clicking the first result;
// the keyboard alone gets from the box to more results; only a short status
// is announced; the filters have counts and follow a renamed priority; the
// results page passes axe and the Nu HTML Checker; without JavaScript the
// page says so. Any failure fails the run.
//
// Usage: node search.mjs SITE_DIR [--queries FILE --count N] [--common WORD]
//                        [--renamed OLD_ID,NEW_ID,QUERY,PAGE_FILED_UNDER_OLD_ID]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, serve, axeScript, vnuJar } from './packages.mjs';

const args = process.argv.slice(2);
const site = args.shift();
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
if (!site) {
  console.error('usage: node search.mjs SITE_DIR [--queries FILE --count N] [--common WORD] [--renamed OLD,NEW,QUERY,PAGE]');
  process.exit(2);
}
let failures = 0;
const fail = (message) => { failures++; console.error(`search: ${message}`); };

// ---- The browser's words are the index's words ------------------------------
// search.js cuts what a reader types; the generator cut the pages. Every word
// the browser finds in a page's text or title must be in the vocabulary, and
// every word of the vocabulary must be one the browser finds somewhere.
const core = createRequire(import.meta.url)(join(site, 'assets/search.js'));
const searchDir = join(site, 'search');
const meta = JSON.parse(readFileSync(join(searchDir, 'meta.json'), 'utf8'));
const stop = new Set(meta.stop);
const directory = (name) => JSON.parse(readFileSync(join(searchDir, `dirs/${name}.json`), 'utf8')).entries;
const vocabulary = new Set();
for (const [, dir] of meta.words)
  for (const [, name] of directory(dir))
    for (const e of JSON.parse(readFileSync(join(searchDir, `words/${name}.json`), 'utf8')).words)
      vocabulary.add(typeof e === 'string' ? e : e[0]);
const seen = new Set();
const docs = [];
for (const [json, txt] of meta.docs.flatMap(directory)) {
  const bytes = readFileSync(join(searchDir, `docs/${txt}.txt`));
  for (const d of JSON.parse(readFileSync(join(searchDir, `docs/${json}.json`), 'utf8')).docs) {
    docs.push(d);
    const text = d.title + '\n' + bytes.subarray(d.text[0], d.text[0] + d.text[1]).toString('utf8');
    for (const w of core.words(text, true)) {
      if (stop.has(w.word)) continue;
      seen.add(w.word);
      if (!vocabulary.has(w.word)) fail(`the browser reads "${w.word}" in ${d.url || 'the home page'}, which the index does not hold`);
    }
  }
}
for (const w of vocabulary) if (!seen.has(w)) fail(`the index holds "${w}", which the browser reads in no page`);
if (docs.length !== meta.documents) fail(`meta.json counts ${meta.documents} pages, the pieces hold ${docs.length}`);

// ---- What a reader types -------------------------------------------------------
const expectQuery = (query, want) => {
  const got = JSON.stringify(core.parseQuery(query, { in: true, the: true }));
  if (got !== JSON.stringify(want)) fail(`parseQuery(${JSON.stringify(query)}) = ${got}`);
};
expectQuery('"Safer in Kent" road saf', [{ phrase: [{ word: 'safer', gap: 0 }, { word: 'kent', gap: 2 }], text: 'Safer in Kent' },
  { word: 'road', prefix: false, stopWord: false, optional: false }, { word: 'saf', prefix: true, stopWord: false, optional: false }]);
expectQuery('the road ', [{ word: 'road', prefix: false, stopWord: false, optional: false }]);
expectQuery('road the', [{ word: 'road', prefix: false, stopWord: false, optional: false },
  { word: 'the', prefix: true, stopWord: true, optional: true }]);
expectQuery('"unclosed quote', [{ word: 'unclosed', prefix: false, stopWord: false, optional: false },
  { word: 'quote', prefix: true, stopWord: false, optional: false }]);
if (core.parseQuery('a b c d e f g h i j k l m n o p ', {}).length !== 12) fail('a long query is not cut at twelve words');
for (const [a, b, limit, want] of [['domestik', 'domestic', 2, 1], ['violance', 'violence', 1, 1], ['abcd', 'bacd', 1, 1],
                                   ['behavior', 'behaviour', 1, 1], ['road', 'rail', 1, 2], ['kent', 'kent', 1, 0]])
  if (core.distance(a, b, limit) !== want) fail(`distance(${a}, ${b}) = ${core.distance(a, b, limit)}, not ${want}`);

// ---- In the browser -----------------------------------------------------------
const server = await serve(site);
const base = server.base;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
const page = await context.newPage();
page.on('pageerror', (e) => fail(`a script error on ${page.url()}: ${e.message}`));
const notFound = [];
page.on('response', (r) => { if (r.status() >= 400) notFound.push(`${r.status()} ${r.url()}`); });

// Waits for the results of the query the page is running, and reads them.
async function settled() {
  await page.waitForFunction(() => {
    const h = document.querySelector('#search-results h2');
    return h && (h.textContent.startsWith('No results') || document.querySelector('#search-results li'));
  }, null, { timeout: 10000 });
  return page.evaluate(() => ({
    heading: document.querySelector('#search-results h2').textContent,
    status: document.getElementById('search-status').textContent,
    items: [...document.querySelectorAll('#search-results li')].map((li) => ({
      href: li.querySelector('a')?.getAttribute('href') ?? '', title: li.querySelector('a')?.textContent ?? '',
      marked: [...li.querySelectorAll('mark')].map((m) => m.textContent) })),
  }));
}

async function open(address) {
  notFound.length = 0;
  await page.goto(base + address);
  return settled();
}

try {
  // Queries from the set: the first result opens the page, and heading, it must.
  const queriesFile = option('--queries');
  if (queriesFile) {
    const count = Number(option('--count') ?? 10);
    const { queries } = JSON.parse(readFileSync(queriesFile, 'utf8'));
    for (const q of queries.slice(0, count)) {
      const shown = await open(`search/?q=${encodeURIComponent(q.query)}`);
      if (shown.items.length === 0) { fail(`"${q.query}": no results (${shown.heading})`); continue; }
      const response = await Promise.all([page.waitForNavigation(), page.click('#search-results li:first-child a')])
        .then(([r]) => r);
      const landed = new URL(page.url());
      const path = decodeURIComponent(landed.pathname.slice(new URL(base).pathname.length));
      if (!response || response.status() !== 200) fail(`"${q.query}": the first result opened ${landed.href}: ${response ? response.status() : 'no response'}`);
      else if (path !== q.page) fail(`"${q.query}": the first result opened ${path || '(the home page)'}, not ${q.page}`);
      else if (q.anchor !== undefined && landed.hash !== (q.anchor ? '#' + q.anchor : ''))
        fail(`"${q.query}": the first result opened ${path}${landed.hash}, not #${q.anchor}`);
      else if (landed.hash && !(await page.$(`[id="${decodeURIComponent(landed.hash.slice(1))}"]`)))
        fail(`"${q.query}": ${path}${landed.hash}: the page has no such heading`);
    }
    if (notFound.length) fail(`requests that failed: ${notFound.join(', ')}`);
    // Every query of the set: results, and the page it names among the first three.
    for (const q of queries) {
      const shown = await open(`search/?q=${encodeURIComponent(q.query)}`);
      const pages = shown.items.slice(0, 3).map((i) => decodeURIComponent(new URL(i.href, page.url()).pathname.slice(new URL(base).pathname.length)));
      if (!pages.includes(q.page)) fail(`"${q.query}": ${q.page} is not among the first three (${pages.join(', ') || 'no results'})`);
    }
  }

  // The keyboard alone: to the box, a query, Enter, to the button for more, and on.
  notFound.length = 0;
  await page.goto(base + 'search/');
  const label = await page.$eval('label[for="search-words"]', (l) => { const r = l.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? l.textContent : ''; }).catch(() => '');
  if (!label) fail('the search box has no visible label');
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'search-words');
  }
  if (!reached) fail('Tab never reaches the search box');
  const common = option('--common') ?? 'meeting';
  await page.keyboard.type(common);
  await page.keyboard.press('Enter');
  let shown = await settled();
  const total = Number((shown.heading.match(/^(\d+) results? /) ?? [])[1] ?? 0);
  if (!/^\d+ results? for /.test(shown.heading)) fail(`after Enter the results say "${shown.heading}", not how many there are`);
  if (shown.status !== shown.heading) fail(`the status says "${shown.status}", not "${shown.heading}"`);
  if (shown.status.length > 120) fail(`the status announces ${shown.status.length} characters`);
  const live = await page.evaluate(() => [...document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]')]
    .map((e) => e.textContent.length));
  if (live.some((n) => n > 120)) fail(`a live region holds ${Math.max(...live)} characters: only a short status may be announced`);
  if (!new URL(page.url()).search.includes(`q=${common}`)) fail(`the address does not hold the query: ${page.url()}`);
  if (total <= 10) fail(`"${common}" finds ${total} results: too few to try the button for more`);
  if (shown.items.length !== Math.min(total, 10)) fail(`${shown.items.length} results shown at first, not 10 of ${total}`);
  if (!shown.items.some((i) => i.marked.some((m) => m.toLowerCase().startsWith(common.slice(0, 5)))))
    fail(`no passage marks "${common}"`);
  let onButton = false;
  for (let i = 0; i < 60 && !onButton; i++) {
    await page.keyboard.press('Tab');
    onButton = await page.evaluate(() => document.activeElement?.classList.contains('search-more'));
  }
  if (!onButton) fail('Tab never reaches the button for more results');
  else {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 10, null, { timeout: 10000 })
      .catch(() => fail('the button for more results shows none'));
    const focus = await page.evaluate(() => {
      const items = [...document.querySelectorAll('#search-results li')];
      return { at: items.findIndex((li) => li.contains(document.activeElement)), count: items.length,
               status: document.getElementById('search-status').textContent };
    });
    if (focus.at !== 10) fail(`after "more", focus is on result ${focus.at + 1}, not the first new one (11)`);
    if (focus.count !== Math.min(total, 20)) fail(`after "more", ${focus.count} results, not ${Math.min(total, 20)}`);
    if (!/^Showing \d+ of \d+ results$/.test(focus.status)) fail(`after "more" the status says "${focus.status}"`);
  }

  // On a phone: the results, their passages and the button fit 320 px without scrolling sideways.
  await page.setViewportSize({ width: 320, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 320) fail(`at 320 px the results page is ${wide} px wide: it scrolls sideways`);
  await page.setViewportSize({ width: 1024, height: 800 });

  // The results page itself: axe and the Nu HTML Checker, as rendered.
  const axeSource = readFileSync(axeScript, 'utf8');
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => (await window.axe.run(document,
    { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })).violations
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  for (const v of axe) fail(`axe on the results: ${v}`);
  await page.evaluate(() => document.querySelectorAll('script:not([src])').forEach((s) => s.remove()));
  const dir = mkdtempSync(join(tmpdir(), 'search-'));
  writeFileSync(join(dir, 'results.html'), '<!DOCTYPE html>\n' + await page.evaluate(() => document.documentElement.outerHTML));
  const vnu = spawnSync('java', ['-jar', vnuJar, '--errors-only', '--format', 'gnu', join(dir, 'results.html')],
                        { encoding: 'utf8' });
  for (const line of (vnu.stderr + vnu.stdout).split('\n').filter((l) => l.trim())) fail(`vnu on the results: ${line}`);
  if (vnu.status !== 0 && !(vnu.stderr + vnu.stdout).trim()) fail(`vnu did not run: ${vnu.error?.message ?? vnu.status}`);
  rmSync(dir, { recursive: true, force: true });

  // The filters: each value with its count, as a plain GET form the address keeps.
  shown = await open(`search/?q=${encodeURIComponent(common)}&kind=${meta.kinds[2].id}`);
  const options = await page.$$eval('#search-kind option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
  const picked = options.find((o) => o.value === meta.kinds[2].id);
  if (!picked || !/\(\d+\)$/.test(picked.text)) fail(`the kind filter shows no count: ${picked?.text}`);
  else if (Number(picked.text.match(/\((\d+)\)$/)[1]) !== Number((shown.heading.match(/^(\d+)/) ?? [0, 0])[1]))
    fail(`the filter says "${picked.text}", the results "${shown.heading}"`);
  if (!shown.heading.endsWith(', filtered')) fail(`a filtered list does not say so: "${shown.heading}"`);
  const renamed = option('--renamed');
  if (renamed) {
    // A priority's old id in the address selects the priority it became; either finds what was filed under the old one.
    const [oldId, newId, query, filed] = renamed.split(',');
    for (const id of [oldId, newId]) {
      shown = await open(`search/?q=${encodeURIComponent(query)}&priority=${id}`);
      const selected = await page.$eval('#search-priority', (s) => s.value);
      if (selected !== newId) fail(`priority=${id} selects "${selected}", not ${newId}`);
      if (!shown.items.some((i) => new URL(i.href, page.url()).pathname.endsWith('/' + filed)))
        fail(`"${query}" filtered by ${id} does not find ${filed}, filed under ${oldId}`);
    }
  }

  // Without JavaScript: the page says so, and the section lists are there.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noScript = await plain.newPage();
  await noScript.goto(base + 'search/?q=crime');
  const said = await noScript.evaluate(() => document.body.innerText);
  if (!/needs JavaScript/.test(said)) fail('without JavaScript the page does not say that searching needs it');
  const lists = await noScript.$$eval('main a[href]', (as) => as.map((a) => a.getAttribute('href')));
  if (!lists.includes('../meetings/')) fail('without JavaScript the page links to no section list');
  await plain.close();
} finally {
  await browser.close();
  server.close();
}
console.log(`${site}: search: ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
