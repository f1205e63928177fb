// A second accessibility engine beside axe: pa11y with HTML_CodeSniffer
// (WCAG 2 AA) on every page of each built site, in Debian's Chromium. Any
// error fails the run, but for a finding judged a false positive: each is
// listed in codesniffer-ignore.json, one rule on one page at a time, with the
// reason.
//
// Usage: node codesniffer.mjs SITE_DIR...
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pa11y from 'pa11y';
import puppeteer from 'puppeteer';
import { serve, filesEnding } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ignored = JSON.parse(readFileSync(join(here, 'codesniffer-ignore.json'), 'utf8'));
const sites = process.argv.slice(2);
if (sites.length === 0) {
  console.error('usage: node codesniffer.mjs SITE_DIR...');
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
let errors = 0;
const used = new Set();
try {
  for (const site of sites) {
    const server = await serve(site);
    const pages = filesEnding(site, '.html');
    let siteErrors = 0;
    // Three pages at a time: pa11y waits for each page to settle.
    const results = new Map();
    let next = 0;
    await Promise.all([0, 1, 2].map(async () => {
      for (let i = next++; i < pages.length; i = next++) {
        const path = relative(site, pages[i]).split('\\').join('/');
        results.set(path, await pa11y(server.base + path, { browser, standard: 'WCAG2AA', runners: ['htmlcs'], timeout: 60000 }));
      }
    }));
    for (const file of pages) {
      const path = relative(site, file).split('\\').join('/');
      const result = results.get(path);
      for (const issue of result.issues.filter((i) => i.type === 'error')) {
        const rule = ignored.find((r) => r.site === basename(site) && r.page === path && r.code === issue.code);
        if (rule) {
          used.add(rule);
          continue;
        }
        siteErrors++;
        console.error(`htmlcs: ${path}: ${issue.code}\n  at ${issue.selector}\n  ${issue.message}`);
      }
    }
    errors += siteErrors;
    console.log(`${site}: ${pages.length} pages; HTML_CodeSniffer (WCAG2AA): ${siteErrors} errors`);
    server.close();
  }
} finally {
  await browser.close();
}
// An entry of the ignore list for a site checked here that matched nothing is stale: it must go.
for (const rule of ignored) {
  if (used.has(rule) || !sites.some((s) => basename(s) === rule.site)) continue;
  console.error(`htmlcs: the ignore list's entry for ${rule.site}/${rule.page} (${rule.code}) matched nothing; remove it`);
  errors++;
}
process.exit(errors === 0 ? 0 : 1);
