// The portal's search beside Pagefind, over the same built pages, in headless
// Chromium, as a static host serves them (gzip level 6 for text, byte ranges
// unencoded, as nginx does): what each query downloads from a cold cache, how
// long the first result takes to appear, and (with --relevance) where the
// page each query of a set must find comes.
//
// Usage: node measure.mjs SITE_DIR --query Q [--query Q ...] [--relevance QUERIES_JSON] [--runs N]
// SITE_DIR holds the portal's output with Pagefind's index in pagefind/.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join, extname, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const site = args.shift();
const all = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const queries = all('--query');
const relevanceFile = all('--relevance')[0];
const runs = Number(all('--runs')[0] ?? 3);
const prefix = '/portal/';

// Pagefind's own page: its default UI, given the query the address holds.
writeFileSync(join(site, 'pagefind-search.html'), `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Search</title>
<link href="pagefind/pagefind-ui.css" rel="stylesheet"><script src="pagefind/pagefind-ui.js"></script></head>
<body><main><h1>Search</h1><div id="search"></div></main>
<script>
const ui = new PagefindUI({ element: '#search', showSubResults: true, baseUrl: '${prefix}' });
const q = new URLSearchParams(location.search).get('q');
if (q) ui.triggerSearch(q);
</script></body></html>
`);

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
                '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };
const COMPRESSED = new Set(['.html', '.js', '.css', '.json', '.txt', '.svg', '.wasm']);  // nginx gzip_types, and wasm
const gzipped = new Map();
let log = [];
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let path = decodeURIComponent(url.pathname);
  if (!path.startsWith(prefix)) { res.writeHead(404).end(); return; }
  let file = join(site, path.slice(prefix.length));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) { res.writeHead(404).end(); log.push({ path, bytes: 0 }); return; }
  const ext = extname(file);
  const type = TYPES[ext] ?? 'application/octet-stream';
  const range = req.headers.range?.match(/^bytes=(\d+)-(\d+)$/);
  if (range) {
    const body = readFileSync(file).subarray(Number(range[1]), Number(range[2]) + 1);
    res.writeHead(206, { 'Content-Type': type, 'Content-Length': body.length,
                         'Content-Range': `bytes ${range[1]}-${Number(range[1]) + body.length - 1}/${statSync(file).size}` });
    res.end(body);
    log.push({ path, bytes: body.length });
    return;
  }
  let body = readFileSync(file);
  const headers = { 'Content-Type': type };
  if (COMPRESSED.has(ext) && /gzip/.test(req.headers['accept-encoding'] ?? '')) {
    if (!gzipped.has(file)) gzipped.set(file, gzipSync(body, { level: 6 }));
    body = gzipped.get(file);
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(body);
  log.push({ path, bytes: body.length });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}${prefix}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});

const engines = {
  portal: { page: (q) => `search/?q=${encodeURIComponent(q)}`, first: '#search-results li a', none: '#search-results h2',
            mine: (p) => p.startsWith(prefix + 'search/') && p !== prefix + 'search/index.html' || p === prefix + 'assets/search.js' },
  pagefind: { page: (q) => `pagefind-search.html?q=${encodeURIComponent(q)}`, first: '.pagefind-ui__result-link',
              none: '.pagefind-ui__message',
              mine: (p) => p.startsWith(prefix + 'pagefind/') },
};

// A query from a cold cache: bytes of the engine's files, requests, ms to the first result (or to
// the engine's word that there is none).
async function cold(engine, q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  log = [];
  await page.goto(base + engines[engine].page(q));
  // The first result, or the engine's word that there is none.
  await page.waitForFunction(([first, none]) => document.querySelector(first) ||
    (document.querySelector(none) && /^No /.test(document.querySelector(none).textContent.trim())),
    [engines[engine].first, engines[engine].none], { timeout: 60000 });
  const ms = await page.evaluate(() => performance.now());
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  const shown = await page.$$eval(engines[engine].first, (as) => as.length);
  const mine = log.filter((r) => engines[engine].mine(r.path));
  await context.close();
  return { bytes: mine.reduce((a, r) => a + r.bytes, 0), requests: mine.length, ms, shown };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const out = { queries: [] };
for (const q of queries) {
  const row = { query: q };
  for (const engine of Object.keys(engines)) {
    const tries = [];
    for (let r = 0; r < runs; r++) tries.push(await cold(engine, q));
    row[engine] = { bytes: median(tries.map((t) => t.bytes)), requests: tries[0].requests,
                    ms: median(tries.map((t) => t.ms)), shown: tries[0].shown };
  }
  out.queries.push(row);
}

// The index on disk: every file of each engine's index, raw and gzipped as served.
function size(dir, skip) {
  let raw = 0, gz = 0, files = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      if (skip(relative(dir, p))) continue;
      const bytes = readFileSync(p);
      raw += bytes.length;
      gz += COMPRESSED.has(extname(p)) ? gzipSync(bytes, { level: 6 }).length : bytes.length;
      files++;
    }
  };
  walk(dir);
  return { raw, gz, files };
}
out.index = { portal: size(join(site, 'search'), (p) => p === 'index.html'),
              pagefind: size(join(site, 'pagefind'), (p) => /ui|highlight|component/.test(p)) };

if (relevanceFile) {
  const set = JSON.parse(readFileSync(relevanceFile, 'utf8')).queries;
  const page = await browser.newPage();
  const rank = { portal: [], pagefind: [] }, empty = { portal: 0, pagefind: 0 };
  for (const q of set) {
    await page.goto(base + engines.portal.page(q.query));
    await page.waitForFunction(() => { const h = document.querySelector('#search-results h2');
      return h && (h.textContent.startsWith('No') || document.querySelector('#search-results li')); }, null, { timeout: 30000 });
    const ours = await page.$$eval('#search-results li', (lis) => lis.map((li) => new URL(li.querySelector('a').href).pathname));
    rank.portal.push(ours.indexOf(prefix + q.page));
    if (!ours.length) empty.portal++;
    await page.goto(base + 'pagefind-search.html');
    const theirs = await page.evaluate(async ([query, prefix]) => {
      const pf = await import(prefix + 'pagefind/pagefind.js');
      await pf.options({ baseUrl: prefix });
      const found = await pf.search(query);
      const data = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
      return data.map((d) => new URL(d.url, location.href).pathname);
    }, [q.query, prefix]);
    rank.pagefind.push(theirs.indexOf(prefix + q.page));
    if (!theirs.length) empty.pagefind++;
    if (process.env.VERBOSE) console.error(`${q.query}: portal ${rank.portal.at(-1)}, pagefind ${rank.pagefind.at(-1)} (${theirs.slice(0, 3).join(' ')})`);
  }
  out.relevance = {};
  for (const engine of Object.keys(rank)) {
    const r = rank[engine];
    out.relevance[engine] = { queries: r.length, top1: r.filter((x) => x === 0).length, top3: r.filter((x) => x >= 0 && x < 3).length,
                              without_results: empty[engine] };
  }
}
await browser.close();
server.close();
console.log(JSON.stringify(out));
