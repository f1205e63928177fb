// Checks every page of one or more built sites, as a person's browser sees
// them: axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) in headless Chromium,
// and the Nu HTML Checker. Any violation or error fails the run.
//
// Usage: node check.mjs SITE_DIR...
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve, filesEnding } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sites = process.argv.slice(2);
if (sites.length === 0) {
  console.error('usage: node check.mjs SITE_DIR...');
  process.exit(2);
}

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axeCheck(browser, site, pages) {
  const server = await serve(site);
  const base = server.base;
  const axeSource = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  let violations = 0;
  for (const file of pages) {
    const url = base + relative(site, file).split('\\').join('/');
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) {
      console.error(`axe: ${url}: could not load the page`);
      violations++;
      continue;
    }
    // Every link leads to a web page or an e-mail address, as the browser reads it: never to script or data.
    const unsafe = await page.evaluate(() => [...document.querySelectorAll('a[href], area[href], img[src], iframe[src], form[action]')]
      .map((e) => e.href || e.src || e.action).filter((u) => !/^(https?:|mailto:)/.test(u)));
    for (const u of unsafe) {
      violations++;
      console.error(`links: ${relative(site, file)}: a link or image leads to ${u}`);
    }
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async (tags) => {
      // eslint-disable-next-line no-undef
      return await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    }, TAGS);
    for (const v of result.violations) {
      for (const node of v.nodes) {
        violations++;
        console.error(`axe: ${relative(site, file)}: ${v.id} (${v.impact}): ${v.help}\n  at ${node.target.join(' ')}\n  ${node.failureSummary?.split('\n').join('\n  ')}`);
      }
    }
  }
  await context.close();
  server.close();
  return violations;
}

// Feeds and sitemaps must be well-formed XML: the browser's own parser decides.
async function xmlCheck(browser, site) {
  const page = await browser.newPage();
  let errors = 0;
  for (const file of filesEnding(site, '.xml')) {
    const problem = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      return error ? error.textContent : null;
    }, readFileSync(file, 'utf8'));
    if (problem) {
      errors++;
      console.error(`xml: ${relative(site, file)}: not well-formed: ${problem}`);
    }
  }
  await page.close();
  return errors;
}

function vnuCheck(site) {
  const jar = join(here, 'node_modules/vnu-jar/build/dist/vnu.jar');
  const result = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'gnu', '--skip-non-html', site],
                           { encoding: 'utf8' });
  if (result.error) {
    console.error(`vnu: cannot run java: ${result.error.message}`);
    return 1;
  }
  const lines = (result.stderr + result.stdout).split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) console.error(`vnu: ${line}`);
  return result.status === 0 ? 0 : Math.max(1, lines.length);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  for (const site of sites) {
    const pages = filesEnding(site, '.html');
    const axeViolations = await axeCheck(browser, site, pages);
    const vnuErrors = vnuCheck(site);
    const xmlErrors = await xmlCheck(browser, site);
    console.log(`${site}: ${pages.length} pages; axe (${TAGS.join(', ')}): ${axeViolations} violations; Nu HTML Checker: ${vnuErrors} errors; XML files not well-formed: ${xmlErrors}`);
    failures += axeViolations + vnuErrors + xmlErrors;
  }
} finally {
  await browser.close();
}
process.exit(failures === 0 ? 0 : 1);
